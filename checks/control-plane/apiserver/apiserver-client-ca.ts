import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-client-ca',
  title: 'API server verifies client certificates (--client-ca-file)',
  severity: 'high',
  component: 'kube-apiserver',
  cis: ['1.2.25'],
  description: 'Fails when the kube-apiserver mirror pod does not set --client-ca-file.',
  rationale:
    'Client certificates are how kubelets, controllers and administrators authenticate on most clusters; without a CA to verify them, certificate authentication is off and other, weaker mechanisms fill the gap.',
  remediation: 'Set `--client-ca-file=<ca.crt>` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'Client certificates are not verified: {{missing}} not set.',
  },
  check: ({ flags }) => requireSet(flags, ['client-ca-file']),
});
