import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type https from 'node:https';
import { ConfigError } from '../errors.ts';
import { credentialFactsFromKubeconfig, kubeconfigEntries, type CredentialFacts } from './extras.ts';
import { StaticKubeConfig, Unsupported } from './kubeconfig-static.ts';
import { PROXY_SCHEMES, environmentProxy } from './proxy.ts';

export interface Target {
  /** Where the configuration came from: a kubeconfig path or `in-cluster`. */
  origin: string;
  context?: string;
  cluster?: string;
  user?: string;
  server: string;
  tls: https.RequestOptions;
  /** What the kubeconfig entry in use holds (booleans only, never the secrets): for the kubeconfig controls. */
  credentials?: CredentialFacts;
  /** The proxy requests go through: the cluster's `proxy-url`, else HTTPS_PROXY unless NO_PROXY names the server (proxy.ts). */
  proxy?: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** What resolveTarget needs of a kubeconfig: @kubernetes/client-node's KubeConfig, or StaticKubeConfig. */
interface KubeConfigLike {
  getContexts(): readonly { name: string }[];
  getContextObject(name: string): { user?: string } | null;
  setCurrentContext(name: string): void;
  getCurrentContext(): string;
  getCurrentCluster(): { name: string; server: string } | null;
  getCurrentUser(): { name: string } | null;
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

/** Where the configuration comes from, found before either implementation reads it. */
type Source = { kind: 'file'; file: string; text: string } | { kind: 'in-cluster' };

/** Test hooks of resolveTargetVia. */
export interface ResolveInternals {
  /** `client-node`: skip the fast path. Default `auto`: the fast path, else client-node. */
  via?: 'auto' | 'client-node';
  /** Prefix of the in-cluster service-account directory (client-node's loadFromCluster pathPrefix). */
  serviceAccountRoot?: string;
}

/**
 * Resolve the cluster to scan: `--kubeconfig`, else $KUBECONFIG (first
 * existing file of the list), else ~/.kube/config, else the in-cluster
 * service account when running in a pod. Every failure is a ConfigError with
 * one line naming the file or context at fault.
 *
 * Static kubeconfigs and the in-cluster service account are resolved without
 * loading @kubernetes/client-node (see kubeconfig-static.ts); it is imported
 * only for what the fast path leaves to it (exec and auth-provider plugins,
 * proxy-url, anything unusual), with the same result and the same errors.
 */
export async function resolveTarget(opts: { kubeconfig?: string; context?: string }): Promise<Target> {
  return (await resolveTargetVia(opts)).target;
}

/** resolveTarget, telling which implementation resolved it. Exported for tests. */
export async function resolveTargetVia(
  opts: { kubeconfig?: string; context?: string },
  internals: ResolveInternals = {},
): Promise<{ target: Target; via: 'static' | 'client-node' }> {
  const saRoot = internals.serviceAccountRoot ?? '';
  const source = findSource(opts, saRoot);
  if (internals.via !== 'client-node') {
    try {
      const kc = source.kind === 'file' ? StaticKubeConfig.fromString(source.text, join(source.file, '..')) : StaticKubeConfig.fromCluster(saRoot);
      return { target: await targetOf(kc, source, opts), via: 'static' };
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
    }
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  if (source.kind === 'file') {
    try {
      kc.loadFromString(source.text);
      kc.makePathsAbsolute(join(source.file, '..'));
    } catch (err) {
      throw new ConfigError(`invalid kubeconfig ${source.file}: ${firstLine((err as Error).message)}`);
    }
  } else {
    kc.loadFromCluster(saRoot);
  }
  return { target: await targetOf(kc, source, opts), via: 'client-node' };
}

function findSource(opts: { kubeconfig?: string; context?: string }, saRoot: string): Source {
  const explicit = opts.kubeconfig;
  const candidates = explicit ? [explicit] : (process.env.KUBECONFIG?.split(delimiter).filter(Boolean) ?? [join(homedir(), '.kube', 'config')]);
  const file = candidates.find((f) => existsSync(f));
  if (explicit && !file) throw new ConfigError(`kubeconfig not found: ${explicit}`);
  if (file) {
    try {
      return { kind: 'file', file, text: readFileSync(file, 'utf8') };
    } catch (err) {
      throw new ConfigError(`cannot read kubeconfig ${file}: ${(err as Error).message}`);
    }
  }
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(join(saRoot + SA_DIR, 'token'))) {
    if (opts.context) throw new ConfigError(`--context ${opts.context} given, but there is no kubeconfig (running in-cluster)`);
    return { kind: 'in-cluster' };
  }
  throw new ConfigError(`no kubeconfig found (looked at ${candidates.join(', ')}) and not running in a cluster; pass --kubeconfig or set KUBECONFIG`);
}

/** The part both implementations share: context selection, checks, credentials. Unsupported passes through. */
async function targetOf(kc: KubeConfigLike, source: Source, opts: { context?: string }): Promise<Target> {
  const origin = source.kind === 'file' ? source.file : 'in-cluster';
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const names = kc.getContexts().map((c) => c.name);
      throw new ConfigError(
        `context "${opts.context}" not found in ${origin}${names.length ? ` (available: ${names.join(', ')})` : ' (it defines no contexts)'}`,
      );
    }
    kc.setCurrentContext(opts.context);
  } else if (origin !== 'in-cluster' && !kc.getCurrentContext()) {
    throw new ConfigError(`kubeconfig ${origin} has no current-context; pass --context`);
  }

