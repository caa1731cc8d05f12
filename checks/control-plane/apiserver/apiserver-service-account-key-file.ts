import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-service-account-key-file',
  title: 'API server names the keys that verify service account tokens (--service-account-key-file)',
  severity: 'medium',
  component: 'kube-apiserver',
  cis: ['1.2.22'],
  description: 'Fails when the kube-apiserver mirror pod does not set --service-account-key-file.',
  rationale:
    'Without an explicit verification key the API server falls back to the key of its serving certificate, which ties token verification to TLS material and makes rotating either one break the other.',
  remediation:
    'Set `--service-account-key-file=<sa.pub>` (the public half of the key the controller manager and API server sign tokens with) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'Service account token verification keys are not named: {{missing}} not set.',
  },
  check: ({ flags }) => requireSet(flags, ['service-account-key-file']),
});
