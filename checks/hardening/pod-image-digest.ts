import { defineControl } from '../../src/engine/types.ts';
import { parseImage } from '../../src/model/images.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { applyVia, applyVolumeVia, containerPatch, containerTargets, imageVolumePatch, imageVolumeRemediations, workloadRemediations } from './_remediation.ts';

const ACTION =
  'Resolve the digest of the image container {{container}} of {{kind}} {{namespace}}/{{name}} runs (crane digest, or docker buildx imagetools inspect) and add it to the image reference (replace <DIGEST>)';
const VOLUME_ACTION =
  'Resolve the digest of the image that image volume {{volume}} of {{kind}} {{namespace}}/{{name}} mounts (crane digest, or docker buildx imagetools inspect) and add it to its reference (replace <DIGEST>)';

/** The reference to suggest: the same name and tag, with a digest placeholder. */
function pinnedForm(ref: ReturnType<typeof parseImage>): string {
  return ref ? `${ref.name}${ref.tag ? `:${ref.tag}` : ''}@sha256:<DIGEST>` : '<REGISTRY>/<REPOSITORY>@sha256:<DIGEST>';
}

export default defineControl({
  meta: {
    id: 'pod-image-digest',
    title: 'Images are pinned by digest',
    area: 'workloads',
    severity: 'low',
    description:
      'Flags every init, regular and ephemeral container, and every image volume (`volumes[].image.reference`), whose image reference carries no digest (`@sha256:…`). Tags, even version tags, can be moved to other content by anyone who can push to the repository. An image reference that cannot be parsed is reported too.',
    rationale:
      'A digest names the image\'s content: every node runs the same bytes, and a registry compromise or a re-pushed tag cannot change what runs. It is also what image signatures and scan results refer to.',
    ...(() => {
      const r = workloadRemediations({ action: ACTION });
      return { remediation: r.remediation, remediations: { ...r.remediations, ...imageVolumeRemediations(VOLUME_ACTION) } };
    })(),
    references: {
      links: ['https://kubernetes.io/docs/concepts/containers/images/#image-names'],
    },
    messages: {
      tagOnly: 'Container "{{container}}" ({{containerType}}) uses image "{{image}}", which is not pinned by digest.',
      unparseable: 'Container "{{container}}" ({{containerType}}) has an image reference that cannot be parsed: "{{image}}".',
      volumeTagOnly: 'Image volume "{{volume}}" mounts image "{{image}}", which is not pinned by digest.',
      volumeUnparseable: 'Image volume "{{volume}}" has an image reference that cannot be parsed: "{{image}}".',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    for (const { w, containers, imageVolumes, ownOnly } of containerTargets(snapshot, { ephemeral: true, added: true })) {
      let failed = false;
      for (const c of containers) {
        const image = c.container.image ?? '';
        const ref = parseImage(c.container.image);
        if (ref?.digest) continue;
        failed = true;
        const pinned = pinnedForm(ref);
        report.fail(w.subject, {
          remediationId: applyVia(w, c, { imageOnly: true }),
          messageId: ref ? 'tagOnly' : 'unparseable',
          data: { containerType: c.type, image, ...containerPatch(w, c, { image: pinned }) },
          path: `${c.path}.image`,
          container: c.container.name,
          observed: image,
          expected: 'an image reference with @sha256:<digest>',
        });
      }
      for (const v of imageVolumes) {
        const ref = parseImage(v.reference);
        if (ref?.digest) continue;
        failed = true;
        const image = v.reference ?? '';
        report.fail(w.subject, {
          remediationId: applyVolumeVia(w),
          messageId: ref ? 'volumeTagOnly' : 'volumeUnparseable',
          data: { volume: v.name, image, ...imageVolumePatch(w, v, { reference: pinnedForm(ref) }) },
          path: `${v.path}.reference`,
          observed: image,
          expected: 'an image reference with @sha256:<digest>',
        });
      }
      if (!failed && !ownOnly) report.pass(w.subject);
    }
  },
});
