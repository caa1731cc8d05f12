// k8s-audit's kubeconfig loading (src/collect/kubeconfig.ts) against client-go's,
// the loader kubectl uses: test/cluster/kubeconfig/main.go, built with the control
// plane, prints what client-go makes of a configuration. For seeded random sets of
// KUBECONFIG files — names defined in several files, relative paths, token files,
// missing files, no current-context — and every context, both must pick the same
// context, cluster, user and server and send the same CA, certificate, key and
// token, or both refuse the configuration.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { binPath } from '../cluster/build.ts';
import { testKubeconfig } from '../cluster/fixtures.ts';
import { resolveTargetVia, type Target } from '../../src/collect/kubeconfig.ts';
import { withEnv } from '../helpers/env.ts';
import { seeded } from '../helpers/random.ts';
import { tempDir } from '../helpers/tmp.ts';

// K8S_AUDIT_KEEP_TMP=1 keeps the generated files, to replay a failure by hand with test/cluster/bin/kubeconfig.
const tmp = tempDir('k8s-audit-kubeconfig-go-');

// Real certificates (client-go parses them before it would connect), from the harness's PKI helper: a few CAs and
// client key pairs, handed out in turn so that neighbouring entries differ.
const PAIRS = 8;
const pkiDir = join(tmp, 'pki');
const pki = spawnSync(binPath('pki'), ['--dir', pkiDir], {
  input: JSON.stringify({
    cas: Array.from({ length: PAIRS }, (_, i) => ({ name: `ca${i}`, commonName: `ca${i}` })),
    certs: Array.from({ length: PAIRS }, (_, i) => ({ name: `client${i}`, commonName: `user${i}`, client: true })),
  }),
  encoding: 'utf8',
});
if (pki.status !== 0) throw new Error(`pki helper failed: ${pki.stderr}`);
let turn = 0;
const nextCa = () => readFileSync(join(pkiDir, `ca${turn++ % PAIRS}.crt`), 'utf8');
const nextPair = () => {
  const i = turn++ % PAIRS;
  return { cert: readFileSync(join(pkiDir, `client${i}.crt`), 'utf8'), key: readFileSync(join(pkiDir, `client${i}.key`), 'utf8') };
};

interface Seen {
  error?: boolean;
  context?: string;
  cluster?: string;
  user?: string;
  server?: string;
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
  sni?: string;
  /** The Authorization and Impersonate-* headers a request carries, names lower-cased (header names are case-insensitive). */
  headers?: Record<string, string[]>;
}

