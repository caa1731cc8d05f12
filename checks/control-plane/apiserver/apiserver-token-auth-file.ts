import { flagControl, requireUnset } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-token-auth-file',
  title: 'API server does not use a static token file (--token-auth-file unset)',
  severity: 'high',
  component: 'kube-apiserver',
  cis: ['1.2.2'],
  description: 'Fails when the kube-apiserver mirror pod sets --token-auth-file.',
  rationale:
    'Static tokens live in a plain file on the control-plane node, never expire, and can only be changed by restarting the API server. A leaked token stays valid until someone edits the file.',
  remediation:
    'Move the users of the static token file to client certificates, OIDC or webhook authentication, then remove `--token-auth-file` from the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm) and delete the file.',
  messages: {
    isSet: 'Static bearer tokens are accepted from {{flag}}={{value}}.',
  },
  check: ({ flags }) => requireUnset(flags, 'token-auth-file'),
});
