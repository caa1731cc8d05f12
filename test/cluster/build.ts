// Builds the control-plane binaries (kube-apiserver, kube-controller-manager,
// an embedded etcd, the PKI helper and the client-go kubeconfig oracle) from test/cluster/go.mod into
// test/cluster/bin/. The build is skipped when a stamp — a hash of go.mod,
// go.sum, the Go sources, the ldflags and the Go version — matches the last
// successful build.

import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLUSTER_SRC_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)));
export const REPO_ROOT = resolve(CLUSTER_SRC_DIR, '..', '..');
export const BIN_DIR = join(CLUSTER_SRC_DIR, 'bin');
export const BUILD_LOG_DIR = join(CLUSTER_SRC_DIR, '.build');
const STAMP_FILE = join(BIN_DIR, '.stamp');

/** Binaries produced by the build, keyed by name (file names in BIN_DIR). */
export const BINARIES = ['kube-apiserver', 'kube-controller-manager', 'etcd', 'pki', 'kubeconfig'] as const;
export type BinaryName = (typeof BINARIES)[number];

const PACKAGES = ['k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kube-controller-manager', './etcd', './pki', './kubeconfig'];

/** An error whose message is meant for the user as is (the CLI prints it without a stack). */
export class HarnessError extends Error {
  /** Extra lines (e.g. a log tail) printed after the message. */
  detail?: string;
  constructor(message: string, detail?: string) {
    super(message);
    this.name = 'HarnessError';
    this.detail = detail;
  }
}

/** No usable Go toolchain (missing or older than go.mod's `go` line). */
export class GoMissingError extends HarnessError {}

export function binPath(name: BinaryName): string {
  return join(BIN_DIR, name);
}

/** The Kubernetes version the harness builds: k8s.io/kubernetes's version in go.mod (e.g. "v1.37.2"). */
export function kubernetesVersion(): string {
  const gomod = readFileSync(join(CLUSTER_SRC_DIR, 'go.mod'), 'utf8');
  const m = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+(v\d+\.\d+\.\d+\S*)/m.exec(gomod);
  if (!m?.[1]) throw new HarnessError(`cannot find the k8s.io/kubernetes version in ${join(CLUSTER_SRC_DIR, 'go.mod')}`);
  return m[1];
}

/** The etcd server version go.mod pins (e.g. "3.7.0"). */
export function etcdVersion(): string {
  const gomod = readFileSync(join(CLUSTER_SRC_DIR, 'go.mod'), 'utf8');
  const m = /^\s*(?:require\s+)?go\.etcd\.io\/etcd\/server\/v3\s+v(\d+\.\d+\.\d+\S*)/m.exec(gomod);
  if (!m?.[1]) throw new HarnessError(`cannot find the go.etcd.io/etcd/server/v3 version in ${join(CLUSTER_SRC_DIR, 'go.mod')}`);
  return m[1];
}

/** The `go` directive of go.mod, e.g. "1.26.0". */
function requiredGoVersion(): string {
  const gomod = readFileSync(join(CLUSTER_SRC_DIR, 'go.mod'), 'utf8');
  return /^go\s+(\d+(?:\.\d+){0,2})\s*$/m.exec(gomod)?.[1] ?? '0';
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Go's -X flags that make the binaries report the real release version (as `make` in kubernetes does). */
export function versionLdflags(version = kubernetesVersion()): string {
  const m = /^v(\d+)\.(\d+)\./.exec(version);
  if (!m) throw new HarnessError(`unexpected Kubernetes version "${version}" in go.mod`);
  const x = (k: string, v: string) => `-X ${k}=${v}`;
  return [
    '-s -w',
    x('k8s.io/component-base/version.gitVersion', version),
    x('k8s.io/component-base/version.gitMajor', m[1]!),
    x('k8s.io/component-base/version.gitMinor', m[2]!),
    x('k8s.io/component-base/version.gitTreeState', 'clean'),
    x('k8s.io/client-go/pkg/version.gitVersion', version),
    x('k8s.io/client-go/pkg/version.gitMajor', m[1]!),
    x('k8s.io/client-go/pkg/version.gitMinor', m[2]!),
    x('k8s.io/client-go/pkg/version.gitTreeState', 'clean'),
  ].join(' ');
}

export interface GoToolchain {
  go: string;
  version: string; // e.g. "go1.26.8"
}

/** Environment for every go invocation: local toolchain only, static binaries. */
function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: process.env.GOFLAGS ?? '' };
}

/**
 * Locate `go` and check it is new enough for go.mod: $K8S_AUDIT_GO if set (and
 * then only that), else the first new-enough one of PATH, $GOROOT/bin, /usr/local/go/bin.
 */