function clientGo(kubeconfigEnv: string, context: string | undefined): Seen & { message?: string } {
  const r = spawnSync(binPath('kubeconfig'), context ? ['--context', context] : [], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: tmp, KUBECONFIG: kubeconfigEnv },
  });
  if (r.status !== 0) throw new Error(`kubeconfig oracle failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  if (out.error) return { error: true, message: String(out.error) };
  const seen: Seen = {};
  for (const k of ['context', 'cluster', 'user', 'server', 'ca', 'cert', 'key', 'sni'] as const) if (out[k]) seen[k] = String(out[k]);
  if (out.insecure) seen.insecure = true;
  if (out.headers) seen.headers = out.headers as Record<string, string[]>;
  return seen;
}

async function ours(kubeconfigEnv: string, context: string | undefined): Promise<Seen & { message?: string }> {
  let t: Target;
  try {
    t = await withEnv({ KUBECONFIG: kubeconfigEnv, HOME: tmp, KUBERNETES_SERVICE_HOST: undefined }, async () => (await resolveTargetVia(context ? { context } : {})).target);
  } catch (err) {
    return { error: true, message: (err as Error).message };
  }
  const seen: Seen = {};
  if (t.context) seen.context = t.context;
  if (t.cluster) seen.cluster = t.cluster;
  if (t.user) seen.user = t.user;
  seen.server = t.server;
  const str = (v: unknown) => (v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
  const ca = str(t.tls.ca);
  if (ca) seen.ca = ca;
  const cert = str(t.tls.cert);
  if (cert) seen.cert = cert;
  const key = str(t.tls.key);
  if (key) seen.key = key;
  if (t.tls.rejectUnauthorized === false) seen.insecure = true;
  if (t.tls.servername) seen.sni = t.tls.servername;
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries((t.tls.headers ?? {}) as Record<string, string | string[]>)) {
    // Percent-encoding in Impersonate-Extra-<key> is case-insensitive too: compare as client-go's lower-cased map shows it.
    if (/^(authorization|impersonate-.*)$/i.test(k)) headers[k.toLowerCase()] = Array.isArray(v) ? v : [v];
  }
  // Basic credentials go as node's `auth` option, which sends them as this header.
  if (t.tls.auth) headers.authorization = [`Basic ${Buffer.from(t.tls.auth).toString('base64')}`];
  if (Object.keys(headers).length > 0) seen.headers = headers;
  return seen;
}

/** In a generated plugin's token, KUBERNETES_EXEC_INFO decoded and with its keys sorted: compared as JSON, not as bytes. */
function execInfoReadable(seen: Seen): void {
  const auth = seen.headers?.authorization?.[0];
  const m = auth ? /^Bearer exec-([A-Za-z0-9+/=]*)-(.*)$/.exec(auth) : null;
  if (!m || !seen.headers) return;
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)])) : v;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  seen.headers.authorization = [`Bearer exec-${text ? JSON.stringify(sortKeys(JSON.parse(text))) : '(no KUBERNETES_EXEC_INFO)'}-${m[2]}`];
}

const CLUSTERS = ['k1', 'k2', 'k3'];
const USERS = ['u1', 'u2', 'u3'];
const CONTEXTS = ['c1', 'c2', 'c3', 'c4'];

/** One scenario: 1–3 kubeconfig files in their own directories, and the KUBECONFIG list naming them. */
function scenario(seed: number): { env: string; files: string[] } {
  const r = seeded(seed);
  const base = join(tmp, `s${seed}`);
  const files: string[] = [];
  const list: string[] = [];
  const nFiles = 1 + r.int(3);
  for (let f = 0; f < nFiles; f++) {
    const dir = join(base, `f${f}`);
    mkdirSync(dir, { recursive: true });
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return name;
    };
    const tag = `${seed}-${f}`;
    const clusters = r.some(CLUSTERS, 0, 3).map((name) => {
      const cluster: Record<string, unknown> = { server: `https://${name}-${tag}.example:6443` };
      const ca = r.int(5);
      if (ca === 1) cluster['certificate-authority'] = write(`${name}-ca.crt`, nextCa());
      if (ca === 2) cluster['certificate-authority'] = join(dir, write(`${name}-abs-ca.crt`, nextCa()));
      if (ca === 3 || (ca === 1 && r.chance(0.2))) cluster['certificate-authority-data'] = Buffer.from(nextCa()).toString('base64'); // with a file too: kubectl refuses it
      if (ca === 4 || r.chance(0.04)) cluster['insecure-skip-tls-verify'] = true;
      if (r.chance(0.15)) cluster['tls-server-name'] = `api-${name}-${tag}.internal`;
      // What an exec plugin asking for cluster info gets as spec.cluster.config.
      if (r.chance(0.3)) cluster.extensions = [{ name: 'client.authentication.k8s.io/exec', extension: { audience: `aud-${name}-${tag}`, n: [1, 2] } }];
      return { name, cluster };
    });
    const users = r.some(USERS, 0, 3).map((name) => {
      const user: Record<string, unknown> = {};
      const kind = r.int(10);
      if (kind === 1 || kind === 4) user.token = `token-${name}-${tag}`;
      if (kind === 2 || kind === 4) user.tokenFile = write(`${name}-token`, r.chance(0.8) ? `  file-token-${name}-${tag}\n` : '\n');
      if (kind === 3) {
        // Files, data, or both (kubectl refuses a file and data for the same thing); a certificate without its key
        // (refused), a key without a certificate (no client certificate is sent).
        const pair = nextPair();
        const form = r.int(7);
        const certFile = () => (user['client-certificate'] = write(`${name}.crt`, pair.cert));
        const certData = () => (user['client-certificate-data'] = Buffer.from(pair.cert).toString('base64'));
        const keyFile = () => (user['client-key'] = write(`${name}.key`, pair.key));
        const keyData = () => (user['client-key-data'] = Buffer.from(pair.key).toString('base64'));
        if (form === 0) { certFile(); keyFile() }
        if (form === 1) { certFile(); keyData() }
        if (form === 2) { certData(); keyData() }
        if (form === 3) { certFile(); certData(); keyData() } // refused
        if (form === 4) { certFile(); keyFile(); keyData() } // refused
        if (form === 5) keyFile(); // no client certificate
        if (form === 6) certData(); // refused: no key
      }
      if (kind === 5) user.tokenFile = 'no-such-token';
      if (kind === 6 || kind === 8) Object.assign(user, { username: `basic-${name}`, password: `pw-${tag}` });
      if (kind === 8) user.token = `token-${name}-${tag}`; // two methods: kubectl refuses it
      if (kind === 9) {
        // The oidc auth-provider (the one kubectl still carries) with an id-token, unexpired or expired without a
        // refresh-token (nothing to send: kubectl refuses it).
        const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const exp = r.chance(0.7) ? 4_102_444_800 : 1_000;
        const idToken = `${b64url({ alg: 'RS256' })}.${b64url({ iss: 'https://issuer.example', sub: `${name}-${tag}`, exp })}.c2ln`;
        user['auth-provider'] = { name: 'oidc', config: { 'client-id': 'kubernetes', 'idp-issuer-url': 'https://issuer.example', 'id-token': idToken } };
      }
      if (kind === 7) {
        // An exec credential plugin, by a path relative to the kubeconfig (client-go resolves it against the file's
        // directory) or an absolute one, with or without args, env and cluster info. The token it prints tells what
        // it was run with: KUBERNETES_EXEC_INFO (base64), its path, first argument and PLUGIN_ENV.
        const version = r.pick(['v1', 'v1beta1']);
        const script = write(
          `exec-${name}.sh`,
          '#!/bin/sh\n' +
            'info=$(printf %s "$KUBERNETES_EXEC_INFO" | base64 -w0)\n' +
            `printf '{"apiVersion":"client.authentication.k8s.io/${version}","kind":"ExecCredential","status":{"token":"exec-%s-%s-%s-%s"}}' "$info" "$0" "$1" "$PLUGIN_ENV"\n`,
        );
        chmodSync(join(dir, script), 0o755);
        user.exec = {
          apiVersion: `client.authentication.k8s.io/${version}`,
          command: r.chance(0.5) ? `./${script}` : join(dir, script),
          ...(version === 'v1' || r.chance(0.5) ? { interactiveMode: r.pick(['Never', 'IfAvailable']) } : {}),
          ...(r.chance(0.5) ? { args: [`arg-${tag}`] } : {}),
          ...(r.chance(0.5) ? { env: [{ name: 'PLUGIN_ENV', value: `env-${tag}` }] } : {}),
          ...(r.chance(0.3) ? { provideClusterInfo: true } : {}),
        };
      }
      if (r.chance(0.4)) {
        // Impersonation: `as` (sometimes missing or empty, when client-go sends none of it), a UID, groups, extras
        // whose keys need escaping.
        if (r.chance(0.8)) user.as = r.chance(0.9) ? `imp-${name}-${tag}` : '';
        if (r.chance(0.4)) user['as-uid'] = `uid-${tag}`;
        if (r.chance(0.6)) user['as-groups'] = r.some(['g1', 'system:authenticated', 'team a', 'ops/ro'], 1, 3);
        if (r.chance(0.4)) user['as-user-extra'] = Object.fromEntries(r.some(['reason', 'scopes.example.com/x', 'a b%', 'ünï'], 1, 2).map((k) => [k, r.some(['v1', 'v 2', 'x/y'], 1, 2)]));
      }
      return { name, user };
    });
    const contexts = r.some(CONTEXTS, 0, 4).map((name) => ({ name, context: { cluster: r.pick(CLUSTERS), ...(r.chance(0.9) ? { user: r.pick(USERS) } : {}) } }));
    const doc: Record<string, unknown> = { apiVersion: 'v1', kind: 'Config', clusters, users, contexts };
    if (r.chance(0.6)) doc['current-context'] = r.pick(CONTEXTS);
    // YAML or JSON (JSON is YAML); now and then an empty file.
    const text = r.chance(0.1) ? '' : JSON.stringify(doc, null, r.chance(0.5) ? 2 : 0);
    const path = join(dir, 'config');
    writeFileSync(path, text);
    files.push(path);
    if (r.chance(0.2)) list.push(join(base, 'missing'));
    list.push(path);
  }
  return { env: list.join(delimiter), files };
}

