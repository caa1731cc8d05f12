// The fast path of resolveTarget (src/collect/kubeconfig-static.ts) against
// @kubernetes/client-node: for every kubeconfig the fast path accepts, the same
// Target; for what it leaves to client-node, the fallback is taken; for broken
// ones, the same error. And importing the module does not load client-node.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTargetVia, type ResolveInternals, type Target } from '../../src/collect/kubeconfig.ts';
import { withEnv } from '../helpers/env.ts';
import { seeded } from '../helpers/random.ts';

const repo = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'k8s-audit-kubeconfig-'));

// Certificates and keys need not be valid: client-node and the fast path only read and decode them.
const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${Buffer.from(body.repeat(20)).toString('base64')}\n-----END ${label}-----\n`;
const CA = pem('CERTIFICATE', 'the cluster CA ');
/** A parseable certificate (a throwaway self-signed CA, its key discarded), for what checks that ca.crt holds one. */
const REAL_CA = `-----BEGIN CERTIFICATE-----
MIIBmjCCAT+gAwIBAgIUbY7bmzvhshnF2Y4nCApUzRKt9nIwCgYIKoZIzj0EAwIw
ITEfMB0GA1UEAwwWazhzLWF1ZGl0LXVuaXQtdGVzdC1jYTAgFw0yNjEyMDUwMzQ5
MDBaGA8yMTI2MTExMTAzNDkwMFowITEfMB0GA1UEAwwWazhzLWF1ZGl0LXVuaXQt
dGVzdC1jYTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABP2nCZcsCaSaxG5jdSY4
/ni9vs88SXzPTSFCGJ+dR2I/aYRqiPuWN4RTbEBGKktUjP1s64CiXL1MAVIeDheO
hYGjUzBRMB0GA1UdDgQWBBSRdB96pHcdaprjQEDdc8PAXViyAjAfBgNVHSMEGDAW
gBSRdB96pHcdaprjQEDdc8PAXViyAjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49
BAMCA0kAMEYCIQCgeeVkvPwYpL/PZgF5Jw4tsqnq4+tZN9M/81YetevZlwIhAJd7
BGh42HkkHOUsVZ6B/MDG0KUsrYDngxLaABncVolj
-----END CERTIFICATE-----
`;
const CERT = pem('CERTIFICATE', 'a client certificate ');
const KEY = pem('EC PRIVATE KEY', 'a client key ');
const b64 = (s: string) => Buffer.from(s).toString('base64');

const file = (rel: string, text: string): string => {
  const p = join(tmp, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};
file('certs/ca.crt', CA);
file('certs/client.crt', CERT);
file('certs/client.key', KEY);
const tokenPath = file('token', 'token-from-a-file');
// An exec credential plugin that prints a token.
const execScript = file(
  'exec-plugin.mjs',
  `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'exec-token' } }));\n`,
);

let n = 0;
/** A kubeconfig file in its own directory (relative paths are resolved against it). */
const kubeconfig = (text: string, dir = `kc${++n}`): string => file(`${dir}/config`, text);

/** One context `c` on cluster `k` and user `u`, made of the given cluster and user bodies (flow mappings). */
const simple = (cluster: string, user: string) =>
  `apiVersion: v1\nkind: Config\nclusters:\n- name: k\n  cluster: ${cluster}\nusers:\n- name: u\n  user: ${user}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\ncurrent-context: c\n`;
const SERVER = 'server: "https://127.0.0.1:6443"';

/** Target with tls.agent described by its class and options: agents hold per-instance listener closures, so two are never deep-equal. */
function comparable(t: Target): unknown {
  const { agent, ...tls } = t.tls;
  const a = agent as (http.Agent & { options?: unknown }) | undefined;
  // A token source is a closure over its plugin: compared by whether there is one, and when its token expires.
  const { tokenSource, ...rest } = t;
  return { ...rest, tls: { ...tls, agent: a ? { class: a.constructor.name, options: a.options } : a }, ...(tokenSource ? { tokenSource: { expiresAt: tokenSource.expiresAt } } : {}) };
}

type Opts = { kubeconfig?: string; context?: string };
const settle = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: Error) => ({ error }));

/** Resolve with the fast path allowed and with client-node only. */
async function both(opts: Opts, internals: ResolveInternals = {}, env: Record<string, string | undefined> = {}) {
  return withEnv(env, async () => ({
    auto: await settle(resolveTargetVia(opts, { ...internals, via: 'auto' })),
    clientNode: await settle(resolveTargetVia(opts, { ...internals, via: 'client-node' })),
  }));
}

async function expectSame(opts: Opts, expectedVia: 'static' | 'client-node', internals: ResolveInternals = {}, env: Record<string, string | undefined> = {}): Promise<Target> {
  const { auto, clientNode } = await both(opts, internals, env);
  if ('error' in auto) throw auto.error;
  if ('error' in clientNode) throw clientNode.error;
  expect(clientNode.value.via).toBe('client-node');
  expect(auto.value.via).toBe(expectedVia);
  expect(comparable(auto.value.target)).toStrictEqual(comparable(clientNode.value.target));
  return auto.value.target;
}

afterAll(() => {
  // Failures print the document at fault; the hundreds of generated files are not kept.
  rmSync(tmp, { recursive: true, force: true });
});

describe('the fast path gives the Target client-node gives', () => {
  it('inline certificate-authority-data, client-certificate-data, client-key-data', async () => {
    const f = kubeconfig(simple(`{${SERVER}, certificate-authority-data: ${b64(CA)}}`, `{client-certificate-data: ${b64(CERT)}, client-key-data: ${b64(KEY)}}`));
    const t = await expectSame({ kubeconfig: f }, 'static');
    expect(t.tls.ca).toEqual(Buffer.from(CA));
    expect(t.tls.cert).toEqual(Buffer.from(CERT));
    expect(t.tls.key).toEqual(Buffer.from(KEY));
    expect(t.tls.agent).toBeInstanceOf(https.Agent);
    expect(t).toMatchObject({ origin: f, context: 'c', cluster: 'k', user: 'u', server: 'https://127.0.0.1:6443', credentials: { embeddedClientKey: true } });
  });

  it('file paths relative to the kubeconfig directory', async () => {
    const f = kubeconfig(simple(`{${SERVER}, certificate-authority: ../certs/ca.crt}`, '{client-certificate: ../certs/client.crt, client-key: "./../certs/client.key"}'));
    const t = await expectSame({ kubeconfig: f }, 'static');
    expect(t.tls.ca).toEqual(Buffer.from(CA));
    expect(t.tls.key).toEqual(Buffer.from(KEY));
  });

  it('absolute file paths', async () => {
    const f = kubeconfig(
      simple(`{${SERVER}, certificate-authority: ${join(tmp, 'certs/ca.crt')}}`, `{client-certificate: ${join(tmp, 'certs/client.crt')}, client-key: ${join(tmp, 'certs/client.key')}}`),
    );
    const t = await expectSame({ kubeconfig: f }, 'static');
    expect(t.tls.cert).toEqual(Buffer.from(CERT));
  });

  it('token', async () => {
    const f = kubeconfig(simple(`{${SERVER}, certificate-authority-data: ${b64(CA)}}`, '{token: eyJhbGciOiJSUzI1NiJ9.abc.def}'));
    const t = await expectSame({ kubeconfig: f }, 'static');
    expect(t.tls.headers).toEqual({ Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.abc.def' });
  });

  it('tokenFile (the kubectl spelling): read as client-go reads it, by both paths', async () => {
    const f = kubeconfig(simple(`{${SERVER}}`, `{tokenFile: ${tokenPath}}`));
    const t = await expectSame({ kubeconfig: f }, 'static');
    expect(t.tls.headers).toEqual({ Authorization: 'Bearer token-from-a-file' });
    expect(t.credentials?.tokenFile).toBe(true);
  });

  it('tokenFile relative to the kubeconfig directory, trimmed; beside a token, the file wins while it can be read', async () => {
    file('kc-tf/sa-token', '  projected-token\n');
    const rel = kubeconfig(simple(`{${SERVER}}`, '{tokenFile: ./sa-token}'), 'kc-tf');
    expect((await expectSame({ kubeconfig: rel }, 'static')).tls.headers).toEqual({ Authorization: 'Bearer projected-token' });
    // client-go sends the file's token whenever it reads one (transport.NewBearerAuthWithRefreshRoundTripper) ...
    const both = kubeconfig(simple(`{${SERVER}}`, `{token: inline, tokenFile: ${tokenPath}}`));
    expect((await expectSame({ kubeconfig: both }, 'static')).tls.headers).toEqual({ Authorization: 'Bearer token-from-a-file' });
    // ... and the user's token when the file is missing or empty.
    file('kc-tf2/empty-token', ' \n');
    for (const tf of ['./missing-token', './empty-token']) {
      const fallback = kubeconfig(simple(`{${SERVER}}`, `{token: inline, tokenFile: ${tf}}`), 'kc-tf2');
      expect((await expectSame({ kubeconfig: fallback }, 'static')).tls.headers).toEqual({ Authorization: 'Bearer inline' });
    }
  });

  it('tokenFile that cannot be read: one clear error, the same by both paths', async () => {
    const f = kubeconfig(simple(`{${SERVER}}`, '{tokenFile: ./missing-token}'));
    for (const via of ['auto', 'client-node'] as const) {
      await expect(resolveTargetVia({ kubeconfig: f }, { via })).rejects.toThrow(/^cannot use credentials of context "c" in .*: cannot read tokenFile .*missing-token: ENOENT$/);
    }
  });

  it('insecure-skip-tls-verify true and false', async () => {
    const on = await expectSame({ kubeconfig: kubeconfig(simple(`{${SERVER}, insecure-skip-tls-verify: true}`, '{token: t}')) }, 'static');
    expect(on.tls.rejectUnauthorized).toBe(false);
    const off = await expectSame({ kubeconfig: kubeconfig(simple(`{${SERVER}, insecure-skip-tls-verify: false}`, '{token: t}')) }, 'static');
    expect(off.tls).not.toHaveProperty('rejectUnauthorized');
  });

  it('disable-compression: true turns compression off, by both paths; false or absent leaves it on', async () => {
    const off = await expectSame({ kubeconfig: kubeconfig(simple(`{${SERVER}, disable-compression: true}`, '{token: t}')) }, 'static');
    expect(off.disableCompression).toBe(true);
    const on = await expectSame({ kubeconfig: kubeconfig(simple(`{${SERVER}, disable-compression: false}`, '{token: t}')) }, 'static');
    expect(on).not.toHaveProperty('disableCompression');
    const unset = await expectSame({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{token: t}')) }, 'static');
    expect(unset).not.toHaveProperty('disableCompression');
  });

  it('tls-server-name', async () => {
    const t = await expectSame({ kubeconfig: kubeconfig(simple(`{${SERVER}, tls-server-name: kubernetes.default.svc}`, '{token: t}')) }, 'static');
    expect(t.tls.servername).toBe('kubernetes.default.svc');
  });

  it('basic auth', async () => {
    const t = await expectSame({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{username: admin, password: "s3cret:x"}')) }, 'static');
    expect(t.tls.auth).toBe('admin:s3cret:x');
  });

  it('several contexts, --context picks one (an exec user elsewhere does not matter)', async () => {
    const text = `apiVersion: v1
