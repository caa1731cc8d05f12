import { flagControl } from '../_shared.ts';
import { admissionRule } from './_admission.ts';

export default flagControl({
  id: 'apiserver-admission-event-rate-limit',
  title: 'API server runs the EventRateLimit admission plugin',
  severity: 'low',
  component: 'kube-apiserver',
  cis: ['1.2.9'],
  description:
    'EventRateLimit is not a default plugin: --enable-admission-plugins on the kube-apiserver mirror pod must name it (its limits live in --admission-control-config-file). CIS marks this item Manual.',
  rationale:
    'Without a limit on Events, a misbehaving or hostile client can flood the API server and etcd with Events and starve other requests.',
  remediation:
    'Add EventRateLimit to `--enable-admission-plugins` and give its limits in `--admission-control-config-file` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notEnabled: 'The EventRateLimit admission plugin does not run: {{how}}.',
  },
  check: ({ flags }) => admissionRule(flags, 'EventRateLimit', 'enabled'),
});
