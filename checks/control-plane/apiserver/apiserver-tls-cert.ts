import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-tls-cert',
  title: 'API server serves a configured TLS certificate (--tls-cert-file, --tls-private-key-file)',
  severity: 'high',
  component: 'kube-apiserver',
  cis: ['1.2.24'],
  description: 'Both --tls-cert-file and --tls-private-key-file must be set on the kube-apiserver mirror pod.',
  rationale:
    'Without them the API server generates a self-signed certificate at start-up that no client can verify, which pushes clients towards insecure-skip-tls-verify.',
  remediation:
    'Issue a serving certificate from your cluster CA and set `--tls-cert-file` and `--tls-private-key-file` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'The API server has no configured serving certificate: {{missing}} not set.',
  },
  check: ({ flags }) => requireSet(flags, ['tls-cert-file', 'tls-private-key-file']),
});
