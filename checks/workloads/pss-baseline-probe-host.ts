import { pssControl, removeFix } from './_pss.ts';

export default pssControl({
  id: 'pss-baseline-probe-host',
  check: 'hostProbesAndHostLifecycle',
  title: 'Probes and lifecycle handlers must not target another host',
  severity: 'medium',
  description:
    'Flags a host set on the httpGet or tcpSocket action of liveness, readiness and startup probes and of postStart and preStop handlers, on every container (Pod Security Standards, baseline: hostProbesAndHostLifecycle, from v1.34).',
  rationale: "The kubelet runs probes and handlers from the node: a host field makes it connect to any address on the pod's behalf, past NetworkPolicies.",
  remediation: {
    container: {
      action:
        "Remove `host: {{value}}` at {{path}} (container {{container}} of {{kind}} {{namespace}}/{{name}}); without it the kubelet probes the pod's own IP.",
      snippet: '# in {{containerType}} {{container}}: delete {{field}}',
    },
  },
  fix: (v) => removeFix(v),
});
