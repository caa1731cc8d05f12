// The k8s-audit test control plane: a real etcd, kube-apiserver and
// kube-controller-manager, each its own process on loopback ports, with real
// TLS, RBAC and admission. Used by `npm run cluster`, the vitest global setup,
// the demo script and the benchmark.
//
// State directory layout (default <repo>/.cluster, or $K8S_AUDIT_CLUSTER_DIR):
//   .k8s-audit-cluster   marker: only directories carrying it are ever wiped
//   state.json           pids, argv, ports, paths, version (written as each process starts)
//   kubeconfig           contexts `admin` (current, system:masters) and `auditor` (no RBAC grants)
//   pki/                 CA, serving and client certificates, service-account key pair
//   etcd/                etcd data
//   logs/<component>.log each component's stdout+stderr; logs/audit.log the API server's audit log
//   audit-policy.yaml    the audit policy (--audit-policy-file)
//   encryption.yaml      Secrets' encryption at rest (--encryption-provider-config; random key, kept with keepData)
//   admission.yaml       admission plugin configuration (--admission-control-config-file: EventRateLimit)

import { spawn, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { BINARIES, BIN_DIR, GoMissingError, HarnessError, REPO_ROOT, binPath, build, etcdVersion, isBuildCurrent, kubernetesVersion } from './build.ts';
import { KubeClient } from './kube.ts';

export { build, HarnessError, kubernetesVersion, BIN_DIR, REPO_ROOT };

const MARKER = '.k8s-audit-cluster';
const STATE_FILE = 'state.json';
const LOCK_FILE = 'up.lock';
const ENCRYPTION_FILE = 'encryption.yaml';
export const DEFAULT_NODE_NAME = 'k8s-audit-cp';
export const SERVICE_CIDR = '10.96.0.0/12';
const SERVICE_IP = '10.96.0.1';
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const ADMIN_USER = 'k8s-audit-admin';
export const AUDITOR_USER = 'k8s-audit-auditor';

/** Controllers the test control plane runs. No node, cloud or volume-attach controllers: there are no nodes. */
export const CONTROLLERS = [
  'serviceaccount-token-controller',
  'serviceaccount-controller',
  'namespace-controller',
  'garbage-collector-controller',
  'deployment-controller',
  'replicaset-controller',
  'replicationcontroller-controller',
  'daemonset-controller',
  'statefulset-controller',
  'job-controller',
  'cronjob-controller',
  'ttl-after-finished-controller',
  'endpoints-controller',
  'endpointslice-controller',
  'endpointslice-mirroring-controller',
  'resourcequota-controller',
  'disruption-controller',
  'clusterrole-aggregation-controller',
  'root-ca-certificate-publisher-controller',
  'certificatesigningrequest-signing-controller',
  'certificatesigningrequest-approving-controller',
  'certificatesigningrequest-cleaner-controller',
  'persistentvolumeclaim-protection-controller',
  'persistentvolume-protection-controller',
  'ephemeral-volume-controller',
  'legacy-serviceaccount-token-cleaner-controller',
  'validatingadmissionpolicy-status-controller',
  'service-cidr-controller',
];

export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  /** etcd's plain-HTTP /health and /metrics listener (like kubeadm's 2381). */
  etcdMetrics: number;
  apiServer: number;
  controllerManager: number;
}

export interface ProcessRecord {
  name: string;
  pid: number;
  /** Full argv as started; used to recognise our processes (pids get reused). */
  argv: string[];
  log: string;
}

export interface ClusterState {
  schema: 1;
  stateDir: string;
  kubeconfigPath: string;
  server: string;
  version: string;
  nodeName: string;
  ports: Ports;
  processes: ProcessRecord[];
  startedAt: string;
  /** True once everything is up; false while starting (or after a crash mid-start). */
  ready: boolean;
}

export interface ClusterInfo {
  stateDir: string;
  kubeconfigPath: string;
  server: string;
  version: string;
  ports: Ports;
  pids: Record<string, number>;
  /** True when `up` found this cluster already running and left it alone. */
  reused: boolean;
  /** Wall-clock seconds `up` took (including a build, if one ran). */
  seconds: number;
}

export interface UpOptions {
  /** Where state, certificates, data and logs live. Default: $K8S_AUDIT_CLUSTER_DIR or <repo>/.cluster. */
  stateDir?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** How long to wait for the API server's /readyz (and then the controller manager). Default 60 s. */
  readyTimeoutMs?: number;
  /** Extra kube-apiserver flags (`--name=value`); a flag given here replaces the harness's own value. */
  apiServerArgs?: string[];
  /** Extra kube-controller-manager flags, same rules. */
  controllerManagerArgs?: string[];
  /**
   * Flags of the harness's own kube-apiserver command line to leave out (`--name`), e.g. the audit-log
   * flags for a cluster without an audit log. Naming a flag the harness does not set is an error.
   */
  removeApiServerFlags?: string[];
  /** Flags of the harness's own kube-controller-manager command line to leave out, same rules. */
  removeControllerManagerFlags?: string[];
  /** Stop the cluster automatically when this process exits, even by SIGKILL (a small reaper process watches it). */
  watchPid?: number;
  /** Do not build; fail if the binaries are missing or stale. */
  skipBuild?: boolean;
  /** Name recorded as spec.nodeName of the control-plane mirror pods. Default k8s-audit-cp. */
  nodeName?: string;
  /**
   * Start on the etcd data a previous cluster in stateDir left with `down(stateDir, { keepData: true })`
   * instead of an empty store (certificates and ports are new; the Secrets' encryption key is kept). Default false.
   * Used by the benchmark.
   */
  keepData?: boolean;
}

