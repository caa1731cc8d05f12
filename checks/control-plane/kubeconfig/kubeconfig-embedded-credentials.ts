import { defineControl } from '../../../src/engine/types.ts';
import { kubeconfigFacts, kubeconfigSubject } from './_kubeconfig.ts';

export default defineControl({
  meta: {
    id: 'kubeconfig-embedded-credentials',
    title: 'The kubeconfig in use holds no static token, password or refresh token',
    area: 'general',
    severity: 'medium',
    description:
      'Fails when the user entry of the kubeconfig context the scan used has a bearer token (token:), a basic-auth password, or an OIDC refresh token (auth-provider oidc, config.refresh-token) written into it. Tokens read from a file, exec plugins and client certificates pass; only booleans are recorded, never the secret.',
    rationale:
      'A token or password written into a kubeconfig usually never expires and travels wherever the file is copied — laptops, CI logs, chat. Short-lived credentials from an exec plugin or OIDC limit what a leaked file is worth.',
    remediation:
      'Replace the static credential of user "{{user}}" in {{origin}} with short-lived credentials: an exec plugin (cloud CLI, kubelogin/OIDC) or a token requested on demand (kubectl create token), and revoke the static one.',
    references: { links: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/'] },
    static: { needsCluster: 'it examines the kubeconfig used to reach a cluster, and a static scan uses none.' },
    messages: {
      token: 'User "{{user}}" of context "{{name}}" ({{origin}}) has a static bearer token written into the kubeconfig.',
      password: 'User "{{user}}" of context "{{name}}" ({{origin}}) has a basic-auth password written into the kubeconfig.',
      refreshToken:
        'User "{{user}}" of context "{{name}}" ({{origin}}) has an OIDC refresh token written into the kubeconfig (auth-provider oidc): whoever has a copy of the file can keep obtaining new ID tokens for as long as the identity provider honours it.',
    },
  },
  reads: [],
  evaluate(snapshot, report) {
    const k = kubeconfigFacts(snapshot, report);
    if (!k) return;
    const subject = kubeconfigSubject(k);
    const data = { origin: k.userOrigin ?? k.origin, user: k.user ?? '' };
    if (k.embeddedToken) report.fail(subject, { messageId: 'token', data, path: `users[${k.user ?? ''}].user.token`, observed: 'a token', expected: 'no static token' });
    if (k.embeddedPassword) report.fail(subject, { messageId: 'password', data, path: `users[${k.user ?? ''}].user.password`, observed: 'a password', expected: 'no password' });
    if (k.embeddedRefreshToken) {
      report.fail(subject, { messageId: 'refreshToken', data, path: `users[${k.user ?? ''}].user.auth-provider.config.refresh-token`, observed: 'a refresh token', expected: 'no refresh token' });
    }
    if (!k.embeddedToken && !k.embeddedPassword && !k.embeddedRefreshToken) report.pass(subject, { path: `users[${k.user ?? ''}].user` });
  },
});
