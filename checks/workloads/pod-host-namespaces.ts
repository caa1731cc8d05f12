import { NO_FIX, isHostProcessPod, pssControl, setFix } from './_pss.ts';

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
  remediation: {
    pod: {
      action:
        'Set `{{field}}: false` (or remove it) in the pod spec of {{kind}} {{namespace}}/{{name}} (at {{path}}). A node agent that truly needs it belongs in a dedicated namespace enforcing `privileged`, with a waiver that says why.',
      snippet: '{{field}}: false',
    },
    hostProcess: {
      action:
        'Remove `hostNetwork: true` from {{kind}} {{namespace}}/{{name}} (at {{path}}) together with `windowsOptions.hostProcess` on the pod and its containers: a HostProcess pod requires the host network. A node agent that truly needs it belongs in a namespace enforcing `privileged`, with a waiver.',
      snippet: 'hostNetwork: false\n# and no securityContext.windowsOptions.hostProcess on the pod or any container',
    },
  },
  placement: (v, ctx) => (v.data.field === 'hostNetwork' && isHostProcessPod(ctx) ? 'hostProcess' : 'pod'),
  fix: (v, ctx) => (v.data.field === 'hostNetwork' && isHostProcessPod(ctx) ? NO_FIX : setFix({ path: v.path, value: false })),
});
