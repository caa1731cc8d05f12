import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'controller-manager-service-account-key',
  title: 'Controller manager signs service account tokens with a named key (--service-account-private-key-file)',
  severity: 'medium',
  component: 'kube-controller-manager',
  cis: ['1.3.4'],
  description: 'Fails when the kube-controller-manager mirror pod does not set --service-account-private-key-file.',
  rationale: 'A dedicated, named signing key can be rotated on its own; the API server verifies tokens against its public half (--service-account-key-file).',
  remediation: 'Set `--service-account-private-key-file=<sa.key>` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'No service account signing key is named: {{missing}} not set.',
  },
  check: ({ flags }) => requireSet(flags, ['service-account-private-key-file']),
});
