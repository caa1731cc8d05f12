import { manualControl } from './_manual.ts';

export default manualControl({
  id: 'apiserver-encryption-providers',
  title: 'Encryption at rest uses a strong provider first',
  area: 'control-plane',
  severity: 'medium',
  cis: ['1.2.28'],
  description: 'CIS 1.2.28 asks that the EncryptionConfiguration lists a strong provider (aescbc, secretbox or kms v2) before identity for Secrets.',
  rationale: 'An encryption configuration whose first provider is identity stores new Secrets in plain text in etcd, whatever else it lists.',
  remediation: 'Put aescbc, secretbox or kms (v2) first for `secrets` in the file named by --encryption-provider-config, restart the API server, then rewrite existing Secrets (kubectl get secrets -A -o json | kubectl replace -f -).',
  manual:
    'The providers live in the file named by --encryption-provider-config, which the API does not expose; apiserver-encryption-at-rest checks that the flag is set. Read the file on a control-plane node, or read a Secret directly from etcd and check that it starts with k8s:enc:.',
});
