import { defineControl } from '../../src/engine/types.ts';
import { WORKLOAD_KINDS, workloads } from '../../src/model/workloads.ts';

const FIELDS = [
  { field: 'hostNetwork', cis: '5.2.5' },
  { field: 'hostPID', cis: '5.2.3' },
  { field: 'hostIPC', cis: '5.2.4' },
] as const;

export default defineControl({
  meta: {
    id: 'pod-host-namespaces',
    title: "Pods must not share the host's network, PID or IPC namespace",
    area: 'workloads',
    severity: 'high',
    description: 'Flags pod specs with hostNetwork, hostPID or hostIPC set to true. An explicit false passes.',
    rationale:
      "Sharing the host's PID namespace exposes every process on the node; the network namespace bypasses NetworkPolicies and reaches node-local services; IPC exposes shared memory of host processes.",
    remediation:
      'Remove `{{field}}: true` from the pod spec of {{kind}} {{namespace}}/{{name}} (at `{{path}}`), or set it to false. If the workload truly needs it (a node agent), run it in a dedicated namespace with PSA `privileged` and record a waiver.',
    references: {
      cis: ['5.2.3', '5.2.4', '5.2.5'],
      pss: ['hostNamespaces'],
      links: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/'],
    },
    messages: {
      hostNamespace: 'The pod spec sets {{field}}: true (CIS {{cis}}).',
    },
  },
  reads: WORKLOAD_KINDS,
  evaluate(snapshot, report) {
    for (const w of workloads(snapshot)) {
      let failed = false;
      for (const { field, cis } of FIELDS) {
        if (w.podSpec[field] === true) {
          failed = true;
          report.fail(w.subject, {
            messageId: 'hostNamespace',
            data: { field, cis },
            path: `${w.specPath}.${field}`,
            observed: true,
            expected: false,
          });
        }
      }
      if (!failed) report.pass(w.subject);
    }
  },
});
