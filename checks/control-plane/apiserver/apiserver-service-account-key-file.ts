import { flagControl, requireSet } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-service-account-key-file',
  title: 'API server names the keys that verify service account tokens (--service-account-key-file)',
  severity: 'medium',
  component: 'kube-apiserver',
  cis: ['1.2.22'],
  description:
    'Fails when the kube-apiserver mirror pod does not set --service-account-key-file. With --service-account-signing-endpoint (an external token signer, GA in Kubernetes 1.36) the verification keys come from that signer and --service-account-key-file must not be set: not applicable.',
  rationale:
    'Without an explicit verification key the API server falls back to the key of its serving certificate, which ties token verification to TLS material and makes rotating either one break the other.',
  remediation:
    'Set `--service-account-key-file=<sa.pub>` (the public half of the key the controller manager and API server sign tokens with) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm).',
  messages: {
    notSet: 'Service account token verification keys are not named: {{missing}} not set.',
  },
  check: ({ flags }) => {
    const endpoint = flags.value('service-account-signing-endpoint');
    if (endpoint && !flags.value('service-account-key-file')) {
      return {
        status: 'not-applicable',
        reason: `Service account tokens are signed by an external signer (--service-account-signing-endpoint=${endpoint}), from which the API server also takes the keys that verify them; --service-account-key-file is mutually exclusive with it.`,
      };
    }
    return requireSet(flags, ['service-account-key-file']);
  },
});