describe('kubeconfig loading: the same as client-go (kubectl)', () => {
  const SEED = Number(process.env.KUBECONFIG_GO_SEED ?? 20_261_123);
  const N = Number(process.env.KUBECONFIG_GO_N ?? 60);

  it(`${N} seeded sets of KUBECONFIG files from seed ${SEED}, every context`, async () => {
    let compared = 0;
    let resolved = 0;
    let merged = 0;
    let viaPlugin = 0;
    let impersonating = 0;
    for (let i = 0; i < N; i++) {
      const { env, files } = scenario(SEED + i);
      if (files.length > 1) merged++;
      for (const context of [undefined, ...CONTEXTS]) {
        const want = clientGo(env, context);
        const got = await ours(env, context);
        const where = `seed ${SEED + i}, context ${context ?? '(current)'}, KUBECONFIG=${env}`;
        for (const seen of [want, got]) execInfoReadable(seen);
        if (want.error || got.error) {
          expect(!!got.error, `${where}: k8s-audit ${got.message ? `refused it: ${got.message}` : 'accepted it'}; client-go ${want.message ? `refused it: ${want.message}` : 'accepted it'}`).toBe(!!want.error);
        } else {
          expect({ ...got, where }).toEqual({ ...want, where });
          resolved++;
          if (want.headers?.authorization?.[0]?.startsWith('Bearer exec-')) viaPlugin++;
          if (Object.keys(want.headers ?? {}).some((h) => h.startsWith('impersonate-'))) impersonating++;
        }
        compared++;
      }
    }
    // The generator must reach both outcomes, and merged lists, for the comparison to mean anything.
    expect(merged).toBeGreaterThan(N / 3);
    expect(resolved).toBeGreaterThan(compared / 5);
    expect(compared - resolved).toBeGreaterThan(compared / 10);
    expect(viaPlugin).toBeGreaterThan(N / 20);
    expect(impersonating).toBeGreaterThan(N / 10);
  });
});