  const contextName = kc.getCurrentContext();
  const ctx = contextName ? kc.getContextObject(contextName) : null;
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ConfigError(`context "${contextName}" in ${origin} names a cluster that is not defined`);
  if (!cluster.server) throw new ConfigError(`cluster "${cluster.name}" in ${origin} has no server address`);
  try {
    new URL(cluster.server);
  } catch {
    throw new ConfigError(`cluster "${cluster.name}" in ${origin} has an invalid server address: ${cluster.server}`);
  }
  const user = kc.getCurrentUser();
  const tls: https.RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(tls);
  } catch (err) {
    if (err instanceof Unsupported) throw err;
    throw new ConfigError(`cannot use credentials of context "${contextName}": ${firstLine((err as Error).message)}`);
  }
  if (source.kind === 'file') applyTokenFile(tls, source, contextName, origin);
  const target: Target = { origin, server: cluster.server, tls };
  const proxy = proxyOf(source, contextName, cluster, origin);
  if (proxy) target.proxy = proxy;
  if (contextName) target.context = contextName;
  if (cluster.name) target.cluster = cluster.name;
  if (user?.name ?? ctx?.user) target.user = user?.name ?? ctx?.user;
  const credentials =
    origin === 'in-cluster'
      ? { insecureSkipTlsVerify: false, embeddedToken: false, embeddedPassword: false, tokenFile: true, embeddedClientKey: false }
      : source.kind === 'file'
        ? credentialFactsFromKubeconfig(source.text, contextName || undefined)
        : undefined;
  if (credentials) target.credentials = credentials;
  return target;
}

/**
 * A user's `tokenFile` (the field kubectl writes, e.g. for a projected token): a
 * bearer token read from that file, relative to the kubeconfig's directory, as
 * client-go does — when the user has no `token` and nothing else (a plugin) set
 * the Authorization header. @kubernetes/client-node reads only `token-file`, so
 * without this such a kubeconfig would reach the server with no credentials.
 */
function applyTokenFile(tls: https.RequestOptions, source: { file: string; text: string }, contextName: string, origin: string): void {
  const user = kubeconfigEntries(source.text, contextName || undefined)?.user;
  const tokenFile: unknown = user?.tokenFile;
  if (typeof tokenFile !== 'string' || tokenFile === '') return;
  if (typeof user.token === 'string' && user.token !== '') return; // client-go: token wins over tokenFile
  const headers = (tls.headers ?? {}) as Record<string, string>;
  if (headers.Authorization || headers.authorization) return;
  const path = resolve(dirname(source.file), tokenFile);
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`cannot use credentials of context "${contextName}" in ${origin}: cannot read tokenFile ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (token === '') throw new ConfigError(`cannot use credentials of context "${contextName}" in ${origin}: tokenFile ${path} is empty`);
  tls.headers = { ...headers, Authorization: `Bearer ${token}` };
}

/**
 * The proxy to reach the cluster through, as kubectl picks it: the cluster's
 * `proxy-url`, else the environment (HTTPS_PROXY/NO_PROXY; never for a loopback
 * server). What cannot be honoured is an error, never a silent direct connection.
 */
function proxyOf(source: Source, contextName: string, cluster: { name: string; server: string }, origin: string): string | undefined {
  const raw: unknown = source.kind === 'file' ? kubeconfigEntries(source.text, contextName || undefined)?.cluster?.['proxy-url'] : undefined;
  const server = new URL(cluster.server);
  if (raw === undefined || raw === null || raw === '') return environmentProxy(server);
  const where = `cluster "${cluster.name}" in ${origin}`;
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new ConfigError(`${where} has an invalid proxy-url: ${String(raw)}`);
  }
  if (!PROXY_SCHEMES.includes(url.protocol)) {
    throw new ConfigError(`${where}: proxy-url ${url.protocol}// is not supported (use an http:// or https:// proxy)`);
  }
  if (server.protocol !== 'https:') throw new ConfigError(`${where}: proxy-url is only supported for https:// servers`);
  return url.href;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