clusters:
- name: one
  cluster:
    server: https://one.example:6443/
    certificate-authority-data: ${b64(CA)}
- name: two
  cluster:
    server: https://two.example/k8s/clusters/c-1
    insecure-skip-tls-verify: true
users:
- name: cloud
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: does-not-exist
- name: static
  user:
    token: static-token
contexts:
- name: cloud
  context: {cluster: one, user: cloud}
- name: lab
  context:
    cluster: two
    user: static
    namespace: default
current-context: cloud
`;
    const f = kubeconfig(text);
    const t = await expectSame({ kubeconfig: f, context: 'lab' }, 'static');
    expect(t).toMatchObject({ context: 'lab', cluster: 'two', user: 'static', server: 'https://two.example/k8s/clusters/c-1' });
    // The same file, another cluster: its trailing slash is dropped as client-node drops it.
    const text2 = text.replace('user: static\n    namespace', 'user: static\n    namespace').replace('- name: lab\n  context:\n    cluster: two', '- name: lab\n  context:\n    cluster: one');
    const t2 = await expectSame({ kubeconfig: kubeconfig(text2), context: 'lab' }, 'static');
    expect(t2.server).toBe('https://one.example:6443');
  });

  it('KUBECONFIG: every existing file of the list, merged as kubectl merges them', async () => {
    // a: no current-context, user u; b: user u again (ignored: the first file's entry wins whole), cluster k2 with a CA
    // and a token file relative to b's directory, current-context c2.
    const a = kubeconfig(`clusters: [{name: k, cluster: {${SERVER}}}]\nusers: [{name: u, user: {token: from-a}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n`, 'merge-a');
    file('merge-b/ca.crt', CA);
    file('merge-b/tok', 'from-b-file\n');
    const b = kubeconfig(
      `clusters: [{name: k2, cluster: {server: "https://b.example:6443", certificate-authority: ca.crt}}]\n` +
        `users: [{name: u, user: {token: from-b, client-certificate: nope.crt}}, {name: u2, user: {tokenFile: tok}}]\n` +
        `contexts: [{name: c2, context: {cluster: k2, user: u2}}, {name: c3, context: {cluster: k2, user: u}}, {name: c, context: {cluster: k2, user: u2}}]\n` +
        `current-context: c2\n`,
      'merge-b',
    );
    const env = { KUBECONFIG: [join(tmp, 'missing'), a, '', b].join(':') };
    const current = await expectSame({}, 'static', {}, env);
    expect(current).toMatchObject({ origin: `${a}:${b}`, context: 'c2', cluster: 'k2', user: 'u2', server: 'https://b.example:6443' });
    expect(String(current.tls.ca)).toBe(CA);
    expect(current.tls.headers).toEqual({ Authorization: 'Bearer from-b-file' });
    expect(current).toMatchObject({ clusterOrigin: b, userOrigin: b });
    const c3 = await expectSame({ context: 'c3' }, 'static', {}, env);
    expect(c3.tls.headers).toEqual({ Authorization: 'Bearer from-a' });
    // What to edit: the cluster entry is b's, the user entry a's.
    expect(c3).toMatchObject({ clusterOrigin: b, userOrigin: a });
    expect(c3.tls).not.toHaveProperty('cert');
    expect(await expectSame({ context: 'c' }, 'static', {}, env)).toMatchObject({ cluster: 'k', server: 'https://127.0.0.1:6443' });
    const { auto } = await both({ context: 'nope' }, {}, env);
    expect('error' in auto && auto.error.message).toBe(`context "nope" not found in ${a}:${b} (available: c, c2, c3)`);
  });

  it('KUBECONFIG set but empty counts as unset, as in client-go: ~/.kube/config', async () => {
    const home = join(tmp, 'home-empty-kubeconfig');
    file('home-empty-kubeconfig/.kube/config', simple(`{${SERVER}}`, '{token: from-home}'));
    for (const value of ['', ':']) {
      const { auto } = await both({}, {}, { KUBECONFIG: value, HOME: home });
      if ('error' in auto) throw auto.error;
      expect(auto.value.target.origin).toBe(join(home, '.kube', 'config'));
      expect(auto.value.target.tls.headers).toEqual({ Authorization: 'Bearer from-home' });
    }
  });

  it('KUBECONFIG: a broken file in the list is an error naming it, as in kubectl', async () => {
    const a = kubeconfig(simple(`{${SERVER}}`, '{token: t}'));
    const broken = kubeconfig('clusters: [unclosed\n');
    const { auto } = await both({}, {}, { KUBECONFIG: [a, broken].join(':') });
    expect('error' in auto && auto.error.message).toMatch(new RegExp(`^invalid kubeconfig ${broken}: `));
  });

  it('an http server (kubectl proxy): no credentials are read or sent over it, as in client-go, and none are required', async () => {
    const plugin = join(tmp, 'never-run.sh');
    writeFileSync(plugin, `#!/bin/sh\ntouch '${plugin}.ran'\nexit 1\n`, { mode: 0o755 });
    for (const [cluster, user] of [
      ['{server: "http://127.0.0.1:8080", insecure-skip-tls-verify: true}', '{token: t, as: jane}'],
      ['{server: "http://127.0.0.1:8080"}', '{token: t}'],
      ['{server: "http://127.0.0.1:8080"}', `{exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}}}`],
      ['{server: "http://127.0.0.1:8080"}', '{}'],
    ]) {
      const t = await expectSame({ kubeconfig: kubeconfig(simple(cluster!, user!)) }, 'static');
      expect(t.server).toBe('http://127.0.0.1:8080');
      expect(t.tls.headers, `${cluster} ${user}`).toBeUndefined();
      expect(t.tls.cert).toBeUndefined();
    }
    expect(existsSync(`${plugin}.ran`)).toBe(false);
  });

  it('impersonation: every as-* field sent as client-go sends it; as-groups without as refused, as kubectl refuses it', async () => {
    const imp = kubeconfig(simple(`{${SERVER}}`, '{token: t, as: jane, as-uid: "7", as-groups: [a, "b c"], as-user-extra: {"x.io/k y": [v]}}'));
    expect((await expectSame({ kubeconfig: imp }, 'static')).tls.headers).toEqual({
      Authorization: 'Bearer t',
      'Impersonate-User': 'jane',
      'Impersonate-Uid': '7',
      'Impersonate-Group': ['a', 'b c'],
      'Impersonate-Extra-x.io%2Fk%20y': ['v'],
    });
    const noAs = kubeconfig(simple(`{${SERVER}}`, '{token: t, as-groups: [a]}'));
    for (const via of ['auto', 'client-node'] as const) {
      await expect(resolveTargetVia({ kubeconfig: noAs }, { via })).rejects.toThrow(/^user "u" in .* sets as-uid, as-groups or as-user-extra without as \(the user to impersonate\)$/);
    }
  });

  it('an oidc auth-provider whose id-token expired, with no refresh-token: refused (client-node would send nothing)', async () => {
    const jwt = (exp: number) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'me', exp })).toString('base64url')}.c2ln`;
    const user = (exp: number) => `{auth-provider: {name: oidc, config: {client-id: k, idp-issuer-url: "https://issuer.example", id-token: "${jwt(exp)}"}}}`;
    const valid = await expectSame({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, user(4_102_444_800))) }, 'client-node');
    expect(valid.tls.headers).toEqual({ Authorization: `Bearer ${jwt(4_102_444_800)}` });
    const expired = kubeconfig(simple(`{${SERVER}}`, user(1_000)));
    for (const via of ['auto', 'client-node'] as const) {
      await expect(resolveTargetVia({ kubeconfig: expired }, { via })).rejects.toThrow(/^cannot use credentials of context "c": the oidc auth-provider gave no token \(an expired id-token and no refresh-token\?\); log in again$/);
    }
  });

  it('a token and a username/password in one user: refused, as kubectl refuses it', async () => {
    const f = kubeconfig(simple(`{${SERVER}}`, '{token: t, username: me, password: pw}'));
    for (const via of ['auto', 'client-node'] as const) {
      await expect(resolveTargetVia({ kubeconfig: f }, { via })).rejects.toThrow(/^user "u" in .* has both a token and a username\/password; keep one$/);
    }
  });

  it('a certificate authority together with insecure-skip-tls-verify: refused, as kubectl refuses it', async () => {
    const f = kubeconfig(simple(`{${SERVER}, certificate-authority-data: ${b64(CA)}, insecure-skip-tls-verify: true}`, '{token: t}'));
    for (const via of ['auto', 'client-node'] as const) {
      await expect(resolveTargetVia({ kubeconfig: f }, { via })).rejects.toThrow(/^cluster "k" in .* sets both a certificate authority and insecure-skip-tls-verify; remove one$/);
    }
  });

  it('a CA, client certificate or key given both as a file and as data, or a certificate without a key: refused, as kubectl refuses them', async () => {
    const refused: [cluster: string, user: string, message: RegExp][] = [
      [`{${SERVER}, certificate-authority: ../certs/ca.crt, certificate-authority-data: ${b64(CA)}}`, '{token: t}', /^cluster "k" in .* sets both certificate-authority and certificate-authority-data; keep one$/],
      [`{${SERVER}}`, `{client-certificate: ../certs/client.crt, client-certificate-data: ${b64(CERT)}, client-key-data: ${b64(KEY)}}`, /^user "u" in .* sets both client-certificate and client-certificate-data; keep one$/],
      [`{${SERVER}}`, `{client-certificate-data: ${b64(CERT)}, client-key: ../certs/client.key, client-key-data: ${b64(KEY)}}`, /^user "u" in .* sets both client-key and client-key-data; keep one$/],
      [`{${SERVER}}`, `{client-certificate-data: ${b64(CERT)}}`, /^user "u" in .* has a client certificate but no client-key or client-key-data$/],
    ];
    for (const [cluster, user, message] of refused) {
      const f = kubeconfig(simple(cluster, user));
      for (const via of ['auto', 'client-node'] as const) await expect(resolveTargetVia({ kubeconfig: f }, { via })).rejects.toThrow(message);
    }
    // Data that is empty counts as unset (as in client-go); a key with no certificate sends no client certificate.
    const emptyData = await expectSame({ kubeconfig: kubeconfig(simple(`{${SERVER}, certificate-authority: ../certs/ca.crt, certificate-authority-data: ""}`, `{client-key-data: ${b64(KEY)}}`)) }, 'static');
    expect(String(emptyData.tls.ca)).toBe(CA);
    expect(emptyData.tls).not.toHaveProperty('key');
    expect(emptyData.tls).not.toHaveProperty('cert');
  });

  it("a context without a user, or naming an undefined user: the cluster's CA and TLS settings still apply, as in client-go", async () => {
    // (client-node applies them only with a user; resolveTarget adds them for both paths.)
    const noUser = `clusters: [{name: k, cluster: {${SERVER}, certificate-authority-data: ${b64(CA)}, tls-server-name: api.internal}}]\ncontexts: [{name: c, context: {cluster: k}}]\ncurrent-context: c\n`;
    const t = await expectSame({ kubeconfig: kubeconfig(noUser) }, 'static');
    expect(String(t.tls.ca)).toBe(CA);
    expect(t.tls).toMatchObject({ servername: 'api.internal' });
    expect(t.tls).not.toHaveProperty('headers');
    const insecure = `clusters: [{name: k, cluster: {${SERVER}, insecure-skip-tls-verify: true}}]\ncontexts: [{name: c, context: {cluster: k}}]\ncurrent-context: c\n`;
    expect((await expectSame({ kubeconfig: kubeconfig(insecure) }, 'static')).tls).toMatchObject({ rejectUnauthorized: false });
    const caFile = kubeconfig(`clusters: [{name: k, cluster: {${SERVER}, certificate-authority: ../certs/ca.crt}}]\ncontexts: [{name: c, context: {cluster: k}}]\ncurrent-context: c\n`);
    expect(String((await expectSame({ kubeconfig: caFile }, 'static')).tls.ca)).toBe(CA);
    const ghost = noUser.replace('{cluster: k}', '{cluster: k, user: ghost}');
    expect((await expectSame({ kubeconfig: kubeconfig(ghost) }, 'static')).user).toBe('ghost');
  });

  it('a user with no user mapping, or an empty one', async () => {
    await expectSame({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, 'null')) }, 'static');
    await expectSame({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{}')) }, 'static');
  });

  it('JSON, quoted strings, block scalars, comments, minikube-style extensions', async () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'k', cluster: { server: 'https://[::1]:6443', 'certificate-authority-data': b64(CA) } }],
      users: [{ name: 'u', user: { 'client-certificate-data': b64(CERT), 'client-key-data': b64(KEY) } }],
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
      'current-context': 'c',
      preferences: {},
    });
    await expectSame({ kubeconfig: kubeconfig(json) }, 'static');
    const wrapped = b64(CA).replace(/.{40}/g, '$&\n    ');
    const yaml = `# a comment
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: |
      ${wrapped.replace(/\n {4}/g, '\n      ')}
    extensions:
    - extension:
        last-update: Mon, 01 Jan 2024 10:00:00 UTC
        provider: minikube.sigs.k8s.io
        version: v1.32.0
      name: cluster_info
    server: 'https://192.168.49.2:8443'
  name: minikube
