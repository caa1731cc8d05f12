import { boolFlag, flagControl } from '../_shared.ts';

export default flagControl({
  id: 'apiserver-service-account-token-extension',
  title: 'API server does not extend projected token lifetimes (--service-account-extend-token-expiration=false)',
  severity: 'low',
  component: 'kube-apiserver',
  cis: ['1.2.30'],
  description:
    'Reads --service-account-extend-token-expiration from the kube-apiserver mirror pod; it defaults to true, so an absent flag fails.',
  rationale:
    'The extension, meant as a migration aid, makes tokens injected by admission valid for up to a year whatever --service-account-max-token-expiration says. A token stolen from a pod then works far longer than its nominal hour.',
  remediation:
    'Set `--service-account-extend-token-expiration=false` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} with kubeadm), once clients refresh their projected tokens (client-go does).',
  messages: {
    wrongValue: 'Projected service account tokens are extended to a long lifetime: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
  },
  check: ({ flags }) => boolFlag(flags, 'service-account-extend-token-expiration', false),
});
