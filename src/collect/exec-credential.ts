/**
 * Exec credential plugins (`users[].user.exec`: aws eks get-token,
 * gke-gcloud-auth-plugin, kubelogin, …) run as client-go runs them
 * (k8s.io/client-go/plugin/pkg/client/auth/exec), rather than as
 * @kubernetes/client-node runs them — which gives the plugin a stdin pipe that
 * is never closed (a plugin that asks for input waits forever), swallows its
 * stderr (a device-code login's "open this URL" never shows), and sets no
 * KUBERNETES_EXEC_INFO:
 *
 * - stdin is the terminal when there is one and interactiveMode is not
 *   `Never`, else nothing (a read gets end-of-file at once); `Always` without
 *   a terminal is refused;
 * - the plugin's stderr goes to ours as it is written;
 * - KUBERNETES_EXEC_INFO holds an ExecCredential whose spec says whether the
 *   plugin is interactive and, with `provideClusterInfo`, describes the cluster;
 *   it is set after the plugin's own env, so that it wins, as in client-go;
 * - the answer must be an ExecCredential of the version asked for, with a
 *   token or a client certificate and key.
 */
import { spawn } from 'node:child_process';

export interface ExecConfig {
  command?: unknown;
  args?: unknown;
  env?: unknown;
  apiVersion?: unknown;
  installHint?: unknown;
  interactiveMode?: unknown;
  provideClusterInfo?: unknown;
}

export interface ExecCredentialStatus {
  token?: string;
  /** When the credential expires (ms since the epoch): the plugin's `expirationTimestamp`, when it gave a valid one. */
  expiresAt?: number;
  /** PEM, as the plugin printed it. */
  clientCertificateData?: string;
  clientKeyData?: string;
}

const VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

/** An error whose message is one line for the user. */
export class ExecPluginError extends Error {}

export interface ExecOptions {
  /** The cluster for spec.cluster, when the plugin asks for it (client-go's Cluster, JSON field names). */
  cluster?: Record<string, unknown>;
  /** Whether our stdin is a terminal (default: process.stdin.isTTY). */
  stdinIsTTY?: boolean;
  /** Where the plugin's stderr goes (default: process.stderr). */
  stderr?: { write(chunk: string | Uint8Array): unknown };
}

export async function runExecPlugin(exec: ExecConfig, opts: ExecOptions = {}): Promise<ExecCredentialStatus> {
  const command = exec.command;
  if (typeof command !== 'string' || command === '') throw new ExecPluginError('exec plugin: command must be specified');
  const apiVersion = exec.apiVersion;
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new ExecPluginError(`exec plugin ${command}: apiVersion must be specified`);
  if (!VERSIONS.includes(apiVersion)) throw new ExecPluginError(`exec plugin ${command}: unsupported apiVersion "${apiVersion}" (use ${VERSIONS.join(' or ')})`);
  // client-go: v1 must say its interactiveMode; v1beta1 defaults to IfAvailable.
  const mode = exec.interactiveMode ?? (apiVersion.endsWith('/v1beta1') ? 'IfAvailable' : undefined);
  if (mode !== 'Never' && mode !== 'IfAvailable' && mode !== 'Always') {
    throw new ExecPluginError(mode === undefined ? `exec plugin ${command}: interactiveMode must be specified` : `exec plugin ${command}: invalid interactiveMode "${String(mode)}"`);
  }
  const tty = opts.stdinIsTTY ?? process.stdin.isTTY === true;
  if (mode === 'Always' && !tty) throw new ExecPluginError(`exec plugin ${command} needs a terminal (interactiveMode: Always) and standard input is not one`);
  const interactive = mode !== 'Never' && tty;

  const spec: Record<string, unknown> = { interactive };
  if (exec.provideClusterInfo === true && opts.cluster) spec.cluster = opts.cluster;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const e of Array.isArray(exec.env) ? exec.env : []) {
    if (e && typeof e === 'object' && typeof e.name === 'string') env[e.name] = typeof e.value === 'string' ? e.value : String(e.value ?? '');
  }
  env.KUBERNETES_EXEC_INFO = JSON.stringify({ kind: 'ExecCredential', apiVersion, spec });
  const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
  const stderr = opts.stderr ?? process.stderr;

  const { code, stdout, lastError, spawnError } = await new Promise<{ code: number | null; stdout: string; lastError: string; spawnError?: NodeJS.ErrnoException }>((done) => {
    let out = '';
    let errTail = '';
    let spawnError: NodeJS.ErrnoException | undefined;
    const child = spawn(command, args, { env, stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'] });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.on('data', (d: Buffer) => {
      stderr.write(d);
      errTail = (errTail + d.toString('utf8')).slice(-4096);
    });
    child.on('error', (err) => (spawnError = err));
    child.on('close', (c) => done({ code: c, stdout: out, lastError: errTail.trim().split('\n').pop() ?? '', ...(spawnError ? { spawnError } : {}) }));
  });
  if (spawnError) {
    const hint = typeof exec.installHint === 'string' && exec.installHint.trim() ? ` (${exec.installHint.trim().split('\n')[0]})` : '';
    if (spawnError.code === 'ENOENT') throw new ExecPluginError(`exec plugin ${command} not found${hint}`);
    throw new ExecPluginError(`exec plugin ${command} could not run: ${spawnError.code ?? spawnError.message}`);
  }
  if (code !== 0) throw new ExecPluginError(`exec plugin ${command} failed with exit code ${code}${lastError ? `: ${lastError}` : ''}`);
  let cred: any;
  try {
    cred = JSON.parse(stdout);
  } catch {
    throw new ExecPluginError(`exec plugin ${command} did not print an ExecCredential (not JSON)`);
  }
  if (cred?.kind !== 'ExecCredential') throw new ExecPluginError(`exec plugin ${command} did not print an ExecCredential (kind "${String(cred?.kind)}")`);
  if (cred.apiVersion !== apiVersion) throw new ExecPluginError(`exec plugin ${command} answered in ${String(cred.apiVersion)}, not the ${apiVersion} it was configured with`);
  const status = cred.status ?? {};
  const token = typeof status.token === 'string' && status.token !== '' ? status.token : undefined;
  const cert = typeof status.clientCertificateData === 'string' && status.clientCertificateData !== '' ? status.clientCertificateData : undefined;
  const key = typeof status.clientKeyData === 'string' && status.clientKeyData !== '' ? status.clientKeyData : undefined;
  if (!cert !== !key) throw new ExecPluginError(`exec plugin ${command} gave a client ${cert ? 'certificate without its key' : 'key without its certificate'}`);
  if (!token && !cert) throw new ExecPluginError(`exec plugin ${command} gave neither a token nor a client certificate`);
  const expiresAt = typeof status.expirationTimestamp === 'string' ? Date.parse(status.expirationTimestamp) : NaN;
  return { ...(token ? { token } : {}), ...(cert ? { clientCertificateData: cert, clientKeyData: key } : {}), ...(Number.isFinite(expiresAt) ? { expiresAt } : {}) };
}
