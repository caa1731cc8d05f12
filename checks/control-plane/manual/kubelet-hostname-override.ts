import { manualControl } from './_manual.ts';

export default manualControl({
  id: 'kubelet-hostname-override',
  title: 'Kubelets do not override the node hostname',
  area: 'nodes',
  severity: 'low',
  cis: ['4.2.7'],
  description: 'CIS 4.2.7 asks that the kubelet runs without --hostname-override, so a node is named after its real host.',
  rationale: 'An overridden hostname can break TLS between the API server and the kubelet and makes logs hard to tie to the machine that wrote them.',
  remediation: 'On each node, remove --hostname-override from the kubelet\'s command line (systemd drop-in or KUBELET_EXTRA_ARGS) and restart the kubelet.',
  manual:
    '--hostname-override is a kubelet command-line flag: it is not part of the KubeletConfiguration that /configz returns, and the Node object does not record it. Check the kubelet unit or its process arguments on each node.',
});
