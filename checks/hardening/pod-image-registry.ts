import { defineControl } from '../../src/engine/types.ts';
import { allowedBy, parseImage, parseRegistryPattern, type RegistryPattern } from '../../src/model/images.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { applyVia, applyVolumeVia, containerPatch, containerTargets, imageVolumePatch, imageVolumeRemediations, workloadRemediations } from './_remediation.ts';

const ACTION =
  'Mirror the image of container {{container}} of {{kind}} {{namespace}}/{{name}} into an allowed registry and use it from there (replace the placeholders), or add its registry to --allowed-registries if it is trusted';
const VOLUME_ACTION =
  'Mirror the image that image volume {{volume}} of {{kind}} {{namespace}}/{{name}} mounts into an allowed registry and use it from there (replace the placeholders), or add its registry to --allowed-registries if it is trusted';

export default defineControl({
  meta: {
    id: 'pod-image-registry',
    title: 'Images come from allowed registries',
    area: 'workloads',
    severity: 'medium',
    description:
      'With `--allowed-registries`, flags every init, regular and ephemeral container, and every image volume (`volumes[].image.reference`), whose image comes from elsewhere. Unqualified names resolve as the runtime resolves them (`nginx` is `docker.io/library/nginx`; `index.docker.io` is `docker.io`). An entry is a registry host with its port if any (`registry.example.com:5000`), a host and repository prefix matched on whole path components (`ghcr.io/acme` admits `ghcr.io/acme/app`, not `ghcr.io/acme-evil/app`), or `*.` and a domain for any of its subdomains (`*.dkr.ecr.eu-west-1.amazonaws.com`). Without the option the control is not applicable.',
    rationale:
      'An allowlist keeps workloads on registries the organisation controls, scans and signs, so a typo-squatted or attacker-controlled image cannot be pulled by editing one line of a manifest.',
    ...(() => {
      const r = workloadRemediations({ action: ACTION });
      return { remediation: r.remediation, remediations: { ...r.remediations, ...imageVolumeRemediations(VOLUME_ACTION) } };
    })(),
    references: {
      links: ['https://kubernetes.io/docs/concepts/containers/images/'],
    },
    messages: {
      notAllowed: 'Container "{{container}}" ({{containerType}}) pulls "{{image}}" from registry {{registry}}, which is not allowed.',
      unparseable: 'Container "{{container}}" ({{containerType}}) has an image reference that cannot be parsed, so its registry is unknown: "{{image}}".',
      volumeNotAllowed: 'Image volume "{{volume}}" mounts "{{image}}" from registry {{registry}}, which is not allowed.',
      volumeUnparseable: 'Image volume "{{volume}}" has an image reference that cannot be parsed, so its registry is unknown: "{{image}}".',
    },
  },
  reads: WORKLOAD_KINDS,
  inapplicable: (options) =>
    options.allowedRegistries?.length ? undefined : 'No registry allowlist given: run the scan with --allowed-registries to assess image origins',
  evaluate(snapshot, report, options) {
    const entries = options.allowedRegistries ?? [];
    const patterns: RegistryPattern[] = entries.map((e) => {
      const p = parseRegistryPattern(e);
      if (!p) throw new Error(`invalid --allowed-registries entry "${e}"`);
      return p;
    });
    const allowed = entries.join(', ');
    for (const { w, containers, imageVolumes, ownOnly } of containerTargets(snapshot, { ephemeral: true, added: true })) {
      let failed = false;
      for (const c of containers) {
        const ref = parseImage(c.container.image);
        if (ref && allowedBy(ref, patterns)) continue;
        failed = true;
        const image = c.container.image ?? '';
        report.fail(w.subject, {
          remediationId: applyVia(w, c, { imageOnly: true }),
          messageId: ref ? 'notAllowed' : 'unparseable',
          data: {
            containerType: c.type,
            image,
            registry: ref?.registry ?? 'unknown',
            ...containerPatch(w, c, { image: '<ALLOWED-REGISTRY>/<REPOSITORY>:<VERSION>' }),
          },
          path: `${c.path}.image`,
          container: c.container.name,
          observed: ref?.registry ?? image,
          expected: `one of: ${allowed}`,
        });
      }
      for (const v of imageVolumes) {
        const ref = parseImage(v.reference);
        if (ref && allowedBy(ref, patterns)) continue;
        failed = true;
        const image = v.reference ?? '';
        report.fail(w.subject, {
          remediationId: applyVolumeVia(w),
          messageId: ref ? 'volumeNotAllowed' : 'volumeUnparseable',
          data: { volume: v.name, image, registry: ref?.registry ?? 'unknown', ...imageVolumePatch(w, v, { reference: '<ALLOWED-REGISTRY>/<REPOSITORY>:<VERSION>' }) },
          path: `${v.path}.reference`,
          observed: ref?.registry ?? image,
          expected: `one of: ${allowed}`,
        });
      }
      if (!failed && !ownOnly) report.pass(w.subject);
    }
  },
});
