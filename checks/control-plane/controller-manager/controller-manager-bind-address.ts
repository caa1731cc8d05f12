import { flagControl } from '../_shared.ts';
import { loopbackBind } from '../_bind.ts';

export default flagControl({
  id: 'controller-manager-bind-address',
  title: 'Controller manager listens on loopback only (--bind-address=127.0.0.1)',
  severity: 'low',
  component: 'kube-controller-manager',
  cis: ['1.3.7'],
  description: 'Reads --bind-address from the kube-controller-manager mirror pod; absent, the controller manager listens on all interfaces (0.0.0.0). With --secure-port=0 it serves nothing, and passes.',
  rationale: 'The controller manager\'s port serves health, metrics and, with profiling, debug endpoints. Nothing outside the node needs it; listening on every interface widens the attack surface for nothing.',
  remediation: 'Set `--bind-address=127.0.0.1` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    exposed: 'The controller manager listens on {{value}} ({{source}}), not only on loopback.',
  },
  check: ({ flags }) => loopbackBind(flags),
});