export interface ProcessStatus {
  name: string;
  pid: number;
  alive: boolean;
}

export interface ClusterStatus {
  stateDir: string;
  /** All recorded processes are alive and the API server answers /readyz. */
  running: boolean;
  /** A state file exists (a cluster was started here and not brought down). */
  present: boolean;
  ready: boolean;
  kubeconfigPath?: string;
  server?: string;
  version?: string;
  ports?: Ports;
  processes: ProcessStatus[];
  startedAt?: string;
}

export function defaultStateDir(): string {
  return resolve(process.env.K8S_AUDIT_CLUSTER_DIR || join(REPO_ROOT, '.cluster'));
}

// ---------------------------------------------------------------------------
// State file

export function readState(stateDir: string): ClusterState | undefined {
  const p = join(stateDir, STATE_FILE);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

function writeState(state: ClusterState): void {
  const p = join(state.stateDir, STATE_FILE);
  writeFileSync(p + '.tmp', JSON.stringify(state, null, 2) + '\n');
  renameSync(p + '.tmp', p); // atomic: readers never see half a file
}

// ---------------------------------------------------------------------------
// Processes

/** Whether pid is a live (non-zombie) process. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e: any) {
    if (e?.code !== 'EPERM') return false;
  }
  try {
    // An exited child that is not yet reaped still answers kill(0); check it is not a zombie.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux'; // no /proc: trust kill(0)
  }
}

/** Whether pid is still the process we started (same argv), not an unrelated process that reused the pid. */
function isOurs(rec: ProcessRecord): boolean {
  if (!isAlive(rec.pid)) return false;
  try {
    const argv = readFileSync(`/proc/${rec.pid}/cmdline`, 'utf8').split('\0');
    if (argv.at(-1) === '') argv.pop();
    return argv.length === rec.argv.length && argv.every((a, i) => a === rec.argv[i]);
  } catch {
    try {
      const cmd = execFileSync('ps', ['-o', 'command=', '-p', String(rec.pid)], { encoding: 'utf8' }).trim();
      return cmd.startsWith(rec.argv[0]!);
    } catch {
      return false;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** SIGTERM the given processes, SIGKILL whatever is left after graceMs. Returns the names it signalled. */
async function stopProcesses(recs: ProcessRecord[], graceMs: number): Promise<string[]> {
  const ours = recs.filter((r) => r.pid !== process.pid && isOurs(r));
  for (const r of ours) signal(r.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (ours.some((r) => isAlive(r.pid)) && Date.now() < deadline) await sleep(50);
  for (const r of ours) if (isAlive(r.pid)) signal(r.pid, 'SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (ours.some((r) => isAlive(r.pid)) && Date.now() < killDeadline) await sleep(50);
  return ours.map((r) => r.name);
}

/** Stop a cluster's processes in dependency order: reaper, controller manager and API server, then etcd. */
async function stopCluster(state: ClusterState | undefined, graceMs = 10_000): Promise<string[]> {
  if (!state) return [];
  const procs = state.processes ?? [];
  const first = procs.filter((p) => p.name !== 'etcd');
  const last = procs.filter((p) => p.name === 'etcd');
  return [...(await stopProcesses(first, graceMs)), ...(await stopProcesses(last, graceMs))];
}

function tailFile(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * The useful part of a component log for an error message: its error lines
 * (klog E/F lines, etcd's JSON error/fatal/panic records, Go panics) if any, else its tail.
 */
function logExcerpt(path: string, max = 12): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trimEnd();
  } catch {
    return '';
  }
  const lines = text.split('\n');
  const errors = lines.filter((l) => /^[EF]\d{4} |"level":"(error|fatal|panic)"|^panic:|^Error:|^flag provided but not defined/.test(l));
  const picked = errors.length > 0 ? errors.slice(-max) : lines.slice(-max);
  return picked.map((l) => (l.length > 400 ? l.slice(0, 400) + '…' : l)).join('\n');
}

// ---------------------------------------------------------------------------
// Ports, PKI, kubeconfig

/** Reserve `n` distinct free loopback ports by binding port 0 (all held open until each is chosen). */
async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      await new Promise<void>((res, rej) => {
        s.once('error', rej);
        s.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => res());
      });
      servers.push(s);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

interface Pki {
  dir: string;
  ca: string;
  caKey: string;
  frontProxyCa: string;
  etcdCa: string;
  saKey: string;
  saPub: string;
  cert(name: string): string;
  key(name: string): string;
}

/** Certificates laid out like kubeadm's /etc/kubernetes/pki (three CAs: cluster, front proxy, etcd). */
function generatePki(dir: string, nodeName: string): Pki {
  const loopback = { dnsNames: ['localhost', nodeName], ipAddresses: ['127.0.0.1'] };
  const spec = {
    cas: [
      { name: 'ca', commonName: 'kubernetes' },
      { name: 'front-proxy-ca', commonName: 'front-proxy-ca' },
      { name: 'etcd/ca', commonName: 'etcd-ca' },
    ],
    serviceAccountKey: 'sa',
    certs: [
      {
        name: 'apiserver',
        commonName: 'kube-apiserver',
        server: true,
        dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', nodeName],
        ipAddresses: ['127.0.0.1', SERVICE_IP],
      },
      { name: 'apiserver-kubelet-client', commonName: 'kube-apiserver-kubelet-client', organizations: ['kubeadm:cluster-admins'], client: true },
      { name: 'apiserver-etcd-client', commonName: 'kube-apiserver-etcd-client', client: true, ca: 'etcd/ca' },
      { name: 'front-proxy-client', commonName: 'front-proxy-client', client: true, ca: 'front-proxy-ca' },
      { name: 'etcd/server', commonName: nodeName, server: true, client: true, ca: 'etcd/ca', ...loopback },
      { name: 'etcd/peer', commonName: nodeName, server: true, client: true, ca: 'etcd/ca', ...loopback },
      { name: 'admin', commonName: ADMIN_USER, organizations: ['system:masters'], client: true },
      { name: 'auditor', commonName: AUDITOR_USER, client: true },
      { name: 'controller-manager', commonName: 'system:kube-controller-manager', client: true },
    ],
  };
  try {
    execFileSync(binPath('pki'), ['--dir', dir], { input: JSON.stringify(spec), stdio: ['pipe', 'ignore', 'pipe'] });
  } catch (e: any) {
    throw new HarnessError(`generating certificates failed: ${String(e.stderr ?? e.message).trim()}`);
  }
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    frontProxyCa: join(dir, 'front-proxy-ca.crt'),
    etcdCa: join(dir, 'etcd', 'ca.crt'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
    cert: (n) => join(dir, `${n}.crt`),
    key: (n) => join(dir, `${n}.key`),
  };
}

interface KubeconfigUser {
  name: string;
  cert: string;
  key: string;
}

function writeKubeconfig(path: string, server: string, caFile: string, users: KubeconfigUser[], contexts: { name: string; user: string }[]): void {
  const b64 = (f: string) => readFileSync(f).toString('base64');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'k8s-audit', cluster: { server, 'certificate-authority-data': b64(caFile) } }],
    users: users.map((u) => ({ name: u.name, user: { 'client-certificate-data': b64(u.cert), 'client-key-data': b64(u.key) } })),
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: 'k8s-audit', user: c.user } })),
    'current-context': contexts[0]!.name,
    preferences: {},
  };
  writeFileSync(path, YAML.stringify(doc), { mode: 0o600 });
}

