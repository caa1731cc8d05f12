// k8s-audit's kubeconfig loading (src/collect/kubeconfig.ts) against client-go's,
// the loader kubectl uses: test/cluster/kubeconfig/main.go, built with the control
// plane, prints what client-go makes of a configuration. For seeded random sets of
// KUBECONFIG files — names defined in several files, relative paths, token files,
// missing files, no current-context — and every context, both must pick the same
// context, cluster, user and server and send the same CA, certificate, key and
// token, or both refuse the configuration.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { binPath } from '../cluster/build.ts';
import { resolveTargetVia, type Target } from '../../src/collect/kubeconfig.ts';
import { seeded } from '../helpers/random.ts';

const tmp = mkdtempSync(join(tmpdir(), 'k8s-audit-kubeconfig-go-'));
// KUBECONFIG_GO_KEEP=1 keeps the generated files, to replay a failure by hand with test/cluster/bin/kubeconfig.
afterAll(() => {
  if (!process.env.KUBECONFIG_GO_KEEP) rmSync(tmp, { recursive: true, force: true });
});

const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${Buffer.from(body.repeat(8)).toString('base64')}\n-----END ${label}-----\n`;

interface Seen {
  error?: boolean;
  context?: string;
  cluster?: string;
  user?: string;
  server?: string;
  ca?: string;
  token?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
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
  for (const k of ['context', 'cluster', 'user', 'server', 'ca', 'token', 'cert', 'key'] as const) if (out[k]) seen[k] = String(out[k]);
  if (out.insecure) seen.insecure = true;
  return seen;
}

async function ours(kubeconfigEnv: string, context: string | undefined): Promise<Seen & { message?: string }> {
  const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME, KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST };
  process.env.KUBECONFIG = kubeconfigEnv;
  process.env.HOME = tmp;
  delete process.env.KUBERNETES_SERVICE_HOST;
  let t: Target;
  try {
    t = (await resolveTargetVia(context ? { context } : {})).target;
  } catch (err) {
    return { error: true, message: (err as Error).message };
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
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
  const auth = (t.tls.headers as Record<string, string> | undefined)?.Authorization;
  if (auth) seen.token = auth.replace(/^Bearer /, '');
  if (t.tls.rejectUnauthorized === false) seen.insecure = true;
  return seen;
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
      if (ca === 1) cluster['certificate-authority'] = write(`${name}-ca.crt`, pem('CERTIFICATE', `ca ${name} ${tag} `));
      if (ca === 2) cluster['certificate-authority'] = join(dir, write(`${name}-abs-ca.crt`, pem('CERTIFICATE', `abs ca ${name} ${tag} `)));
      if (ca === 3) cluster['certificate-authority-data'] = Buffer.from(pem('CERTIFICATE', `inline ca ${name} ${tag} `)).toString('base64');
      if (ca === 4 || r.chance(0.1)) cluster['insecure-skip-tls-verify'] = true;
      return { name, cluster };
    });
    const users = r.some(USERS, 0, 3).map((name) => {
      const user: Record<string, unknown> = {};
      const kind = r.int(6);
      if (kind === 1 || kind === 4) user.token = `token-${name}-${tag}`;
      if (kind === 2 || kind === 4) user.tokenFile = write(`${name}-token`, r.chance(0.8) ? `  file-token-${name}-${tag}\n` : '\n');
      if (kind === 3) {
        user['client-certificate'] = write(`${name}.crt`, pem('CERTIFICATE', `cert ${name} ${tag} `));
        user['client-key'] = write(`${name}.key`, pem('EC PRIVATE KEY', `key ${name} ${tag} `));
      }
      if (kind === 5) user.tokenFile = 'no-such-token';
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
    for (let i = 0; i < N; i++) {
      const { env, files } = scenario(SEED + i);
      if (files.length > 1) merged++;
      for (const context of [undefined, ...CONTEXTS]) {
        const want = clientGo(env, context);
        const got = await ours(env, context);
        const where = `seed ${SEED + i}, context ${context ?? '(current)'}, KUBECONFIG=${env}`;
        if (want.error || got.error) {
          expect({ error: !!got.error, where, message: got.message }).toEqual({ error: !!want.error, where, message: got.message });
        } else {
          expect({ ...got, where }).toEqual({ ...want, where });
          resolved++;
        }
        compared++;
      }
    }
    // The generator must reach both outcomes, and merged lists, for the comparison to mean anything.
    expect(merged).toBeGreaterThan(N / 3);
    expect(resolved).toBeGreaterThan(compared / 5);
    expect(compared - resolved).toBeGreaterThan(compared / 10);
  });
});
