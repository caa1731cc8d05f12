import { NO_FIX, pssControl, removeFix } from './_pss.ts';

export default pssControl({
  id: 'pss-baseline-host-ports',
  check: 'hostPorts',
  title: "Containers must not bind the node's ports",
  severity: 'medium',
  description:
    'Flags every container port with a non-zero hostPort (Pod Security Standards, baseline: hostPorts), including the containerPorts of a pod with hostNetwork, which the API server turns into host ports.',
  rationale:
    'A hostPort exposes the container on every address of the node, outside any Service or NetworkPolicy, and pins the pod to nodes where that port is free.',
  cis: ['5.2.12'],
  remediation: {
    hostPort: {
      action:
        'Stop binding port {{hostPort}} on the node: remove `hostPort` at {{path}} (container {{container}} of {{kind}} {{namespace}}/{{name}}) and reach the container through a Service (NodePort or LoadBalancer if it must be reachable from outside the cluster).',
      snippet: '# in {{containerType}} {{container}}: delete hostPort {{hostPort}}',
    },
    hostNetwork: {
      action:
        'Port {{hostPort}} of container {{container}} ({{kind}} {{namespace}}/{{name}}, {{path}}) is bound on the node because the pod uses the host network: set `hostNetwork: false` and reach the container through a Service.',
      snippet: 'hostNetwork: false',
    },
  },
  placement: (v) => (v.rule === 'hostPort' ? 'hostPort' : 'hostNetwork'),
  fix: (v) => (v.rule === 'hostPort' ? removeFix(v) : NO_FIX),
});