/**
 * Merge flag lists: flags named in `remove` (`--name`) are dropped from `base` (each must be there), then a
 * `--name[=value]` in `extra` replaces the same flag in `base`; new flags are appended.
 */
export function mergeFlags(base: string[], extra: string[] = [], remove: string[] = []): string[] {
  const name = (f: string) => f.split('=')[0];
  const dropped = new Set(remove.map((r) => name(r.startsWith('--') ? r : `--${r}`)));
  for (const r of dropped) {
    if (!base.some((b) => name(b) === r)) throw new HarnessError(`cannot remove ${r}: the harness does not set it (it sets ${base.map(name).join(' ')})`);
  }
  const out = base.filter((b) => !dropped.has(name(b)));
  for (const f of extra) {
    const i = out.findIndex((b) => name(b) === name(f));
    if (i >= 0) out[i] = f;
    else out.push(f);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Configuration files of the hardened API server

/**
 * Cipher suites for TLS 1.2 (CIS 1.2.29's list: ECDHE key exchange, AEAD ciphers). TLS 1.3, which every
 * client of the harness negotiates, has its own fixed suites.
 */
export const TLS_CIPHER_SUITES = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
];

/** Metadata (who, what, when; never bodies, so no Secret content) for every request but health checks and Events. */
const AUDIT_POLICY = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*'] },
    { level: 'None', resources: [{ group: '', resources: ['events'] }, { group: 'events.k8s.io', resources: ['events'] }] },
    { level: 'Metadata' },
  ],
};

/**
 * EventRateLimit's limits (CIS 1.2.9 wants the plugin on; the numbers are ours): generous enough that no
 * test or benchmark producing Events is throttled, while the plugin and its configuration are real.
 */
