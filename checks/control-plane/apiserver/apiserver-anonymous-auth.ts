import { boolFlag, flagControl } from '../_shared.ts';
import { anonymousEnabled } from './_authz.ts';

export default flagControl({
  id: 'apiserver-anonymous-auth',
  title: 'API server rejects anonymous requests (--anonymous-auth=false)',
  severity: 'medium',
  component: 'kube-apiserver',
  cis: ['1.2.1'],
  description:
    'Reads --anonymous-auth from the kube-apiserver mirror pod. The flag defaults to true, so an absent flag fails. When --authentication-config is given instead, the anonymous authenticator may be configured in that file, which the API cannot show: not assessed. With AlwaysAllow in the authorizer chain the API server itself resets anonymous auth to false: not applicable (that chain is a finding of apiserver-authz-not-always-allow).',
  rationale:
    'With anonymous authentication on, any network peer that reaches the secure port is the user system:anonymous. Access then rests entirely on authorization; one careless binding to system:unauthenticated or system:anonymous opens the cluster to the network.',
  remediation:
    'Set `--anonymous-auth=false` in the static pod manifest of {{namespace}}/{{name}} ({{manifest}} on its control-plane node with kubeadm); the kubelet restarts the API server when the file changes. Health probes then need credentials, or use an AuthenticationConfiguration that allows anonymous access to /livez, /readyz and /healthz only.',
  messages: {
    wrongValue: 'Anonymous requests are accepted: {{flag}} is {{value}} ({{source}}); expected {{expected}}.',
  },
  check: ({ flags }) => {
    const verdict = boolFlag(flags, 'anonymous-auth', false, { configFlags: ['authentication-config'] });
    if (verdict.status === 'fail' && anonymousEnabled(flags).resetByAlwaysAllow) {
      return {
        status: 'not-applicable',
        reason: 'The API server resets --anonymous-auth to false when AlwaysAllow is in the authorizer chain, so anonymous requests are rejected; the chain itself fails apiserver-authz-not-always-allow.',
      };
    }
    return verdict;
  },
});
