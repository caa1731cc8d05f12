import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../checks/control-plane/kubeconfig/_addresses.ts';
import { hostOf, isLoopback } from '../../checks/control-plane/_shared.ts';
import { credentialFactsFromKubeconfig } from '../../src/collect/extras.ts';
import { RELEASES, RELEASES_AS_OF } from '../../checks/control-plane/versions/_releases.ts';
import { getControl } from '../../src/engine/registry.ts';
import { evaluate } from '../../src/engine/run.ts';
import { Snapshot } from '../../src/model/snapshot.ts';

const kubeconfig = `
apiVersion: v1
kind: Config
current-context: a
clusters:
- name: c1
  cluster: {server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true}
- name: c2
  cluster: {server: "https://10.0.0.2:6443", certificate-authority-data: Zm9v}
users:
- name: token-user
  user: {token: abc.def}
- name: basic-user
  user: {username: admin, password: hunter2}
- name: cert-user
  user: {client-certificate-data: Zm9v, client-key-data: YmFy}
- name: exec-user
  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /usr/local/bin/aws, args: [eks, get-token]}}
- name: file-user
  user: {tokenFile: /var/run/token}
contexts:
- {name: a, context: {cluster: c1, user: token-user}}
- {name: b, context: {cluster: c2, user: basic-user}}
- {name: c, context: {cluster: c2, user: cert-user}}
- {name: d, context: {cluster: c2, user: exec-user}}
- {name: e, context: {cluster: c2, user: file-user}}
`;

describe('credentialFactsFromKubeconfig', () => {
  it('reports a written-in token and skipped TLS verification for the current context', () => {
    expect(credentialFactsFromKubeconfig(kubeconfig, undefined)).toEqual({
      insecureSkipTlsVerify: true,
      embeddedToken: true,
      embeddedPassword: false,
      tokenFile: false,
      embeddedClientKey: false,
    });
  });
  it('reports basic auth, client keys, exec plugins and token files per context', () => {
    expect(credentialFactsFromKubeconfig(kubeconfig, 'b')).toMatchObject({ embeddedPassword: true, embeddedToken: false, insecureSkipTlsVerify: false });
    expect(credentialFactsFromKubeconfig(kubeconfig, 'c')).toMatchObject({ embeddedClientKey: true, embeddedToken: false });
    expect(credentialFactsFromKubeconfig(kubeconfig, 'd')).toMatchObject({ exec: 'aws', embeddedToken: false });
    expect(credentialFactsFromKubeconfig(kubeconfig, 'e')).toMatchObject({ tokenFile: true, embeddedToken: false });
    // An oidc auth-provider's refresh token written into the file; one without it (ID token only) is not flagged.
    const oidc = (config: string) =>
      `apiVersion: v1\nkind: Config\ncurrent-context: o\nclusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}]\nusers: [{name: u, user: {auth-provider: {name: oidc, config: {${config}}}}}]\ncontexts: [{name: o, context: {cluster: c, user: u}}]\n`;
    expect(credentialFactsFromKubeconfig(oidc('idp-issuer-url: "https://idp", client-id: k8s, id-token: x, refresh-token: r'), undefined)).toMatchObject({ authProvider: 'oidc', embeddedRefreshToken: true, embeddedToken: false });
    expect(credentialFactsFromKubeconfig(oidc('idp-issuer-url: "https://idp", client-id: k8s, id-token: x'), undefined)?.embeddedRefreshToken).toBeUndefined();
  });
  it('never copies a secret into the facts', () => {
    const text = JSON.stringify([credentialFactsFromKubeconfig(kubeconfig, 'a'), credentialFactsFromKubeconfig(kubeconfig, 'b')]);
    expect(text).not.toContain('abc.def');
    expect(text).not.toContain('hunter2');
  });
  it('gives up on unknown contexts and broken documents', () => {
    expect(credentialFactsFromKubeconfig(kubeconfig, 'nope')).toBeUndefined();
    expect(credentialFactsFromKubeconfig(': : :', undefined)).toBeUndefined();
  });
});

describe('isPublicAddress', () => {
  it.each([
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.32.0.1', true],
    ['192.168.1.1', false],
    ['100.64.0.1', false],
    ['127.0.0.1', false],
    ['169.254.169.254', false],
    ['192.0.2.2', false],
    ['8.8.8.8', true],
    ['34.250.12.9', true],
    ['::1', false],
    ['fd12:3456::7', false],
    ['fe80::1', false],
    ['2001:db8::1', false],
    ['2a00:1450:4001:81d::200e', true],
    ['::ffff:10.0.0.1', false],
    ['not-an-ip', false],
  ])('%s → %s', (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });
});

describe('isLoopback / hostOf', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.0.0.1:10249', true],
    ['localhost:10257', true],
    ['[::1]:10249', true],
    ['::1', true],
    ['127.0.0.0/8', true],
    ['0.0.0.0:10249', false],
    ['10.0.0.10', false],
    ['', false],
    ['::', false],
  ])('%s → %s', (addr, expected) => {
    expect(isLoopback(addr)).toBe(expected);
  });
  it('splits host and port', () => {
    expect(hostOf('[fd00::1]:6443')).toBe('fd00::1');
    expect(hostOf('fd00::1')).toBe('fd00::1');
    expect(hostOf('10.0.0.1:6443')).toBe('10.0.0.1');
  });
});

describe('release calendar', () => {
  it('is dated and consistent: each minor once, released before end of life, final patches are past end of life', () => {
    expect(RELEASES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const minors = RELEASES.map((r) => r.minor);
    expect(new Set(minors).size).toBe(minors.length);
    expect(minors).toContain('1.37');
    for (const r of RELEASES) {
      expect(r.released < r.endOfLife, r.minor).toBe(true);
      expect(r.latestPatch.startsWith(`${r.minor}.`), r.minor).toBe(true);
      if (r.final) expect(r.endOfLife <= RELEASES_AS_OF, r.minor).toBe(true);
    }
  });
});

describe('kubeconfig controls with several $KUBECONFIG files', () => {
  it('name the file that holds the entry to fix, not the whole list', () => {
    const kubeconfig = {
      state: 'ok' as const,
      origin: '/home/ops/.kube/config:/home/ops/.kube/prod.yaml',
      clusterOrigin: '/home/ops/.kube/prod.yaml',
      userOrigin: '/home/ops/.kube/config',
      context: 'prod',
      cluster: 'prod',
      user: 'ops',
      server: 'https://10.0.0.10:6443',
      host: '10.0.0.10',
      addresses: ['10.0.0.10'],
      insecureSkipTlsVerify: true,
      embeddedToken: true,
      embeddedPassword: false,
      tokenFile: false,
      embeddedClientKey: false,
    };
    const snapshot = new Snapshot({ source: 'cluster', objects: {}, extras: { kubeconfig } });
    const { results } = evaluate(snapshot, [getControl('kubeconfig-embedded-credentials')!, getControl('kubeconfig-insecure-skip-tls-verify')!]);
    const fail = (id: string) => results.find((r) => r.controlId === id && r.status === 'fail')!;
    expect(fail('kubeconfig-embedded-credentials').message).toContain('(/home/ops/.kube/config)');
    expect(fail('kubeconfig-embedded-credentials').remediation).toContain('in /home/ops/.kube/config with');
    expect(fail('kubeconfig-insecure-skip-tls-verify').message).toContain('(/home/ops/.kube/prod.yaml)');
    expect(fail('kubeconfig-insecure-skip-tls-verify').remediation).toContain('in /home/ops/.kube/prod.yaml and');
  });
});
