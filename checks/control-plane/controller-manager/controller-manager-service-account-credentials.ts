import { boolFlag, flagControl } from '../_shared.ts';

export default flagControl({
  id: 'controller-manager-service-account-credentials',
  title: 'Controllers use individual service account credentials (--use-service-account-credentials)',
  severity: 'medium',
  component: 'kube-controller-manager',
  cis: ['1.3.3'],
  description: 'Reads --use-service-account-credentials from the kube-controller-manager mirror pod; it defaults to false, so an absent flag fails.',
  rationale:
    'With it, each controller runs as its own service account with only the RBAC rights it needs. Without it, every controller shares the controller manager\'s own broad identity, and RBAC cannot tell them apart in the audit log.',
  remediation: 'Set `--use-service-account-credentials=true` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    wrongValue: 'All controllers share one identity: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
  },
  check: ({ flags }) => boolFlag(flags, 'use-service-account-credentials', true),
});