const ADMISSION_CONFIG = {
  apiVersion: 'apiserver.config.k8s.io/v1',
  kind: 'AdmissionConfiguration',
  plugins: [
    {
      name: 'EventRateLimit',
      configuration: {
        apiVersion: 'eventratelimit.admission.k8s.io/v1alpha1',
        kind: 'Configuration',
        limits: [{ type: 'Server', qps: 5000, burst: 20000 }],
      },
    },
  ],
};

/**
 * Secrets encrypted at rest with secretbox (XSalsa20-Poly1305) under a random 32-byte key; identity last, so
 * data written before (a keepData store from an older harness) still reads. An existing file is kept: with
 * keepData the store's Secrets are encrypted under its key.
 */
function writeEncryptionConfig(path: string): void {
  if (existsSync(path)) return;
  const doc = {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [
      {
        resources: ['secrets'],
        providers: [{ secretbox: { keys: [{ name: 'key1', secret: randomBytes(32).toString('base64') }] } }, { identity: {} }],
      },
    ],
  };
  writeFileSync(path, YAML.stringify(doc), { mode: 0o600 });
}

// ---------------------------------------------------------------------------
// Mirror pods

/**
 * A kubeadm-style mirror pod recording a control-plane component's real command
 * line, so audits that read flags from kube-system pods see what actually runs.
 */
function mirrorPod(component: string, argv: string[], version: string, nodeName: string, pkiDir: string, extraAnnotations: Record<string, string> = {}) {
  const spec = {
    nodeName,
    hostNetwork: true,
    priorityClassName: 'system-node-critical',
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    tolerations: [{ effect: 'NoExecute', operator: 'Exists' }],
    containers: [
      {
        name: component,
        image: `registry.k8s.io/${component}:${version}`,
        imagePullPolicy: 'IfNotPresent',
        command: [component, ...argv.slice(1)],
        resources: { requests: { cpu: component === 'kube-apiserver' ? '250m' : component === 'etcd' ? '100m' : '200m' } },
        volumeMounts: [{ name: 'k8s-certs', mountPath: pkiDir, readOnly: true }],
      },
    ],
    volumes: [{ name: 'k8s-certs', hostPath: { path: pkiDir, type: 'DirectoryOrCreate' } }],
  };
  const hash = createHash('md5').update(JSON.stringify(spec)).digest('hex'); // the kubelet's config hash is an md5 too
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${component}-${nodeName}`,
      namespace: 'kube-system',
      labels: { component, tier: 'control-plane' },
      annotations: {
        'kubernetes.io/config.hash': hash,
        'kubernetes.io/config.mirror': hash,
        'kubernetes.io/config.seen': new Date().toISOString(),
        'kubernetes.io/config.source': 'file',
        ...extraAnnotations,
      },
    },
    spec,
  };
}

/** The argv a process really runs with (from /proc when available). */
function realArgv(rec: ProcessRecord): string[] {
  try {
    const argv = readFileSync(`/proc/${rec.pid}/cmdline`, 'utf8').split('\0');
    if (argv.at(-1) === '') argv.pop();
    if (argv.length > 0) return argv;
  } catch {
    /* not Linux */
  }
  return rec.argv;
}

// ---------------------------------------------------------------------------
// up

class PortInUseError extends HarnessError {}

/** Refuse a directory that is neither empty nor ours: `up` and `down` wipe the directory they use. */
function checkOwnership(stateDir: string): void {
  if (!existsSync(stateDir)) return;
  const entries = readdirSync(stateDir);
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new HarnessError(`refusing to use ${stateDir} as the cluster directory: it is not empty and was not created by the k8s-audit harness`);
  }
}

/** Make stateDir an empty directory we own (keeping the lock of the `up` in progress, and etcd's data and its encryption key with keepData). */
function prepareStateDir(stateDir: string, keepData = false): void {
  checkOwnership(stateDir);
  mkdirSync(stateDir, { recursive: true });
  for (const e of readdirSync(stateDir)) {
    if (e !== LOCK_FILE && !(keepData && (e === 'etcd' || e === ENCRYPTION_FILE))) rmSync(join(stateDir, e), { recursive: true, force: true });
  }
  writeFileSync(join(stateDir, MARKER), 'k8s-audit test control plane; removed by `npm run cluster -- down`\n');
}

/**
 * Take the directory's lock so two `up`s never start clusters in one directory at once
 * (a lock left by a dead process is taken over). Returns the release function.
 */
function lockStateDir(stateDir: string): () => void {
  checkOwnership(stateDir);
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, MARKER), 'k8s-audit test control plane; removed by `npm run cluster -- down`\n');
  const lock = join(stateDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(lock, 'utf8') === String(process.pid)) rmSync(lock, { force: true });
        } catch {
          /* directory removed meanwhile (e.g. by down) */
        }
      };
    } catch (e: any) {
      if (e?.code !== 'EEXIST' || attempt > 0) throw e;
      const holder = Number(readFileSync(lock, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new HarnessError(`another \`up\` (pid ${holder}) is starting a cluster in ${stateDir}; wait for it, or use another K8S_AUDIT_CLUSTER_DIR`);
      }
      rmSync(lock, { force: true }); // stale: its owner is gone
    }
  }
}

