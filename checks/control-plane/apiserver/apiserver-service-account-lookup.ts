import { boolFlag, flagControl } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-service-account-lookup',
  title: 'API server checks that service account tokens still exist (--service-account-lookup)',
  severity: 'medium',
  component: 'kube-apiserver',
  cis: ['1.2.21'],
  description: 'Reads --service-account-lookup from the kube-apiserver mirror pod; it defaults to true, so only an explicit false fails.',
  rationale:
    'Without the lookup, a token stays valid after its ServiceAccount or Secret is deleted, as long as its signature verifies: deleting an account no longer revokes its credentials.',
  remediation:
    'Remove `--service-account-lookup=false` from the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm), or set it to true.',
  messages: {
    wrongValue: 'Deleted service accounts keep working: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
  },
  check: ({ flags }) => boolFlag(flags, 'service-account-lookup', true),
});
