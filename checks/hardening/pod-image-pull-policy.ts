import { defineControl } from '../../src/engine/types.ts';
import { defaultPullPolicy, parseImage } from '../../src/model/images.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { applyVia, applyVolumeVia, containerPatch, containerTargets, imageVolumePatch, imageVolumeRemediations, workloadRemediations } from './_remediation.ts';

const ACTION = 'Pin the image of container {{container}} of {{kind}} {{namespace}}/{{name}} by digest, or set its imagePullPolicy to Always';
const VOLUME_ACTION = 'Pin the image of image volume {{volume}} of {{kind}} {{namespace}}/{{name}} by digest, or set its pullPolicy to Always';

export default defineControl({
  meta: {
    id: 'pod-image-pull-policy',
    title: 'Images referenced by tag are pulled on every start',
    area: 'workloads',
    severity: 'low',
    description:
      'Flags every init, regular and ephemeral container, and every image volume (`volumes[].image`, its `pullPolicy`), whose image is not pinned by digest and whose imagePullPolicy — as written, or as the API server defaults it (Always for `latest` or no tag, IfNotPresent otherwise) — is not Always. Digest-pinned images pass with any policy: their content cannot change. A cluster running the AlwaysPullImages admission plugin rewrites the policy of every Pod at creation, but controllers\' templates keep the written value and are still reported; waive the control there.',
    rationale:
      'With IfNotPresent or Never a node starts whatever it cached under the tag: nodes drift apart after a tag is re-pushed, and a pod can start a private image another pod pulled, without the registry checking its own pull credentials.',
    ...(() => {
      const r = workloadRemediations({ action: ACTION });
      return { remediation: r.remediation, remediations: { ...r.remediations, ...imageVolumeRemediations(VOLUME_ACTION) } };
    })(),
    references: {
      links: ['https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy'],
    },
    messages: {
      notAlways: 'Container "{{container}}" ({{containerType}}) pulls the tag-referenced image "{{image}}" with imagePullPolicy {{policy}} ({{source}}).',
      volumeNotAlways: 'Image volume "{{volume}}" pulls the tag-referenced image "{{image}}" with pullPolicy {{policy}} ({{source}}).',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    // An object read from the cluster carries the policy whether or not its author wrote one: the API server stores the
    // default (from the image's tag when the object was created, or when the field was last left out).
    const as = (written: string | undefined) =>
      !written ? 'defaulted by the API server' : snapshot.source === 'cluster' ? 'as stored: written, or defaulted by the API server' : 'as written';
    for (const { w, containers, imageVolumes, ownOnly } of containerTargets(snapshot, { ephemeral: true, added: true })) {
      let failed = false;
      for (const c of containers) {
        const ref = parseImage(c.container.image);
        if (ref?.digest) continue;
        const written = c.container.imagePullPolicy;
        const policy = written || defaultPullPolicy(ref);
        if (policy === 'Always') continue;
        failed = true;
        report.fail(w.subject, {
          remediationId: applyVia(w, c),
          messageId: 'notAlways',
          data: {
            containerType: c.type,
            image: c.container.image ?? '',
            policy,
            source: as(written),
            ...containerPatch(w, c, { imagePullPolicy: 'Always' }),
          },
          path: `${c.path}.imagePullPolicy`,
          container: c.container.name,
          observed: policy,
          expected: 'Always (or an image pinned by digest)',
        });
      }
      for (const v of imageVolumes) {
        const ref = parseImage(v.reference);
        if (ref?.digest) continue;
        // The API server defaults an image volume's pullPolicy as it defaults a container's imagePullPolicy.
        const policy = v.pullPolicy ?? defaultPullPolicy(ref);
        if (policy === 'Always') continue;
        failed = true;
        report.fail(w.subject, {
          remediationId: applyVolumeVia(w),
          messageId: 'volumeNotAlways',
          data: {
            volume: v.name,
            image: v.reference ?? '',
            policy,
            source: as(v.pullPolicy),
            ...imageVolumePatch(w, v, { pullPolicy: 'Always' }),
          },
          path: `${v.path}.pullPolicy`,
          observed: policy,
          expected: 'Always (or an image pinned by digest)',
        });
      }
      if (!failed && !ownOnly) report.pass(w.subject);
    }
  },
});
