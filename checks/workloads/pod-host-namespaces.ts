import { pssControl } from './_pss.ts';

export default pssControl({
  id: 'pod-host-namespaces',
  check: 'hostNamespaces',
  title: "Pods must not share the host's network, PID or IPC namespace",
  severity: 'high',
  description:
    'Flags pod specs with hostNetwork, hostPID or hostIPC set to true (Pod Security Standards, baseline: hostNamespaces), one finding per field. An explicit false passes.',
  rationale:
    "The host's PID namespace exposes every process on the node; its network namespace bypasses NetworkPolicies and reaches node-local services; its IPC namespace exposes the shared memory of host processes.",
  cis: ['5.2.3', '5.2.4', '5.2.5'],
  remediation:
    'Remove `{{field}}: true` from the pod spec of {{kind}} {{namespace}}/{{name}} (`{{path}}`), or set it to false:\n\n{{snippet}}\n\n{{apply}}\n\nA node agent that truly needs it belongs in a dedicated namespace enforcing `privileged`, with a waiver that says why.',
  fix: (v) => ({ op: 'set', value: false, snippet: `${String(v.data.field)}: false` }),
});