describe('impersonation reaches the API server as asked', () => {
  it('as, as-uid, as-groups and as-user-extra: a SelfSubjectReview names that user, uid, groups and extras', async () => {
    // The test control plane's admin (system:masters may impersonate), with impersonation added to its user entry.
    const doc = YAML.parse(readFileSync(testKubeconfig(), 'utf8'));
    const ctx = doc.contexts.find((c: { name: string }) => c.name === 'admin').context;
    const user = doc.users.find((u: { name: string }) => u.name === ctx.user).user;
    Object.assign(user, { as: 'jane@example.com', 'as-uid': 'uid-42', 'as-groups': ['auditors', 'team a'], 'as-user-extra': { 'scopes.example.com/ro le': ['read only'] } });
    const dir = join(tmp, 'impersonation');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'config');
    writeFileSync(path, YAML.stringify({ ...doc, 'current-context': 'admin' }));
    const { target } = await resolveTargetVia({ kubeconfig: path });
    const url = new URL('/apis/authentication.k8s.io/v1/selfsubjectreviews', target.server);
    const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    // (A review is not stored: the scanner itself never writes; this only asks the server who the request is from.)
    const review = await new Promise<any>((resolveReview, reject) => {
      const req = https.request(url, { ...target.tls, method: 'POST', headers: { ...(target.tls.headers as object), 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => (res.statusCode === 201 || res.statusCode === 200 ? resolveReview(JSON.parse(text)) : reject(new Error(`${res.statusCode}: ${text}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
    const info = review.status.userInfo;
    expect(info.username).toBe('jane@example.com');
    expect(info.uid).toBe('uid-42');
    expect(info.groups).toEqual(expect.arrayContaining(['auditors', 'team a', 'system:authenticated']));
    expect(info.extra).toEqual({ 'scopes.example.com/ro le': ['read only'] });
  });
});

describe('the proxy: the same as client-go', () => {
  /** A proxy URL as scheme, host and port (default filled in), credentials: how Go and Node print it differs. */
  const proxyOf = (p: string | undefined) => {
    if (!p) return 'direct';
    const u = new URL(p);
    return `${u.protocol}//${u.username ? `${u.username}:${u.password}@` : ''}${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  };
  const HOSTS = ['api.corp.example', 'corp.example', 'x.api.corp.example', 'API.Corp.Example', 'other.example', 'localhost', 'foo.localhost', '127.0.0.1', '127.1.2.3', '10.1.2.3', '192.168.5.5', '[::1]', '[2001:db8::5]'];
  const NO_PROXY = ['corp.example', '.corp.example', '*.corp.example', 'api.corp.example:6443', 'api.corp.example:443', '10.0.0.0/8', '10.1.2.3', '10.1.2.3:6443', '2001:db8::/32', '[2001:db8::5]:6443', '2001:db8::5', '*', 'localhost', 'example', ' spaced.example ', 'CORP.EXAMPLE', 'x.api.corp.example'];
  const PROXIES = ['proxy.corp:3128', 'http://proxy.corp:3128', 'https://p.example:443', 'http://user:pw@proxy.corp:8080'];
  const SEED = Number(process.env.KUBECONFIG_GO_SEED ?? 20_261_123);
  const N = Number(process.env.KUBECONFIG_GO_PROXY_N ?? 150);

  it(`${N} seeded servers and HTTPS_PROXY/NO_PROXY settings from seed ${SEED}`, async () => {
    const r = seeded(SEED);
    const dir = join(tmp, 'proxy');
    mkdirSync(dir, { recursive: true });
    let proxied = 0;
    let excluded = 0;
    for (let i = 0; i < N; i++) {
      const server = `https://${r.pick(HOSTS)}${r.pick(['', ':6443', ':8443', ':443'])}`;
      const path = join(dir, `config-${i}`);
      // Now and then the cluster's own proxy-url, which wins over the environment (http/https only: k8s-audit
      // refuses socks5 rather than connect directly, where client-go would use it).
      const proxyUrl = r.chance(0.15) ? `, proxy-url: "${r.pick(['http://cluster-proxy.example:3128', 'https://u:p@cp.example:8443'])}"` : '';
      writeFileSync(path, `clusters: [{name: k, cluster: {server: "${server}"${proxyUrl}}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\ncurrent-context: c\n`);
      const env: Record<string, string> = {};
      const proxy = r.pick(PROXIES);
      const proxyVar = r.pick(['HTTPS_PROXY', 'https_proxy', 'both', 'empty-upper']);
      if (proxyVar === 'both') Object.assign(env, { HTTPS_PROXY: proxy, https_proxy: 'http://lower.example:1' });
      else if (proxyVar === 'empty-upper') Object.assign(env, { HTTPS_PROXY: '', https_proxy: proxy });
      else env[proxyVar] = proxy;
      if (r.chance(0.8)) {
        const list = r.some(NO_PROXY, 1, 4).join(',');
        const noProxyVar = r.pick(['NO_PROXY', 'no_proxy', 'empty-upper']);
        if (noProxyVar === 'empty-upper') Object.assign(env, { NO_PROXY: '', no_proxy: list });
        else env[noProxyVar] = list;
      }
      const o = spawnSync(binPath('kubeconfig'), ['--kubeconfig', path], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: tmp, ...env } });
      const want = JSON.parse(o.stdout) as { error?: string; proxy?: string };
      const proxyEnv = { HTTPS_PROXY: undefined, https_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, ...env };
      let got: string;
      try {
        got = proxyOf(await withEnv(proxyEnv, async () => (await resolveTargetVia({ kubeconfig: path })).target.proxy));
      } catch (err) {
        got = `error: ${(err as Error).message}`;
      }
      const where = `server ${server}, env ${JSON.stringify(env)}`;
      expect({ where, proxy: got }).toEqual({ where, proxy: want.error ? `error: ${want.error}` : proxyOf(want.proxy) });
      if (want.proxy) proxied++;
      else excluded++;
    }
    expect(proxied).toBeGreaterThan(N / 5);
    expect(excluded).toBeGreaterThan(N / 5);
  });
});

describe('in-cluster: the service account as client-go uses it', () => {
  // rest.InClusterConfig reads fixed paths under /var/run/secrets, so the oracle runs in a user and mount namespace of
  // its own (unshare -rm) with a tmpfs over /var/run (a symlink to /run on current distributions) holding the case's
  // files; k8s-audit reads the same files through its serviceAccountRoot test hook.
  const SA = 'var/run/secrets/kubernetes.io/serviceaccount';
  const runDir = realpathSync('/var/run');
  const probe = spawnSync('unshare', ['-rm', 'sh', '-c', `mount -t tmpfs none ${runDir}`], { encoding: 'utf8' });

  it('unshare can give the oracle its own /var/run (needed to compare in-cluster configuration)', () => {
    expect(probe.error?.message ?? probe.stderr.trim(), 'unshare -rm with a tmpfs over /var/run').toBe('');
    expect(probe.status).toBe(0);
  });

  const HOSTS = ['10.96.0.1', 'fd00:10:96::1', 'kubernetes.default.svc'];
  const PORTS = ['443', '6443', '80', ''];
  const TOKENS: (string | null)[] = ['sa-token', 'sa-token\n', '  sa-token \n', '', '\n', null];
  const CAS = ['valid', 'garbage', 'empty', 'missing'] as const;

  it(`${HOSTS.length * PORTS.length * TOKENS.length * CAS.length} combinations of host, port, token file and ca.crt`, async () => {
    if (probe.status !== 0) throw new Error('unshare is not available here; see the previous test');
    const ca = nextCa();
    let accepted = 0;
    let refused = 0;
    let i = 0;
    for (const host of HOSTS) {
      for (const port of PORTS) {
        for (const token of TOKENS) {
          for (const caKind of CAS) {
            const root = join(tmp, 'in-cluster', String(i++));
            const sa = join(root, SA);
            mkdirSync(sa, { recursive: true });
            if (token !== null) writeFileSync(join(sa, 'token'), token);
            if (caKind !== 'missing') writeFileSync(join(sa, 'ca.crt'), caKind === 'valid' ? ca : caKind === 'garbage' ? 'not a certificate\n' : '');
            writeFileSync(join(sa, 'namespace'), 'k8s-audit');
            const env = { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port };
            const o = spawnSync('unshare', ['-rm', 'sh', '-c', `mount -t tmpfs none "${runDir}" && mkdir -p /${SA} && cp -R "${sa}/." /${SA}/ && exec "$0"`, binPath('kubeconfig')], {
              encoding: 'utf8',
              env: { PATH: process.env.PATH ?? '', HOME: tmp, KUBECONFIG: join(tmp, 'no-such-kubeconfig'), ...env },
            });
            if (o.status !== 0) throw new Error(`oracle under unshare failed: ${o.stderr}`);
            const out = JSON.parse(o.stdout) as { error?: string; server?: string; ca?: string; headers?: Record<string, string[]> };
            const want = out.error ? { error: true } : { server: out.server, ca: out.ca ?? '', authorization: out.headers?.authorization ?? [] };
            let got: typeof want;
            try {
              const t = await withEnv({ ...env, KUBECONFIG: join(tmp, 'no-such-kubeconfig'), HOME: tmp }, async () => (await resolveTargetVia({}, { serviceAccountRoot: root })).target);
              const auth = (t.tls.headers as Record<string, string> | undefined)?.Authorization;
              got = { server: t.server, ca: t.tls.ca ? String(t.tls.ca) : '', authorization: auth ? [auth] : [] };
            } catch {
              got = { error: true };
            }
            const where = `host ${JSON.stringify(host)}, port ${JSON.stringify(port)}, token ${JSON.stringify(token)}, ca.crt ${caKind}`;
            expect({ where, ...got }).toEqual({ where, ...want });
            if (out.error) refused++;
            else accepted++;
          }
        }
      }
    }
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });
});