function infoFromState(state: ClusterState, reused: boolean, seconds: number): ClusterInfo {
  return {
    stateDir: state.stateDir,
    kubeconfigPath: state.kubeconfigPath,
    server: state.server,
    version: state.version,
    ports: state.ports,
    pids: Object.fromEntries(state.processes.map((p) => [p.name, p.pid])),
    reused,
    seconds,
  };
}

async function isReady(kubeconfigPath: string): Promise<boolean> {
  let client: KubeClient | undefined;
  try {
    client = KubeClient.fromKubeconfig(kubeconfigPath, 'admin');
    const res = await client.request('GET', '/readyz', { timeoutMs: 3000 });
    return res.status === 200;
  } catch {
    return false;
  } finally {
    client?.close();
  }
}

/**
 * Start the control plane (building it first if needed) and wait until it serves.
 * If a healthy cluster already runs in stateDir it is reused; leftovers of a crashed
 * run are stopped and wiped. On any failure everything started is stopped again.
 */
export async function up(opts: UpOptions = {}): Promise<ClusterInfo> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const stateDir = resolve(opts.stateDir ?? defaultStateDir());

  if (opts.skipBuild) {
    if (!isBuildCurrent()) throw new HarnessError(`control-plane binaries in ${BIN_DIR} are missing or stale; run \`npm run cluster -- build\``);
  } else {
    try {
      const b = await build({ log });
      if (b.built) log(`build finished in ${b.seconds.toFixed(1)} s`);
    } catch (e) {
      // Without Go the binaries' freshness cannot be checked, but existing ones still run.
      if (!(e instanceof GoMissingError) || !BINARIES.every((b) => existsSync(binPath(b)))) throw e;
      log(`warning: ${e.message}; using the existing binaries in ${BIN_DIR} unchecked`);
    }
  }

  const unlock = lockStateDir(stateDir);
  try {
    return await upLocked(stateDir, opts, log, t0);
  } finally {
    unlock();
  }
}

async function upLocked(stateDir: string, opts: UpOptions, log: (l: string) => void, t0: number): Promise<ClusterInfo> {
  const existing = readState(stateDir);
  if (existing) {
    const allAlive = existing.processes.length > 0 && existing.processes.every((p) => isOurs(p));
    if (existing.ready && allAlive && (await isReady(existing.kubeconfigPath))) {
      log(`cluster already running at ${existing.server} (state: ${stateDir})`);
      return infoFromState(existing, true, (Date.now() - t0) / 1000);
    }
    const stopped = await stopCluster(existing, 3000);
    log(`cleaned up a previous cluster in ${stateDir}${stopped.length ? ` (stopped ${stopped.join(', ')})` : ''}`);
  }

  for (let attempt = 1; ; attempt++) {
    prepareStateDir(stateDir, opts.keepData);
    try {
      const state = await startOnce(stateDir, opts, log);
      const seconds = (Date.now() - t0) / 1000;
      log(`cluster ${state.version} ready at ${state.server} in ${seconds.toFixed(1)} s`);
      return infoFromState(state, false, seconds);
    } catch (e) {
      if (e instanceof PortInUseError && attempt < 3) {
        log(`${e.message}; retrying with new ports`);
        continue;
      }
      throw e;
    }
  }
}

