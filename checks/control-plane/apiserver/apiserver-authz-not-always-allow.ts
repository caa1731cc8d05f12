import { flagControl } from '../_shared.ts';
import { authorizationRule } from './_authz.ts';

export default flagControl({
  id: 'apiserver-authz-not-always-allow',
  title: 'API server authorization is not AlwaysAllow',
  severity: 'critical',
  component: 'kube-apiserver',
  cis: ['1.2.6'],
  description:
    'Fails when --authorization-mode on the kube-apiserver mirror pod includes AlwaysAllow, or is absent without --authorization-config (the API server then allows every request).',
  rationale:
    'AlwaysAllow authorizes every authenticated request — and every anonymous one when anonymous authentication is on. RBAC, the Node authorizer and webhooks become decoration.',
  remediation:
    'Set `--authorization-mode=Node,RBAC` (without AlwaysAllow) in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm), after making sure every client has the RBAC bindings it needs.',
  messages: {
    present: 'Every request is authorized: the authorizer chain is {{modes}} ({{source}}).',
  },
  check: ({ flags }) => authorizationRule(flags, { exclude: 'AlwaysAllow' }),
});
