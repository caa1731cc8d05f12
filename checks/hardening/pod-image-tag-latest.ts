import { defineControl } from '../../src/engine/types.ts';
import { parseImage } from '../../src/model/images.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { applyVia, applyVolumeVia, containerPatch, containerTargets, imageVolumePatch, imageVolumeRemediations, workloadRemediations } from './_remediation.ts';

const ACTION =
  'Pin the image of container {{container}} of {{kind}} {{namespace}}/{{name}} to a released version, better also to its digest (replace <VERSION>)';
const VOLUME_ACTION =
  'Pin the image of image volume {{volume}} of {{kind}} {{namespace}}/{{name}} to a released version, better also to its digest (replace <VERSION>)';

/** What an image reference is pinned to, or why not: undefined when it names a version or a digest. */
function judge(image: string | undefined): { messageId: 'latest' | 'untagged' | 'unparseable'; pinTo: string } | undefined {
  const ref = parseImage(image);
  if (!ref) return { messageId: 'unparseable', pinTo: '<REGISTRY>/<REPOSITORY>:<VERSION>' };
  if (ref.digest || (ref.tag !== undefined && ref.tag !== 'latest')) return undefined;
  return { messageId: ref.tag === undefined ? 'untagged' : 'latest', pinTo: `${ref.name}:<VERSION>` };
}

export default defineControl({
  meta: {
    id: 'pod-image-tag-latest',
    title: 'Images name a version, not `latest` or nothing',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags every init, regular and ephemeral container, and every image volume (`volumes[].image.reference`), whose image has no digest and either no tag (the runtime pulls `latest`) or the tag `latest`. A digest pins the image whatever tag is written beside it. An image reference that cannot be parsed is reported too.',
    rationale:
      '`latest` names whatever was pushed last: two nodes can run different code for the same spec, a rollback returns to nothing known, and a compromised push reaches production at the next restart without any change to the manifest.',
    ...(() => {
      const r = workloadRemediations({ action: ACTION });
      return { remediation: r.remediation, remediations: { ...r.remediations, ...imageVolumeRemediations(VOLUME_ACTION) } };
    })(),
    references: {
      links: ['https://kubernetes.io/docs/concepts/containers/images/#image-names'],
    },
    messages: {
      latest: 'Container "{{container}}" ({{containerType}}) uses image "{{image}}" with the mutable tag latest.',
      untagged: 'Container "{{container}}" ({{containerType}}) uses image "{{image}}" with no tag and no digest: the runtime pulls latest.',
      unparseable: 'Container "{{container}}" ({{containerType}}) has an image reference that cannot be parsed: "{{image}}".',
      volumeLatest: 'Image volume "{{volume}}" mounts image "{{image}}" with the mutable tag latest.',
      volumeUntagged: 'Image volume "{{volume}}" mounts image "{{image}}" with no tag and no digest: the runtime pulls latest.',
      volumeUnparseable: 'Image volume "{{volume}}" has an image reference that cannot be parsed: "{{image}}".',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    for (const { w, containers, imageVolumes, ownOnly } of containerTargets(snapshot, { ephemeral: true, added: true })) {
      let failed = false;
      for (const c of containers) {
        const image = c.container.image ?? '';
        const bad = judge(c.container.image);
        if (!bad) continue;
        const { messageId, pinTo } = bad;
        failed = true;
        report.fail(w.subject, {
          remediationId: applyVia(w, c, { imageOnly: true }),
          messageId,
          data: { containerType: c.type, image, ...containerPatch(w, c, { image: pinTo }) },
          path: `${c.path}.image`,
          container: c.container.name,
          observed: image,
          expected: 'a version tag or a digest',
        });
      }
      for (const v of imageVolumes) {
        const bad = judge(v.reference);
        if (!bad) continue;
        failed = true;
        const image = v.reference ?? '';
        report.fail(w.subject, {
          remediationId: applyVolumeVia(w),
          messageId: `volume${bad.messageId[0]!.toUpperCase()}${bad.messageId.slice(1)}`,
          data: { volume: v.name, image, ...imageVolumePatch(w, v, { reference: bad.pinTo }) },
          path: `${v.path}.reference`,
          observed: image,
          expected: 'a version tag or a digest',
        });
      }
      if (!failed && !ownOnly) report.pass(w.subject);
    }
  },
});