async function startOnce(stateDir: string, opts: UpOptions, log: (l: string) => void): Promise<ClusterState> {
  const version = kubernetesVersion();
  const nodeName = opts.nodeName ?? DEFAULT_NODE_NAME;
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const logsDir = join(stateDir, 'logs');
  mkdirSync(logsDir);
  const [etcdClient, etcdPeer, etcdMetrics, apiServer, controllerManager] = (await freePorts(5)) as [number, number, number, number, number];
  const ports: Ports = { etcdClient, etcdPeer, etcdMetrics, apiServer, controllerManager };
  const server = `https://127.0.0.1:${apiServer}`;
  const kubeconfigPath = join(stateDir, 'kubeconfig');
  const state: ClusterState = {
    schema: 1,
    stateDir,
    kubeconfigPath,
    server,
    version,
    nodeName,
    ports,
    processes: [],
    startedAt: new Date().toISOString(),
    ready: false,
  };
  writeState(state);

  // Exit status of the processes started here, so a crash during startup fails fast.
  const exited = new Map<string, string>();
  const start = (name: string, argv: string[]): ProcessRecord => {
    const logPath = join(logsDir, `${name}.log`);
    const fd = openSync(logPath, 'a');
    let child;
    try {
      // detached: own process group, so a Ctrl-C in the terminal that ran `up` does not reach it.
      child = spawn(argv[0]!, argv.slice(1), { cwd: stateDir, detached: true, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    if (child.pid === undefined) throw new HarnessError(`could not start ${name} (${argv[0]})`);
    child.on('error', () => exited.set(name, 'failed to start'));
    child.on('exit', (code, sig) => exited.set(name, sig ? `killed by ${sig}` : `exit code ${code}`));
    child.unref();
    const rec: ProcessRecord = { name, pid: child.pid, argv, log: logPath };
    state.processes.push(rec);
    writeState(state); // record each pid at once: a crash from here on leaves a pid file `up`/`down` can clean
    return rec;
  };

  /** Fail with the component's log tail if it died; a bind failure becomes a retryable PortInUseError. */
  const checkAlive = () => {
    for (const rec of state.processes) {
      const how = exited.get(rec.name);
      if (!how) continue;
      const tail = tailFile(rec.log, 40);
      if (/address already in use/i.test(tail)) throw new PortInUseError(`${rec.name} could not bind its port (${how}); log: ${rec.log}`);
      throw new HarnessError(`${rec.name} exited during startup (${how}); log: ${rec.log}`, logExcerpt(rec.log));
    }
  };

  /** Poll probe until it returns true; probe errors count as "not yet" unless rethrow is set. */
  const waitFor = async (what: string, deadline: number, probe: () => Promise<boolean>, logFile: string, rethrow = false) => {
    while (true) {
      checkAlive();
      if (await probe().catch((e) => (rethrow && e instanceof HarnessError ? Promise.reject(e) : false))) return;
      if (Date.now() > deadline) {
        throw new HarnessError(`${what} not ready within ${(timeoutMs / 1000).toFixed(0)} s; log: ${logFile}`, logExcerpt(logFile));
      }
      await sleep(150);
    }
  };

  const clients: KubeClient[] = [];
  try {
    if (opts.watchPid) {
      start('reaper', [process.execPath, join(import.meta.dirname, 'reaper.ts'), stateDir, String(opts.watchPid)]);
    }

    const pki = generatePki(join(stateDir, 'pki'), nodeName);
    writeKubeconfig(kubeconfigPath, server, pki.ca, [
      { name: ADMIN_USER, cert: pki.cert('admin'), key: pki.key('admin') },
      { name: AUDITOR_USER, cert: pki.cert('auditor'), key: pki.key('auditor') },
    ], [
      { name: 'admin', user: ADMIN_USER },
      { name: 'auditor', user: AUDITOR_USER },
    ]);
    const kcmKubeconfig = join(stateDir, 'controller-manager.kubeconfig');
    writeKubeconfig(kcmKubeconfig, server, pki.ca, [
      { name: 'system:kube-controller-manager', cert: pki.cert('controller-manager'), key: pki.key('controller-manager') },
    ], [{ name: 'system:kube-controller-manager@k8s-audit', user: 'system:kube-controller-manager' }]);

    // etcd, with TLS and client-certificate auth as kubeadm sets it up.
    const etcdArgs = [
      `--advertise-client-urls=https://127.0.0.1:${etcdClient}`,
      `--cert-file=${pki.cert('etcd/server')}`,
      '--client-cert-auth=true',
      `--data-dir=${join(stateDir, 'etcd')}`,
      `--initial-advertise-peer-urls=https://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=${nodeName}=https://127.0.0.1:${etcdPeer}`,
      `--key-file=${pki.key('etcd/server')}`,
      `--listen-client-urls=https://127.0.0.1:${etcdClient}`,
      `--listen-metrics-urls=http://127.0.0.1:${etcdMetrics}`,
      `--listen-peer-urls=https://127.0.0.1:${etcdPeer}`,
      `--name=${nodeName}`,
      `--peer-cert-file=${pki.cert('etcd/peer')}`,
      '--peer-client-cert-auth=true',
      `--peer-key-file=${pki.key('etcd/peer')}`,
      `--peer-trusted-ca-file=${pki.etcdCa}`,
      '--snapshot-count=10000',
      `--trusted-ca-file=${pki.etcdCa}`,
      // A test cluster is disposable: trade durability for speed.
      '--unsafe-no-fsync=true',
    ];
    const etcd = start('etcd', [binPath('etcd'), ...etcdArgs]);
    const deadline = Date.now() + timeoutMs;
    await waitFor('etcd', deadline, async () => {
      const res = await fetch(`http://127.0.0.1:${etcdMetrics}/health`, { signal: AbortSignal.timeout(2000) });
      return res.ok && ((await res.json()) as { health?: string }).health === 'true';
    }, etcd.log);

    // kube-apiserver: flags follow kubeadm's static pod manifest where they apply, hardened as the CIS
    // Kubernetes Benchmark (1.2.x) asks wherever the flag works without a kubelet (see README.md).
    const auditPolicy = join(stateDir, 'audit-policy.yaml');
    writeFileSync(auditPolicy, YAML.stringify(AUDIT_POLICY));
    const admissionConfig = join(stateDir, 'admission.yaml');
    writeFileSync(admissionConfig, YAML.stringify(ADMISSION_CONFIG));
    const encryptionConfig = join(stateDir, ENCRYPTION_FILE);
    writeEncryptionConfig(encryptionConfig);
    const apiArgs = mergeFlags([
      `--admission-control-config-file=${admissionConfig}`,
      '--advertise-address=127.0.0.1',
      '--allow-privileged=true',
      // Every client of the harness authenticates (readiness probes use the admin certificate).
      '--anonymous-auth=false',
      '--audit-log-maxage=30',
      '--audit-log-maxbackup=10',
      '--audit-log-maxsize=100',
      `--audit-log-path=${join(logsDir, 'audit.log')}`,
      `--audit-policy-file=${auditPolicy}`,
      '--authorization-mode=Node,RBAC',
      '--bind-address=127.0.0.1',
      `--client-ca-file=${pki.ca}`,
      // AlwaysPullImages (CIS 1.2.11, Manual) is left out: it would rewrite the imagePullPolicy of every Pod the tests create.
      '--enable-admission-plugins=NodeRestriction,EventRateLimit,DenyServiceExternalIPs',
      '--enable-bootstrap-token-auth=true',
      `--encryption-provider-config=${encryptionConfig}`,
      // The apiserver cannot publish a loopback address as the `kubernetes` Service endpoint.
      '--endpoint-reconciler-type=none',
      `--etcd-cafile=${pki.etcdCa}`,
      `--etcd-certfile=${pki.cert('apiserver-etcd-client')}`,
      `--etcd-keyfile=${pki.key('apiserver-etcd-client')}`,
      `--etcd-servers=https://127.0.0.1:${etcdClient}`,
      // Kubelets' serving certificates must be signed by the cluster CA (no kubelet here; a test's fake one is).
      `--kubelet-certificate-authority=${pki.ca}`,
      `--kubelet-client-certificate=${pki.cert('apiserver-kubelet-client')}`,
      `--kubelet-client-key=${pki.key('apiserver-kubelet-client')}`,
      '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
      '--profiling=false',
      `--proxy-client-cert-file=${pki.cert('front-proxy-client')}`,
      `--proxy-client-key-file=${pki.key('front-proxy-client')}`,
      '--requestheader-allowed-names=front-proxy-client',
      `--requestheader-client-ca-file=${pki.frontProxyCa}`,
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-username-headers=X-Remote-User',
      `--secure-port=${apiServer}`,
      '--service-account-extend-token-expiration=false',
      `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
      `--service-account-key-file=${pki.saPub}`,
      '--service-account-lookup=true',
      `--service-account-signing-key-file=${pki.saKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      `--tls-cert-file=${pki.cert('apiserver')}`,
      `--tls-cipher-suites=${TLS_CIPHER_SUITES.join(',')}`,
      `--tls-private-key-file=${pki.key('apiserver')}`,
    ], opts.apiServerArgs, opts.removeApiServerFlags);
    const apiserver = start('kube-apiserver', [binPath('kube-apiserver'), ...apiArgs]);
    const admin = KubeClient.fromKubeconfig(kubeconfigPath, 'admin');
    clients.push(admin);
    await waitFor('kube-apiserver /readyz', deadline, async () => (await admin.request('GET', '/readyz', { timeoutMs: 3000 })).status === 200, apiserver.log);
    log(`kube-apiserver ready on ${server}`);

    // kube-controller-manager
    const kcmArgs = mergeFlags([
      `--authentication-kubeconfig=${kcmKubeconfig}`,
      `--authorization-kubeconfig=${kcmKubeconfig}`,
      '--bind-address=127.0.0.1',
      `--client-ca-file=${pki.ca}`,
      `--cluster-name=k8s-audit`,
      `--cluster-signing-cert-file=${pki.ca}`,
      `--cluster-signing-key-file=${pki.caKey}`,
      `--controllers=${CONTROLLERS.join(',')}`,
      `--kubeconfig=${kcmKubeconfig}`,
      '--leader-elect=false',
      '--profiling=false',
      `--requestheader-client-ca-file=${pki.frontProxyCa}`,
      `--root-ca-file=${pki.ca}`,
      `--secure-port=${controllerManager}`,
      `--service-account-private-key-file=${pki.saKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      // CIS 1.3.1 wants it set; the pod garbage collector it tunes is not among CONTROLLERS (no node ever terminates a pod).
      '--terminated-pod-gc-threshold=100',
      '--use-service-account-credentials=true',
    ], opts.controllerManagerArgs, opts.removeControllerManagerFlags);
    const kcm = start('kube-controller-manager', [binPath('kube-controller-manager'), ...kcmArgs]);

    // While the controller manager starts: record both components as mirror pods.
    const mirrors = [
      mirrorPod('kube-apiserver', realArgv(apiserver), version, nodeName, pki.dir, {
        'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `127.0.0.1:${apiServer}`,
      }),
      mirrorPod('kube-controller-manager', realArgv(kcm), version, nodeName, pki.dir),
      mirrorPod('etcd', realArgv(etcd), `${etcdVersion()}-0`, // registry.k8s.io/etcd tags look like 3.6.4-0
         nodeName, pki.dir, {
        'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://127.0.0.1:${etcdClient}`,
      }),
    ];
    for (const pod of mirrors) {
      // kube-system is created by an API server post-start hook; retry briefly if it is not there yet.
      await waitFor(`mirror pod ${pod.metadata.name}`, deadline, async () => {
        const res = await admin.request('POST', '/api/v1/namespaces/kube-system/pods', { body: pod });
        if (res.status === 201 || res.status === 409) return true;
        if (res.status === 404) return false;
        throw new HarnessError(`creating mirror pod ${pod.metadata.name} failed: ${res.status} ${res.body?.message ?? res.text}`);
      }, apiserver.log, true);
    }

    // The controller manager works once the `default` ServiceAccount of `default` exists.
    await waitFor('kube-controller-manager (default ServiceAccount)', deadline, async () => {
      const res = await admin.request('GET', '/api/v1/namespaces/default/serviceaccounts/default', { timeoutMs: 3000 });
      return res.status === 200;
    }, kcm.log);
    log('kube-controller-manager running');

    state.ready = true;
    writeState(state);
    return state;
  } catch (e) {
    // Never leave a half-started cluster behind: stop everything started above.
    await stopCluster(state, 3000);
    rmSync(join(stateDir, STATE_FILE), { force: true });
    throw e;
  } finally {
    for (const c of clients) c.close();
  }
}

// ---------------------------------------------------------------------------
// down, status, token

export interface DownResult {
  stateDir: string;
  /** Names of the processes that were running and were stopped. */
  stopped: string[];
  /** Whether there was anything (state or directory) to remove. */
  found: boolean;
}

/**
 * Stop exactly the processes recorded in stateDir (SIGTERM, then SIGKILL after graceMs) and remove the directory;
 * with keepData, remove only the state file and keep the directory (etcd's data) for `up({ keepData: true })`.
 */
export async function down(stateDir: string = defaultStateDir(), opts: { graceMs?: number; keepData?: boolean } = {}): Promise<DownResult> {
  stateDir = resolve(stateDir);
  const state = readState(stateDir);
  const ownsDir = existsSync(join(stateDir, MARKER));
  const stopped = await stopCluster(state, opts.graceMs ?? 10_000);
  if (ownsDir && opts.keepData) rmSync(join(stateDir, STATE_FILE), { force: true });
  else if (ownsDir) rmSync(stateDir, { recursive: true, force: true });
  return { stateDir, stopped, found: Boolean(state) || ownsDir };
}

/**
 * Synchronous emergency stop for `process.on('exit')` handlers: SIGTERM, a short
 * busy wait, SIGKILL, remove the directory. Prefer `down` anywhere async works.
 */
export function downSync(stateDir: string, graceMs = 2000): void {
  stateDir = resolve(stateDir);
  const state = readState(stateDir);
  const ours = (state?.processes ?? []).filter((r) => r.pid !== process.pid && isOurs(r));
  for (const r of ours) signal(r.pid, 'SIGTERM');
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + graceMs;
  while (ours.some((r) => isAlive(r.pid)) && Date.now() < deadline) Atomics.wait(nap, 0, 0, 50);
  for (const r of ours) if (isAlive(r.pid)) signal(r.pid, 'SIGKILL');
  if (existsSync(join(stateDir, MARKER))) rmSync(stateDir, { recursive: true, force: true });
}

export async function status(stateDir: string = defaultStateDir()): Promise<ClusterStatus> {
  stateDir = resolve(stateDir);
  const state = readState(stateDir);
  if (!state) return { stateDir, running: false, present: false, ready: false, processes: [] };
  const processes = state.processes.map((p) => ({ name: p.name, pid: p.pid, alive: isOurs(p) }));
  const ready = processes.every((p) => p.alive) && (await isReady(state.kubeconfigPath));
  return {
    stateDir,
    running: state.ready && ready,
    present: true,
    ready,
    kubeconfigPath: state.kubeconfigPath,
    server: state.server,
    version: state.version,
    ports: state.ports,
    processes,
    startedAt: state.startedAt,
  };
}

/** The kubeconfig of the running cluster in stateDir; throws a HarnessError when none is running. */
export function kubeconfigPath(stateDir: string = defaultStateDir()): string {
  const state = readState(resolve(stateDir));
  if (!state?.ready) throw new HarnessError(`no cluster is running in ${resolve(stateDir)}; start one with \`npm run cluster -- up\``);
  return state.kubeconfigPath;
}

/** Request a token for a ServiceAccount (TokenRequest API) as the admin user. */
export async function serviceAccountToken(
  kubeconfig: string,
  namespace: string,
  serviceAccount: string,
  opts: { expirationSeconds?: number; audiences?: string[] } = {},
): Promise<string> {
  const client = KubeClient.fromKubeconfig(kubeconfig, 'admin');
  try {
    const body = await client.call('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(serviceAccount)}/token`, {
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: opts.expirationSeconds ?? 3600, ...(opts.audiences ? { audiences: opts.audiences } : {}) },
      },
    });
    return body.status.token as string;
  } finally {
    client.close();
  }
}