contexts:
- context:
    cluster: "minikube"
    extensions:
    - extension: {provider: minikube.sigs.k8s.io, version: 1.32}
      name: context_info
    namespace: default
    user: minikube
  name: minikube
current-context: minikube
kind: Config
preferences: {}
users:
- name: minikube
  user:
    client-certificate-data: >-
      ${b64(CERT)}
    client-key-data: "${b64(KEY)}"
    token: "double\\tquoted\\u0041"
`;
    const t = await expectSame({ kubeconfig: kubeconfig(yaml) }, 'static');
    expect(t.tls.ca).toEqual(Buffer.from(CA));
    expect(t.tls.headers).toEqual({ Authorization: 'Bearer double\tquotedA' });
  });

  it('in-cluster: the service account as client-go uses it (https always, token trimmed, CA when valid)', async () => {
    // Compared with client-go itself in test/integration/kubeconfig-client-go.test.ts; these are the cases where
    // client-node differs.
    const root = join(tmp, 'sa-root');
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'sa-token\n');
    writeFileSync(join(sa, 'ca.crt'), REAL_CA);
    writeFileSync(join(sa, 'namespace'), 'k8s-audit');
    const env = { KUBECONFIG: join(tmp, 'missing'), KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const resolve = (e: Record<string, string>) => withEnv(e, () => resolveTargetVia({}, { serviceAccountRoot: root }));
    const { target: t, via } = await resolve(env);
    expect(via).toBe('static');
    expect(t).toMatchObject({ origin: 'in-cluster', server: 'https://10.96.0.1:443', context: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser' });
    expect(t.tls.headers).toEqual({ Authorization: 'Bearer sa-token' });
    expect(String(t.tls.ca)).toBe(REAL_CA);
    expect(t.credentials).toMatchObject({ tokenFile: true, embeddedToken: false });
    expect((await resolve({ ...env, KUBERNETES_SERVICE_HOST: 'fd00:10:96::1' })).target.server).toBe('https://[fd00:10:96::1]:443');
    // Port 80 is still https (client-node would speak http, with the token in clear).
    expect((await resolve({ ...env, KUBERNETES_SERVICE_PORT: '80' })).target.server).toBe('https://10.96.0.1:80');
    // A ca.crt that holds no certificate: the system's CAs, as client-go falls back to them.
    writeFileSync(join(sa, 'ca.crt'), 'not a certificate');
    expect((await resolve(env)).target.tls).not.toHaveProperty('ca');
    // An empty token: refused with one line.
    writeFileSync(join(sa, 'token'), ' \n');
    await expect(resolve(env)).rejects.toThrow(/^the service account token .*\/token is empty$/);
    // Without KUBERNETES_SERVICE_PORT this is not in-cluster (client-go's inClusterClientConfig.Possible).
    await expect(resolve({ ...env, KUBERNETES_SERVICE_PORT: '' })).rejects.toThrow(/^no kubeconfig found/);
  });
});

describe('exec plugins and impersonation: handled by resolveTarget on either path', () => {
  it('an exec plugin: the fast path, the same Target as by client-node (whose own runner is not used)', async () => {
    const f = kubeconfig(simple(`{${SERVER}}`, `{exec: {apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never, command: "${process.execPath}", args: ["${execScript}"]}}`));
    expect((await expectSame({ kubeconfig: f }, 'static')).tls.headers).toEqual({ Authorization: 'Bearer exec-token' });
  });

  it('impersonation: the fast path too', async () => {
    const f = kubeconfig(simple(`{${SERVER}}`, '{token: t, as: someone}'));
    expect((await expectSame({ kubeconfig: f }, 'static')).tls.headers).toEqual({ Authorization: 'Bearer t', 'Impersonate-User': 'someone' });
  });
});

describe('what the fast path leaves to client-node', () => {
  const cases: [string, string][] = [
    ['auth-provider', simple(`{${SERVER}}`, `{auth-provider: {name: file, config: {tokenFile: "${tokenPath}"}}}`)],
    ['proxy-url', simple(`{${SERVER}, proxy-url: "http://127.0.0.1:3128"}`, '{token: t}')],
    ['token-file (read by client-node while loading)', simple(`{${SERVER}}`, `{token-file: "${tokenPath}"}`)],
    ['an unknown user field', simple(`{${SERVER}}`, '{token: t, colour: blue}')],
    ['an unknown cluster field', simple(`{${SERVER}, certificate-authority-bundle: x}`, '{token: t}')],
    ['a token that is a number', simple(`{${SERVER}}`, '{token: 12345}')],
    ['a name that looks like a number', simple(`{${SERVER}}`, '{token: t}').replace(/\bu\b/g, '1e3')],
    ['username without a password', simple(`{${SERVER}}`, '{username: admin}')],
    ['YAML anchors and aliases', simple(`&c {${SERVER}}`, '{token: t}') + 'x: *c\n'],
    ['a YAML tag', simple(`{${SERVER}}`, '{token: !!str t}')],
    ['a YAML directive', '%YAML 1.2\n---\n' + simple(`{${SERVER}}`, '{token: t}')],
    ['non-ASCII', simple(`{${SERVER}}`, '{token: tøken}')],
    ['a tab', simple(`{${SERVER}}`, '{token: "t\tu"}')],
    ['an explicit key', simple(`{${SERVER}}`, '{token: t}').replace('current-context: c', '? current-context\n: c')],
    ['a flow mapping over several lines', simple(`{${SERVER},\n    insecure-skip-tls-verify: true}`, '{token: t}')],
    ['a quoted scalar over several lines', simple(`{${SERVER}}`, '{token: "t\n      u"}')],
    ['a document not at column 0', ' ' + simple(`{${SERVER}}`, '{token: t}').replace(/\n/g, '\n ')],
  ];
  for (const [name, text] of cases) {
    it(name, async () => {
      const t = await expectSame({ kubeconfig: kubeconfig(text) }, 'client-node');
      if (name === 'auth-provider') expect(t.tls.headers).toEqual({ Authorization: 'Bearer token-from-a-file' });
      if (name === 'proxy-url') expect((t.tls.agent as object).constructor.name).toBe('HttpsProxyAgent');
    });
  }
});

describe('errors: the same message either way', () => {
  const cases: [string, Opts | (() => Opts), Record<string, string | undefined>?][] = [
    ['kubeconfig not found', { kubeconfig: join(tmp, 'nope/config') }],
    ['no kubeconfig and not in a cluster', {}, { KUBECONFIG: join(tmp, 'missing'), KUBERNETES_SERVICE_HOST: undefined }],
    ['malformed YAML', () => ({ kubeconfig: kubeconfig('apiVersion: v1\nclusters: [ {name: x\n') })],
    ['an empty file', () => ({ kubeconfig: kubeconfig('') })],
    ['a document that is not a mapping', () => ({ kubeconfig: kubeconfig('- a\n- b\n') })],
    ['a scalar document', () => ({ kubeconfig: kubeconfig('hello\n') })],
    ['duplicate keys', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{token: a, token: b}')) })],
    // Both found by the generated documents below: yaml accepts them, js-yaml does not.
    ["a key whose colon is on the next line", () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{token: t}').replace('current-context: c', '"current-context"\n  : c')) })],
    ['a tab after a colon in a flow mapping', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}, tls-server-name:\t kubernetes}`, '{token: t}')) })],
    ["a stray quote after a single-quoted scalar", () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{token: t}').replace('apiVersion: v1', "apiVersion: 'v1''").replace('- name: k', "- name: 'k'")) })],
    ['a flow mapping whose next line is less indented than its start', () => ({ kubeconfig: kubeconfig('---\n {"apiVersion": v1, clusters: [{name: k, cluster: {server: https://127.0.0.1:6443,\ncertificate-authority-data: x}}]}\n') })],
    ['unknown context, with the available ones', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{token: t}')), context: 'prod' })],
    ['unknown context, none defined', () => ({ kubeconfig: kubeconfig('apiVersion: v1\n'), context: 'prod' })],
    ['no current-context', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{token: t}').replace('current-context: c\n', '')) })],
    ['current-context naming no context', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{token: t}').replace('current-context: c', 'current-context: gone')) })],
    ['a context naming an undefined cluster', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{token: t}').replace('{cluster: k,', '{cluster: gone,')) })],
    ['a cluster without a server', () => ({ kubeconfig: kubeconfig(simple('{insecure-skip-tls-verify: true}', '{token: t}')) })],
    ['a cluster without a name', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{token: t}').replace('- name: k\n', '- nom: k\n')) })],
    ['a context without a cluster', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{token: t}').replace('{cluster: k, user: u}', '{user: u}')) })],
    ['an invalid server address', () => ({ kubeconfig: kubeconfig(simple('{server: "not a url"}', '{token: t}')) })],
    ['a missing CA file', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}, certificate-authority: missing-ca.crt}`, '{token: t}')) })],
    ['a missing client key file', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, `{client-certificate: ${join(tmp, 'certs/client.crt')}, client-key: /nonexistent/key}`)) })],
    ['a failing exec plugin', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}}`, '{exec: {command: /nonexistent/plugin}}')) })],
    ['a numeric CA path', () => ({ kubeconfig: kubeconfig(simple(`{${SERVER}, certificate-authority: 42}`, '{token: t}')) })],
  ];
  for (const [name, opts, env] of cases) {
    it(name, async () => {
      const { auto, clientNode } = await both(typeof opts === 'function' ? opts() : opts, {}, env ?? {});
      expect('error' in auto, 'the fast path rejects').toBe(true);
      expect('error' in clientNode, 'client-node rejects').toBe(true);
      const [a, c] = [(auto as { error: Error }).error, (clientNode as { error: Error }).error];
      expect(a.constructor.name).toBe('ConfigError');
      expect({ type: a.constructor.name, message: a.message }).toStrictEqual({ type: c.constructor.name, message: c.message });
    });
  }

  it('in-cluster with --context', async () => {
    const root = join(tmp, 'sa-root-ctx');
    mkdirSync(join(root, 'var/run/secrets/kubernetes.io/serviceaccount'), { recursive: true });
    writeFileSync(join(root, 'var/run/secrets/kubernetes.io/serviceaccount/token'), 't');
    const env = { KUBECONFIG: join(tmp, 'missing'), KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    await expect(withEnv(env, () => resolveTargetVia({ context: 'x' }, { serviceAccountRoot: root }))).rejects.toThrow(/^--context x given, but there is no kubeconfig \(running in-cluster\)$/);
  });
});

describe('generated kubeconfigs: the fast path agrees with client-node or leaves them to it', () => {
  // Random documents, written in random YAML styles (some of them broken on purpose): for each,
  // both implementations reject with the same message, or resolve to the same Target.
  type Value = string | number | boolean | null | Value[] | { [k: string]: Value };
  // KUBECONFIG_FUZZ_SEED / KUBECONFIG_FUZZ_N: run other or more documents.
  const SEED = Number(process.env.KUBECONFIG_FUZZ_SEED ?? 20_240_611);
  const N = Number(process.env.KUBECONFIG_FUZZ_N ?? 400);

  function generate(seed: number): { text: string; context?: string } {
    const r = seeded(seed);
    const maybe = <T>(p: number, v: () => T): T | undefined => (r.chance(p) ? v() : undefined);
    /** Mostly one of the good values, sometimes one of the odd ones. */
    const mostly = (good: Value[], odd: Value[], p = 0.93): Value => (r.chance(p) || odd.length === 0 ? r.pick(good) : r.pick(odd));
    const name = () => mostly(['k', 'prod', 'kind-kind', 'a b', 'x:y', 'arn:aws:eks:eu-west-1:1:cluster/c'], ['1e3', 'true', '', '-', '.5']);
    const clean = (o: Record<string, Value | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [k: string]: Value };
    const clusters = Array.from({ length: 1 + r.int(3) }, () =>
      clean({
        name: name(),
        cluster: clean({
          server: maybe(0.97, () => mostly(['https://127.0.0.1:6443', 'https://k.example/', 'https://k.example/prefix', 'https://[::1]:6443'], ['http://127.0.0.1:8080', 'not a url', '', 6443])),
          'certificate-authority': maybe(0.2, () => mostly(['../certs/ca.crt', join(tmp, 'certs/ca.crt'), './../certs/ca.crt'], ['missing.crt', '', 42])),
          'certificate-authority-data': maybe(0.4, () => mostly([b64(CA)], ['', 'not base64!', 12])),
          'insecure-skip-tls-verify': maybe(0.4, () => mostly([true, false], ['true', 'yes', null, 1])),
          'tls-server-name': maybe(0.2, () => mostly(['kubernetes'], ['', 7])),
          'proxy-url': maybe(0.05, () => 'http://127.0.0.1:3128'),
          extensions: maybe(0.1, () => [{ name: 'info', extension: { version: 1.3, provider: 'p' } }]),
        }),
      }),
    );
    const users = Array.from({ length: r.int(3) }, () =>
      clean({
        name: name(),
        user: maybe(0.9, () =>
          clean({
            token: maybe(0.4, () => mostly(['t0ken', 'eyJ.x.y', 'a: b', 'x#y'], ['', null, 12345, '0x1f'])),
            tokenFile: maybe(0.1, () => tokenPath),
            'token-file': maybe(0.03, () => tokenPath),
            'client-certificate': maybe(0.2, () => mostly(['../certs/client.crt', join(tmp, 'certs/client.crt')], ['missing.crt'])),
            'client-certificate-data': maybe(0.3, () => b64(CERT)),
            'client-key': maybe(0.2, () => mostly(['../certs/client.key'], ['/nonexistent/key'])),
            'client-key-data': maybe(0.3, () => b64(KEY)),
            username: maybe(0.15, () => mostly(['admin'], ['', 7])),
            password: maybe(0.15, () => mostly(['pw', 'p:w'], ['', null, 8])),
            exec: maybe(0.05, () => ({ command: '/nonexistent/plugin' })),
            as: maybe(0.03, () => 'someone'),
          }),
        ),
      }),
    );
    const contexts = Array.from({ length: 1 + r.int(3) }, () =>
      clean({
        name: name(),
        context: maybe(0.97, () =>
          clean({
            cluster: maybe(0.97, () => mostly(clusters.map((c) => c.name as Value), ['gone'], 0.95)),
            user: maybe(0.85, () => mostly(users.map((u) => u.name as Value), ['ghost', ''], 0.9)),
            namespace: maybe(0.3, () => 'default'),
          }),
        ),
      }),
    );
    const doc = clean({
      apiVersion: maybe(0.9, () => 'v1'),
      kind: maybe(0.8, () => 'Config'),
      clusters: r.chance(0.97) ? clusters : 'none',
      users,
      contexts,
      'current-context': maybe(0.9, () => mostly(contexts.map((c) => c.name as Value), ['elsewhere', null, ''], 0.9)),
      preferences: maybe(0.5, () => ({})),
    });
    const nl = r.chance(0.1) ? '\r\n' : '\n';
    const scalar = (v: Value): string => {
      if (typeof v !== 'string') return String(v);
      const style = r.int(10);
      if (style < 6) return v; // plain: may be broken or mean something else, on purpose
      if (style < 8) return JSON.stringify(v);
      return `'${v.replace(/'/g, "''")}'`;
    };
    const flow = (v: Value): string =>
      Array.isArray(v) ? `[${v.map(flow).join(', ')}]` : v !== null && typeof v === 'object' ? `{${Object.entries(v).map(([k, x]) => `${scalar(k)}: ${flow(x)}`).join(', ')}}` : scalar(v);
    const block = (v: Value, indent: string): string => {
      if (Array.isArray(v)) {
        if (v.length === 0 || r.chance(0.15)) return ` ${flow(v)}`;
        return v.map((x) => `${nl}${indent}-${block(x, indent + '  ').replace(/^\r?\n\s*/, ' ')}`).join('');
      }
      if (v !== null && typeof v === 'object') {
        if (Object.keys(v).length === 0 || r.chance(0.15)) return ` ${flow(v)}`;
        return Object.entries(v).map(([k, x]) => `${nl}${indent}${scalar(k)}:${block(x, indent + '  ')}${r.chance(0.05) ? ' # note' : ''}`).join('');
      }
      return ` ${scalar(v)}`;
    };
    let text = (r.chance(0.1) ? `---${nl}` : '') + block(doc, '').replace(/^\r?\n/, '') + nl + (r.chance(0.05) ? `...${nl}` : '');
    // Now and then a few characters inserted or dropped at random: YAML the two parsers may disagree on.
    if (r.chance(0.3)) {
      for (let k = 1 + r.int(3); k > 0; k--) {
        const at = r.int(text.length);
        text = r.chance(0.7) ? text.slice(0, at) + r.pick([' ', '\t', ':', '#', '-', '\n', '\n  ', '"', "'", '{', '}', '[', ']', ',', '&a ', '*a', '!', '|', '>', '? ', '%', '@', '`', '\\', '~']) + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
      }
    }
    const context = maybe(0.3, () => r.pick([...contexts.map((c) => String(c.name)), 'prod', 'nope']));
    return context === undefined ? { text } : { text, context };
  }

  it(`${N} documents from seed ${SEED}`, async () => {
    const via = { static: 0, 'client-node': 0, error: 0 };
    for (let i = 0; i < N; i++) {
      const { text, context } = generate(SEED + i);
      const opts: Opts = { kubeconfig: kubeconfig(text, `gen/${i}`), ...(context !== undefined ? { context } : {}) };
      const { auto, clientNode } = await both(opts);
      const where = `seed ${SEED + i}:\n${text}`;
      if ('error' in clientNode) {
        expect('error' in auto ? auto.error.message : 'resolved', where).toBe(clientNode.error.message);
        via.error++;
      } else {
        if ('error' in auto) throw new Error(`${where}\nfast path: ${auto.error.message}`);
        expect(comparable(auto.value.target), where).toStrictEqual(comparable(clientNode.value.target));
        via[auto.value.via]++;
      }
    }
    // The generator must exercise all three outcomes (checked on runs long enough to tell).
    if (N >= 100) {
      expect(via.static).toBeGreaterThan(N / 10);
      expect(via['client-node']).toBeGreaterThan(N / 50);
      expect(via.error).toBeGreaterThan(N / 10);
    }
  }, 600_000);
});

// Each case starts a process of its own, and loading @kubernetes/client-node takes seconds on a busy machine.
describe('@kubernetes/client-node is loaded only when needed', { timeout: 30_000 }, () => {
  // A child process whose module resolutions are all recorded (module.registerHooks runs
  // for every static and dynamic import), then asked which ones were client-node's.
  const hook = file(
    'record-resolutions.mjs',
    `import { registerHooks } from 'node:module';
globalThis.__resolved = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); globalThis.__resolved.push(r.url); return r; } });
`,
  );
  const run = (body: string) => {
    const script = `${body}\nconst loaded = globalThis.__resolved.filter((u) => u.includes('/node_modules/@kubernetes/client-node/'));\nconsole.log(JSON.stringify({ total: globalThis.__resolved.length, clientNode: loaded.length }));`;
    const r = spawnSync(process.execPath, ['--import', hook, '--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8', env: { ...process.env, KUBECONFIG: join(tmp, 'missing') } });
    expect(r.stderr.replace(/^.*ExperimentalWarning.*\n?|^\(Use `node --trace-warnings.*\n?/gm, '')).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { total: number; clientNode: number };
  };
  const mod = JSON.stringify(join(repo, 'src/collect/kubeconfig.ts'));

  it('not for a static kubeconfig', () => {
    const f = kubeconfig(simple(`{${SERVER}, certificate-authority-data: ${b64(CA)}}`, '{token: t}'));
    const r = run(`const { resolveTargetVia } = await import(${mod});\nconst { via } = await resolveTargetVia({ kubeconfig: ${JSON.stringify(f)} });\nif (via !== 'static') throw new Error(via);`);
    expect(r.total).toBeGreaterThan(5);
    expect(r.clientNode).toBe(0);
  });

  it('not by the CLI for --version', () => {
    const r = run(`const { main } = await import(${JSON.stringify(join(repo, 'src/cli/main.ts'))});\nconst code = await main(['node', 'k8s-audit', '--version'], { stdout: { write() { return true; } }, stderr: process.stderr });\nif (code !== 0) throw new Error(String(code));`);
    expect(r.total).toBeGreaterThan(50);
    expect(r.clientNode).toBe(0);
  });

  it('nor for an exec plugin (cloud CLIs: the common case off a laptop)', () => {
    const f = kubeconfig(simple(`{${SERVER}}`, `{exec: {apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never, command: "${process.execPath}", args: ["${execScript}"]}}`));
    const r = run(`const { resolveTargetVia } = await import(${mod});\nconst { via } = await resolveTargetVia({ kubeconfig: ${JSON.stringify(f)} });\nif (via !== 'static') throw new Error(via);`);
    expect(r.total).toBeGreaterThan(50);
    expect(r.clientNode).toBe(0);
  });

  it('but yes for an auth-provider (the check does see it)', () => {
    const f = kubeconfig(simple(`{${SERVER}}`, `{auth-provider: {name: file, config: {tokenFile: "${tokenPath}"}}}`));
    const r = run(`const { resolveTargetVia } = await import(${mod});\nconst { via } = await resolveTargetVia({ kubeconfig: ${JSON.stringify(f)} });\nif (via !== 'client-node') throw new Error(via);`);
    expect(r.clientNode).toBeGreaterThan(0);
  });
});
