import { defineControl } from '../../src/engine/types.ts';
import { parseImage } from '../../src/model/images.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { applyVia, containerPatch, containerTargets, workloadRemediations } from './_remediation.ts';

export default defineControl({
  meta: {
    id: 'pod-image-tag-latest',
    title: 'Images name a version, not `latest` or nothing',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags every init, regular and ephemeral container whose image has no digest and either no tag (the runtime pulls `latest`) or the tag `latest`. A digest pins the image whatever tag is written beside it. An image reference that cannot be parsed is reported too.',
    rationale:
      '`latest` names whatever was pushed last: two nodes can run different code for the same spec, a rollback returns to nothing known, and a compromised push reaches production at the next restart without any change to the manifest.',
    ...workloadRemediations({
      action:
        'Pin the image of container {{container}} of {{kind}} {{namespace}}/{{name}} to a released version, better also to its digest (replace <VERSION>)',
    }),
    references: {
      links: ['https://kubernetes.io/docs/concepts/containers/images/#image-names'],
    },
    messages: {
      latest: 'Container "{{container}}" ({{containerType}}) uses image "{{image}}" with the mutable tag latest.',
      untagged: 'Container "{{container}}" ({{containerType}}) uses image "{{image}}" with no tag and no digest: the runtime pulls latest.',
      unparseable: 'Container "{{container}}" ({{containerType}}) has an image reference that cannot be parsed: "{{image}}".',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    for (const { w, containers } of containerTargets(snapshot, { ephemeral: true })) {
      let failed = false;
      for (const c of containers) {
        const image = c.container.image ?? '';
        const ref = parseImage(c.container.image);
        let messageId: string;
        let pinTo: string;
        if (!ref) {
          messageId = 'unparseable';
          pinTo = '<REGISTRY>/<REPOSITORY>:<VERSION>';
        } else if (ref.digest) {
          continue;
        } else if (ref.tag === undefined || ref.tag === 'latest') {
          messageId = ref.tag === undefined ? 'untagged' : 'latest';
          pinTo = `${ref.name}:<VERSION>`;
        } else {
          continue;
        }
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
      if (!failed) report.pass(w.subject);
    }
  },
});
