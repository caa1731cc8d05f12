import { pssControl } from './_pss.ts';

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
  remediation:
    "Stop binding port {{hostPort}} on the node ({{where}} of {{kind}} {{namespace}}/{{name}}, `{{path}}`): remove the hostPort — or hostNetwork, which makes every containerPort a host port — and reach the container through a Service (NodePort or LoadBalancer if it must be reachable from outside).\n\n{{apply}}",
  fix: (v) =>
    v.rule === 'hostPort'
      ? { op: 'remove', snippet: `# delete hostPort: ${String(v.data.hostPort)}` }
      : { op: 'none', snippet: '# set hostNetwork: false' },
});
