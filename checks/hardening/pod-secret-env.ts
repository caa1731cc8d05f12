import { defineControl } from '../../src/engine/types.ts';
import { WORKLOAD_KINDS } from '../../src/model/workloads.ts';
import { containerTargets } from './_remediation.ts';

/** A volume name for a Secret: a DNS label derived from its name. */
function volumeName(secret: string): string {
  return `secret-${secret}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63).replace(/-+$/, '');
}

export default defineControl({
  meta: {
    id: 'pod-secret-env',
    title: 'Secrets are mounted as files, not passed as environment variables',
    area: 'workloads',
    severity: 'medium',
    description:
      'Flags every init, regular and ephemeral container that takes a Secret into its environment: an `env[].valueFrom.secretKeyRef` (one key) or an `envFrom[].secretRef` (every key). Only the pod specs are read; Secret values never are.',
    rationale:
      'Environment variables leak: into crash dumps and debug endpoints, into `kubectl describe`-style tooling and logs of anything that prints its environment, and into every child process. A Secret mounted as a file is readable only where the application opens it, and is updated in place when the Secret rotates.',
    remediation:
      'Stop passing Secret {{secret}} to container {{container}} of {{kind}} {{namespace}}/{{name}} through its environment; mount it read-only and have the application read the files. Merge into the pod spec at {{specPath}}:\n\nvolumes:\n  - name: {{volume}}\n    secret:\n      secretName: {{secret}}\ncontainers:\n  - name: {{container}}\n    volumeMounts:\n      - name: {{volume}}\n        mountPath: /etc/secrets/{{volume}}\n        readOnly: true',
    references: {
      cis: ['5.4.1'],
      links: ['https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod'],
    },
    messages: {
      secretKeyRef: 'Container "{{container}}" ({{containerType}}) exposes key "{{key}}" of Secret "{{secret}}" as environment variable "{{env}}".',
      secretRef: 'Container "{{container}}" ({{containerType}}) exposes every key of Secret "{{secret}}" as environment variables{{prefixText}}.',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    for (const { w, containers, ownOnly } of containerTargets(snapshot, { ephemeral: true, added: true })) {
      let failed = false;
      for (const c of containers) {
        const name = c.container.name;
        (c.container.env ?? []).forEach((e, i) => {
          const ref = e?.valueFrom?.secretKeyRef;
          if (!ref) return;
          failed = true;
          const secret = ref.name ?? '';
          report.fail(w.subject, {
            messageId: 'secretKeyRef',
            data: { containerType: c.type, env: e.name, key: ref.key, secret, volume: volumeName(secret), specPath: w.specPath },
            path: `${c.path}.env[${i}].valueFrom.secretKeyRef`,
            container: name,
            observed: { secret, key: ref.key },
            expected: 'a secret volume mount',
          });
        });
        (c.container.envFrom ?? []).forEach((e, i) => {
          const ref = e?.secretRef;
          if (!ref) return;
          failed = true;
          const secret = ref.name ?? '';
          report.fail(w.subject, {
            messageId: 'secretRef',
            data: { containerType: c.type, secret, prefixText: e.prefix ? ` (prefix "${e.prefix}")` : '', volume: volumeName(secret), specPath: w.specPath },
            path: `${c.path}.envFrom[${i}].secretRef`,
            container: name,
            observed: { secret },
            expected: 'a secret volume mount',
          });
        });
      }
      if (!failed && !ownOnly) report.pass(w.subject);
    }
  },
});
