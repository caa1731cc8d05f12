import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-encryption-at-rest',
  title: 'API server encrypts Secrets at rest (--encryption-provider-config)',
  severity: 'high',
  component: 'kube-apiserver',
  cis: ['1.2.27'],
  description:
    'Fails when the kube-apiserver mirror pod does not set --encryption-provider-config. Which providers the file configures (CIS 1.2.28: aescbc, secretbox or kms rather than identity) lives in that file, which the API cannot show.',
  rationale:
    'Without an encryption configuration, Secrets are stored in etcd as plain base64: anyone with a copy of etcd data or a backup reads every credential of the cluster.',
  remediation:
    'Write an EncryptionConfiguration that encrypts secrets with kms (v2), aescbc or secretbox before the identity provider, set `--encryption-provider-config=<file>` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm), then rewrite existing Secrets (`kubectl get secrets -A -o json | kubectl replace -f -`).',
  messages: {
    notSet: 'Secrets are stored unencrypted in etcd: {{missing}} not set.',
  },
  check: ({ flags }) => requireSet(flags, ['encryption-provider-config']),
});