export function findGo(): GoToolchain {
  const need = requiredGoVersion();
  const candidates = process.env.K8S_AUDIT_GO
    ? [process.env.K8S_AUDIT_GO]
    : [
        ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'go')),
        ...(process.env.GOROOT ? [join(process.env.GOROOT, 'bin', 'go')] : []),
        '/usr/local/go/bin/go',
      ];
  let best: GoToolchain | undefined;
  for (const go of candidates) {
    if (!existsSync(go)) continue;
    let version: string;
    try {
      version = execFileSync(go, ['env', 'GOVERSION'], { env: goEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      continue;
    }
    const num = version.replace(/^go/, '').replace(/[^0-9.].*$/, '');
    if (compareVersions(num, need) >= 0) return { go, version };
    best ??= { go, version };
  }
  if (best) throw new GoMissingError(`Go ${need} or newer is needed to build the test control plane (found ${best.version} at ${best.go}); install it to /usr/local/go or put it on PATH`);
  const where = process.env.K8S_AUDIT_GO ? `at K8S_AUDIT_GO=${process.env.K8S_AUDIT_GO}` : "on PATH or in /usr/local/go/bin";
  throw new GoMissingError(`Go ${need} or newer is needed to build the test control plane, but no working 'go' was found ${where}`);
}

function listGoSources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'bin' || e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) listGoSources(p, out);
    else if (e.name.endsWith('.go')) out.push(p);
  }
  return out.sort();
}

function computeStamp(goVersion: string, ldflags: string): string {
  const h = createHash('sha256');
  h.update(`go=${goVersion}\nldflags=${ldflags}\npackages=${PACKAGES.join(',')}\n`);
  for (const f of [join(CLUSTER_SRC_DIR, 'go.mod'), join(CLUSTER_SRC_DIR, 'go.sum'), ...listGoSources(CLUSTER_SRC_DIR)]) {
    h.update(`${relative(CLUSTER_SRC_DIR, f)}\0`);
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

/** True when every binary exists and the stamp matches the current sources and toolchain. */
export function isBuildCurrent(go?: GoToolchain): boolean {
  try {
    const tc = go ?? findGo();
    if (!BINARIES.every((b) => existsSync(binPath(b)))) return false;
    return existsSync(STAMP_FILE) && readFileSync(STAMP_FILE, 'utf8').trim() === computeStamp(tc.version, versionLdflags());
  } catch {
    return false;
  }
}

export interface BuildOptions {
  /** Rebuild even when the stamp matches. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface BuildResult {
  built: boolean;
  binDir: string;
  version: string;
  seconds: number;
}

/** Build the binaries unless they are current. Throws HarnessError (with the compiler output's tail) on failure. */
export async function build(opts: BuildOptions = {}): Promise<BuildResult> {
  const log = opts.log ?? (() => {});
  const start = Date.now();
  const version = kubernetesVersion();
  const tc = findGo();
  const ldflags = versionLdflags(version);
  const stamp = computeStamp(tc.version, ldflags);
  const current =
    BINARIES.every((b) => existsSync(binPath(b))) && existsSync(STAMP_FILE) && readFileSync(STAMP_FILE, 'utf8').trim() === stamp;
  if (current && !opts.force) {
    return { built: false, binDir: BIN_DIR, version, seconds: (Date.now() - start) / 1000 };
  }

  mkdirSync(BIN_DIR, { recursive: true });
  mkdirSync(BUILD_LOG_DIR, { recursive: true });
  const logPath = join(BUILD_LOG_DIR, 'build.log');
  const args = ['build', '-trimpath', '-ldflags', ldflags, '-o', BIN_DIR + '/', ...PACKAGES];
  log(`building Kubernetes ${version} control plane with ${tc.version} into ${relative(REPO_ROOT, BIN_DIR)}/ (a cold build takes several minutes; log: ${relative(REPO_ROOT, logPath)})`);

  const out = createWriteStream(logPath);
  out.write(`$ cd ${CLUSTER_SRC_DIR} && GOTOOLCHAIN=local CGO_ENABLED=0 ${tc.go} ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}\n`);
  const tail: string[] = [];
  const code = await new Promise<number>((resolveP, rejectP) => {
    const child = spawn(tc.go, args, { cwd: CLUSTER_SRC_DIR, env: goEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer) => {
      out.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) tail.push(line);
      }
      if (tail.length > 200) tail.splice(0, tail.length - 100);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // A cold build is long and silent; show that it is alive.
    const ticker = setInterval(() => log(`  still building… ${Math.round((Date.now() - start) / 1000)} s`), 60_000);
    child.on('error', (err) => {
      clearInterval(ticker);
      rejectP(new HarnessError(`could not run ${tc.go}: ${err.message}`));
    });
    child.on('close', (c) => {
      clearInterval(ticker);
      resolveP(c ?? 1);
    });
  });
  await new Promise<void>((r) => out.end(r));
  const seconds = (Date.now() - start) / 1000;
  if (code !== 0) {
    throw new HarnessError(
      `go build failed after ${seconds.toFixed(0)} s (exit ${code}); full log: ${logPath}`,
      tail.slice(-30).join('\n'),
    );
  }
  writeFileSync(STAMP_FILE, stamp + '\n');
  log(`built ${BINARIES.join(', ')} in ${seconds.toFixed(1)} s`);
  return { built: true, binDir: BIN_DIR, version, seconds };
}
