import { flagControl } from '../_shared.ts';
import { loopbackBind } from '../_bind.ts';

export default flagControl({
  id: 'scheduler-bind-address',
  title: 'Scheduler listens on loopback only (--bind-address=127.0.0.1)',
  severity: 'low',
  component: 'kube-scheduler',
  cis: ['1.4.2'],
  description: 'Reads --bind-address from the kube-scheduler mirror pod; absent, the scheduler listens on all interfaces (0.0.0.0). With --secure-port=0 it serves nothing, and passes.',
  rationale: 'The scheduler\'s port serves health, metrics and, with profiling, debug endpoints. Nothing outside the node needs it.',
  remediation: 'Set `--bind-address=127.0.0.1` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    exposed: 'The scheduler listens on {{value}} ({{source}}), not only on loopback.',
  },
  check: ({ flags }) => loopbackBind(flags),
});
