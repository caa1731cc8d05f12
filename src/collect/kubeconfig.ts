import { existsSync, readFileSync, statSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type https from 'node:https';
import { ConfigError } from '../errors.ts';
import { credentialFactsOf, kubeconfigEntries, type CredentialFacts } from './extras.ts';
import { mergeKubeconfigs } from './kubeconfig-merge.ts';
import { ExecPluginError, runExecPlugin } from './exec-credential.ts';
import type { TokenSource } from './http.ts';
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
  /** With several $KUBECONFIG files: the file the cluster entry in use came from (edit it to change the cluster). */
  clusterOrigin?: string;
  /** With several $KUBECONFIG files: the file the user entry in use came from. */
  userOrigin?: string;
  /** The proxy requests go through: the cluster's `proxy-url`, else HTTPS_PROXY unless NO_PROXY names the server (proxy.ts). */
  proxy?: string;
  /** Do not ask for compressed responses: the cluster's `disable-compression: true`, or `--disable-compression`. */
  disableCompression?: boolean;
  /** The exec plugin that gave the bearer token, to ask again once it expires or is refused (http.ts). */
  tokenSource?: TokenSource;
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

/**
 * Where the configuration comes from, found before either implementation reads it: `file`
 * names it (several files joined by the path-list delimiter when $KUBECONFIG lists more than
 * one: `text` is then their merge, its relative paths already resolved); `dir` is what
 * relative paths in `text` are relative to.
 */
type FileSource = { kind: 'file'; file: string; text: string; dir: string; entryFiles?: { clusters: Record<string, string>; users: Record<string, string> } };
type Source = FileSource | { kind: 'in-cluster' };

/** Test hooks of resolveTargetVia. */
export interface ResolveInternals {
  /** `client-node`: skip the fast path. Default `auto`: the fast path, else client-node. */
  via?: 'auto' | 'client-node';
  /** Prefix of the in-cluster service-account directory (client-node's loadFromCluster pathPrefix). */
  serviceAccountRoot?: string;
}

/**
 * Resolve the cluster to scan: `--kubeconfig`, else $KUBECONFIG (every
 * existing file of the list, merged as kubectl merges them), else
 * ~/.kube/config, else the in-cluster service account when running in a pod.
 * Every failure is a ConfigError with one line naming the file or context at
 * fault. What is resolved is what client-go (kubectl) would use:
 * test/integration/kubeconfig-client-go.test.ts compares the two.
 *
 * Static kubeconfigs and the in-cluster service account are resolved without
 * loading @kubernetes/client-node (see kubeconfig-static.ts); it is imported
 * only for what the fast path leaves to it (exec and auth-provider plugins,
 * proxy-url, anything unusual), with the same result and the same errors.
 * Where client-node differs from client-go, the difference is mended here for
 * both paths (cluster TLS without a user, token files, impersonation, exec
 * plugins, refusals kubectl makes).
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
  if (source.kind === 'in-cluster') return { target: inClusterTarget(saRoot), via: 'static' };
  if (internals.via !== 'client-node') {
    try {
      const kc = StaticKubeConfig.fromString(source.text, source.dir);
      return { target: await targetOf(kc, source, opts), via: 'static' };
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
    }
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    kc.loadFromString(source.text);
    kc.makePathsAbsolute(source.dir);
    // Exec plugins are run by targetOf (applyExec), as client-go runs them, not by client-node.
    for (const u of kc.users) delete (u as { exec?: unknown }).exec;
  } catch (err) {
    throw new ConfigError(`invalid kubeconfig ${source.file}: ${firstLine((err as Error).message)}`);
  }
  return { target: await targetOf(kc, source, opts), via: 'client-node' };
}

/**
 * The pod's service account, as client-go uses it (rest.InClusterConfig, then its
 * token-file round tripper): always https to KUBERNETES_SERVICE_HOST and _PORT (an
 * IPv6 host bracketed), the token file's content trimmed (an empty one refused),
 * ca.crt as the CA when it holds a certificate — else the system's CAs, as client-go
 * falls back to them. (client-node differs on the first three: http for ports 80,
 * 8080 and 8001, the token untrimmed, no ca.crt an error.) Compared with client-go in
 * test/integration/kubeconfig-client-go.test.ts.
 */
function inClusterTarget(saRoot: string): Target {
  const host = process.env.KUBERNETES_SERVICE_HOST ?? '';
  const port = process.env.KUBERNETES_SERVICE_PORT ?? '';
  const tokenPath = join(saRoot + SA_DIR, 'token');
  let token: string;
  try {
    token = readFileSync(tokenPath, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`cannot read the service account token ${tokenPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!token) throw new ConfigError(`the service account token ${tokenPath} is empty`);
  const tls: https.RequestOptions = { headers: { Authorization: `Bearer ${token}` } };
  try {
    const ca = readFileSync(join(saRoot + SA_DIR, 'ca.crt'));
    new X509Certificate(ca); // throws unless it holds a certificate
    tls.ca = ca;
  } catch {
    // As client-go: the system's CAs.
  }
  return {
    origin: 'in-cluster',
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    tls,
    context: 'inClusterContext',
    cluster: 'inCluster',
    user: 'inClusterUser',
    credentials: { insecureSkipTlsVerify: false, embeddedToken: false, embeddedPassword: false, tokenFile: true, embeddedClientKey: false },
  };
}

/**
 * The exec credential plugin of the user in use, run as client-go runs it
 * (exec-credential.ts): its token as the bearer token, or its client
 * certificate and key. A command given by a path (it holds a `/`) is relative
 * to the kubeconfig's directory, as in client-go. Not run when the user also
 * has a token, token file or username/password: client-go's bearer or
 * basic-auth header is set before the plugin's and wins, so the plugin is
 * never asked.
 */
async function applyExec(
  tls: https.RequestOptions,
  entries: { cluster: Record<string, any>; user: Record<string, any> },
  dir: string,
  contextName: string,
  origin: string,
): Promise<TokenSource | undefined> {
  const exec = entries.user.exec;
  if (!exec || typeof exec !== 'object') return undefined;
  const set = (v: unknown) => typeof v === 'string' && v !== '';
  if (set(entries.user.token) || set(entries.user.tokenFile) || set(entries.user.username) || set(entries.user.password)) return undefined;
  const command: unknown = exec.command;
  const resolved = typeof command === 'string' && command.includes('/') && !isAbsolute(command) ? { ...exec, command: resolve(dir, command) } : exec;
  const run = () => runExecPlugin(resolved, exec.provideClusterInfo === true ? { cluster: execCluster(entries.cluster, dir) } : {});
  let status;
  try {
    status = await run();
  } catch (err) {
    if (err instanceof ExecPluginError) throw new ConfigError(`cannot use credentials of context "${contextName}" in ${origin}: ${err.message}`);
    throw err;
  }
  if (status.token) tls.headers = { ...((tls.headers ?? {}) as Record<string, string>), Authorization: `Bearer ${status.token}` };
  if (status.clientCertificateData && status.clientKeyData) {
    tls.cert = Buffer.from(status.clientCertificateData);
    tls.key = Buffer.from(status.clientKeyData);
  }
  if (!status.token) return undefined; // a client certificate is the connection's: not renewed mid-scan
  // As client-go: the plugin is run again once its token has expired, or has been refused (a 401).
  const source: TokenSource = {
    async refresh() {
      const next = await run();
      if (!next.token) throw new ExecPluginError(`exec plugin ${String(exec.command)} gave no token`);
      return next.expiresAt !== undefined ? { token: next.token, expiresAt: next.expiresAt } : { token: next.token };
    },
  };
  if (status.expiresAt !== undefined) source.expiresAt = status.expiresAt;
  return source;
}

/** spec.cluster of KUBERNETES_EXEC_INFO, as client-go's rest.ConfigToExecCluster fills it from the kubeconfig's cluster. */
function execCluster(raw: Record<string, any>, dir: string): Record<string, unknown> {
  const cluster: Record<string, unknown> = { server: raw.server };
  if (typeof raw['tls-server-name'] === 'string' && raw['tls-server-name']) cluster['tls-server-name'] = raw['tls-server-name'];
  if (raw['insecure-skip-tls-verify'] === true) cluster['insecure-skip-tls-verify'] = true;
  let ca: Buffer | undefined;
  if (typeof raw['certificate-authority-data'] === 'string' && raw['certificate-authority-data']) ca = Buffer.from(raw['certificate-authority-data'], 'base64');
  else if (typeof raw['certificate-authority'] === 'string' && raw['certificate-authority']) {
    try {
      ca = readFileSync(resolve(dir, raw['certificate-authority']));
    } catch {
      /* reported when the CA itself is loaded */
    }
  }
  if (ca?.length) cluster['certificate-authority-data'] = ca.toString('base64');
  if (typeof raw['proxy-url'] === 'string' && raw['proxy-url']) cluster['proxy-url'] = raw['proxy-url'];
  if (raw['disable-compression'] === true) cluster['disable-compression'] = true;
  const extension = (Array.isArray(raw.extensions) ? raw.extensions : []).find((e: any) => e?.name === 'client.authentication.k8s.io/exec')?.extension;
  cluster.config = extension ?? null; // client-go writes `"config": null` when the cluster has no such extension
  return cluster;
}

function findSource(opts: { kubeconfig?: string; context?: string }, saRoot: string): Source {
  const explicit = opts.kubeconfig;
  // An empty $KUBECONFIG (or one of separators only) counts as unset, as in client-go: ~/.kube/config then.
  const fromEnv = process.env.KUBECONFIG?.split(delimiter).filter(Boolean) ?? [];
  const candidates = explicit ? [explicit] : fromEnv.length > 0 ? fromEnv : [join(homedir(), '.kube', 'config')];
  // Every existing file of $KUBECONFIG counts, merged as kubectl merges them (kubeconfig-merge.ts); --kubeconfig is one file.
  const files = [...new Set(candidates)].filter((f) => existsSync(f));
  if (explicit && files.length === 0) throw new ConfigError(`kubeconfig not found: ${explicit}`);
  if (files.length > 0) {
    const read = files.map((file) => {
      try {
        return { path: file, text: readFileSync(file, 'utf8') };
      } catch (err) {
        throw new ConfigError(`cannot read kubeconfig ${file}: ${(err as Error).message}`);
      }
    });
    if (read.length === 1) return { kind: 'file', file: read[0]!.path, text: read[0]!.text, dir: dirname(resolve(read[0]!.path)) };
    const merged = mergeKubeconfigs(read);
    return { kind: 'file', file: files.join(delimiter), text: merged.text, dir: dirname(resolve(files[0]!)), entryFiles: { clusters: merged.clusterFiles, users: merged.userFiles } };
  }
  // client-go's inClusterClientConfig.Possible(): both variables set and the token file there.
  if (process.env.KUBERNETES_SERVICE_HOST && process.env.KUBERNETES_SERVICE_PORT && isFile(join(saRoot + SA_DIR, 'token'))) {
    if (opts.context) throw new ConfigError(`--context ${opts.context} given, but there is no kubeconfig (running in-cluster)`);
    return { kind: 'in-cluster' };
  }
  throw new ConfigError(`no kubeconfig found (looked at ${candidates.join(', ')}) and not running in a cluster; pass --kubeconfig or set KUBECONFIG`);
}

function isFile(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The part both implementations share: context selection, checks, credentials. Unsupported passes through. */
async function targetOf(kc: KubeConfigLike, source: FileSource, opts: { context?: string }): Promise<Target> {
  const origin = source.file;
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const names = kc.getContexts().map((c) => c.name);
      throw new ConfigError(
        `context "${opts.context}" not found in ${origin}${names.length ? ` (available: ${names.join(', ')})` : ' (it defines no contexts)'}`,
      );
    }
    kc.setCurrentContext(opts.context);
  } else if (!kc.getCurrentContext()) {
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
  // What client-node does not apply as client-go does, read from the entries in use (read once).
  const entries = kubeconfigEntries(source.text, contextName || undefined);
  const authProvider: unknown = entries?.user?.['auth-provider']?.name;
  if (entries) refuseAmbiguousTls(entries.cluster, cluster.name, entries.user, user?.name ?? ctx?.user, origin);
  const tls: https.RequestOptions = {};
  const clusterName = cluster.name;
  let tokenSource: TokenSource | undefined;
  async function applyCredentials(): Promise<void> {
    try {
      await kc.applyToHTTPSOptions(tls);
    } catch (err) {
      if (err instanceof Unsupported) throw err;
      const what = typeof authProvider === 'string' ? `the ${authProvider} auth-provider could not get a token: ` : '';
      throw new ConfigError(`cannot use credentials of context "${contextName}": ${what}${firstLine((err as Error).message)}`);
    }
    if (typeof authProvider === 'string' && !(tls.headers as Record<string, unknown> | undefined)?.Authorization) {
      // client-node then sends nothing and the scan would run as anonymous; kubectl refuses ("No valid id-token, and
      // cannot refresh without refresh-token").
      throw new ConfigError(`cannot use credentials of context "${contextName}": the ${authProvider} auth-provider gave no token (an expired id-token and no refresh-token?); log in again`);
    }
    if (entries) {
      const userName = user?.name ?? ctx?.user;
      if (!user) applyClusterTls(tls, entries.cluster, source.dir, contextName, origin);
      if (user) tokenSource = await applyExec(tls, entries, source.dir, contextName, origin);
      applyTokenFile(tls, entries.user, source.dir, contextName, origin);
      refuseTwoMethods(entries.user, userName, origin);
      applyImpersonation(tls, entries.user, userName, origin);
    }
    // A key with no certificate is no client certificate: client-go sends none (HasCertAuth needs both).
    if (tls.key && !tls.cert) delete tls.key;
    if (tls.ca && tls.rejectUnauthorized === false) {
      // kubectl refuses this too (client-go: "specifying a root certificates file with the insecure flag is not allowed").
      throw new ConfigError(`cluster "${clusterName}" in ${origin} sets both a certificate authority and insecure-skip-tls-verify; remove one`);
    }
  }
  // Over plain HTTP (`kubectl proxy`, a local port-forward) client-go reads no user credentials at all
  // (clientcmd: "only try to read the auth information if we are secure"): no token, certificate, exec plugin or
  // impersonation is sent in clear text, and none is needed.
  const plainHttp = new URL(cluster.server).protocol === 'http:';
  if (!plainHttp) await applyCredentials();
  const target: Target = { origin, server: cluster.server, tls };
  const proxy = proxyOf(entries?.cluster?.['proxy-url'], cluster, origin);
  if (proxy) target.proxy = proxy;
  if (entries?.cluster?.['disable-compression'] === true) target.disableCompression = true;
  if (contextName) target.context = contextName;
  if (cluster.name) target.cluster = cluster.name;
  if (user?.name ?? ctx?.user) target.user = user?.name ?? ctx?.user;
  if (source.entryFiles) {
    const clusterFile = cluster.name ? source.entryFiles.clusters[cluster.name] : undefined;
    const userFile = target.user ? source.entryFiles.users[target.user] : undefined;
    if (clusterFile) target.clusterOrigin = clusterFile;
    if (userFile) target.userOrigin = userFile;
  }
  if (entries) target.credentials = credentialFactsOf(entries);
  if (tokenSource) target.tokenSource = tokenSource;
  return target;
}

/**
 * The cluster's TLS settings (CA, insecure-skip-tls-verify, tls-server-name) for a
 * context with no user, or naming one that is not defined: client-go applies them
 * all the same, while @kubernetes/client-node (and so the fast path, which mirrors
 * it) applies them only along with a user's credentials — without this, such a
 * context would verify the server against the system's CAs instead of its own.
 */
function applyClusterTls(tls: https.RequestOptions, cluster: Record<string, any>, dir: string, contextName: string, origin: string): void {
  if (cluster['insecure-skip-tls-verify'] === true) tls.rejectUnauthorized = false;
  const sni: unknown = cluster['tls-server-name'];
  if (typeof sni === 'string' && sni !== '') tls.servername = sni;
  const caFile: unknown = cluster['certificate-authority'];
  const caData: unknown = cluster['certificate-authority-data'];
  if (typeof caFile === 'string' && caFile !== '') {
    const path = resolve(dir, caFile);
    try {
      tls.ca = readFileSync(path);
    } catch (err) {
      throw new ConfigError(`cannot use context "${contextName}" in ${origin}: cannot read certificate-authority ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else if (typeof caData === 'string' && caData !== '') {
    tls.ca = Buffer.from(caData, 'base64');
  }
}

/**
 * What kubectl refuses as an invalid configuration (client-go's clientcmd validation of the
 * cluster and user in use) rather than picking one silently: a certificate authority, client
 * certificate or client key given both as a file and as data, and a client certificate
 * without a key. Unset and empty are the same here, as they are to client-go.
 */
function refuseAmbiguousTls(cluster: Record<string, any> | undefined, clusterName: string | undefined, user: Record<string, any> | undefined, userName: string | undefined, origin: string): void {
  const set = (v: unknown) => typeof v === 'string' && v !== '';
  const both = (entry: Record<string, any> | undefined, file: string) => !!entry && set(entry[file]) && set(entry[`${file}-data`]);
  if (both(cluster, 'certificate-authority')) {
    throw new ConfigError(`cluster "${clusterName ?? ''}" in ${origin} sets both certificate-authority and certificate-authority-data; keep one`);
  }
  if (!user || !(set(user['client-certificate']) || set(user['client-certificate-data']))) return;
  for (const field of ['client-certificate', 'client-key']) {
    if (both(user, field)) throw new ConfigError(`user "${userName ?? ''}" in ${origin} sets both ${field} and ${field}-data; keep one`);
  }
  if (!set(user['client-key']) && !set(user['client-key-data'])) {
    throw new ConfigError(`user "${userName ?? ''}" in ${origin} has a client certificate but no client-key or client-key-data`);
  }
}

/** A token and a username/password in one user: kubectl refuses it ("more than one authentication method"), so does k8s-audit. */
function refuseTwoMethods(user: Record<string, any>, userName: string | undefined, origin: string): void {
  const set = (v: unknown) => typeof v === 'string' && v !== '';
  if (set(user.token) && (set(user.username) || set(user.password))) {
    throw new ConfigError(`user "${userName ?? ''}" in ${origin} has both a token and a username/password; keep one`);
  }
}

/**
 * A user's impersonation (`as`, `as-uid`, `as-groups`, `as-user-extra`), as
 * client-go's impersonating round tripper sends it: nothing unless `as` names a
 * user; one Impersonate-Group header per group and one Impersonate-Extra-<key>
 * per value, the key %-encoded where it is not an HTTP token. @kubernetes/client-node
 * sends only Impersonate-User: without the rest, a scan meant to run as a user
 * and its groups would run with other permissions than the ones asked for.
 */
function applyImpersonation(tls: https.RequestOptions, user: Record<string, any>, userName: string | undefined, origin: string): void {
  const as: unknown = user.as;
  if (typeof as !== 'string' || as === '') {
    const nonEmpty = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v && typeof v === 'object' ? Object.keys(v).length > 0 : typeof v === 'string' && v !== '');
    if (nonEmpty(user['as-uid']) || nonEmpty(user['as-groups']) || nonEmpty(user['as-user-extra'])) {
      // client-go refuses it (validation.go) rather than impersonate nobody.
      throw new ConfigError(`user "${userName ?? ''}" in ${origin} sets as-uid, as-groups or as-user-extra without as (the user to impersonate)`);
    }
    // `as: ""` impersonates nobody (client-node would send an empty Impersonate-User).
    const headers = tls.headers as Record<string, unknown> | undefined;
    if (headers) for (const k of Object.keys(headers)) if (/^impersonate-/i.test(k)) delete headers[k];
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries((tls.headers ?? {}) as Record<string, string | string[]>)) if (!/^impersonate-/i.test(k)) headers[k] = v;
  headers['Impersonate-User'] = as;
  const uid: unknown = user['as-uid'];
  if (typeof uid === 'string' && uid !== '') headers['Impersonate-Uid'] = uid;
  const groups: unknown = user['as-groups'];
  if (Array.isArray(groups) && groups.length > 0) headers['Impersonate-Group'] = groups.map(String);
  const extra: unknown = user['as-user-extra'];
  if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
    for (const [key, values] of Object.entries(extra as Record<string, unknown>)) {
      const list = Array.isArray(values) ? values.map(String) : [];
      if (list.length > 0) headers[`Impersonate-Extra-${headerKeyEscape(key)}`] = list;
    }
  }
  tls.headers = headers;
}

/** client-go's headerKeyEscape: %-encode every byte of the UTF-8 key that is not an HTTP token character, and `%`. */
function headerKeyEscape(key: string): string {
  let out = '';
  for (const b of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && c !== '%' && /[!#$&'*+\-.^_`|~0-9A-Za-z]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A user's `tokenFile` (the field kubectl writes, e.g. for a projected token): a
 * bearer token read from that file, relative to the kubeconfig's directory, as
 * client-go does. client-go sends the file's content (trimmed) whenever it can
 * read it and it is not empty, even when the user also has a `token`, which is
 * then only the fallback (transport.NewBearerAuthWithRefreshRoundTripper).
 * Left alone when something else (a plugin) set the Authorization header.
 * @kubernetes/client-node reads only `token-file`, so without this such a
 * kubeconfig would reach the server with no credentials.
 */
function applyTokenFile(tls: https.RequestOptions, user: Record<string, any>, dir: string, contextName: string, origin: string): void {
  const tokenFile: unknown = user.tokenFile;
  if (typeof tokenFile !== 'string' || tokenFile === '') return;
  const inline = typeof user.token === 'string' && user.token !== '' ? (user.token as string) : undefined;
  const headers = (tls.headers ?? {}) as Record<string, string>;
  const auth = headers.Authorization ?? headers.authorization;
  if (auth && auth !== `Bearer ${inline}`) return;
  const path = resolve(dir, tokenFile);
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (err) {
    if (inline) return; // the user's own token stays
    throw new ConfigError(`cannot use credentials of context "${contextName}" in ${origin}: cannot read tokenFile ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (token === '') {
    if (inline) return;
    throw new ConfigError(`cannot use credentials of context "${contextName}" in ${origin}: tokenFile ${path} is empty`);
  }
  delete headers.authorization;
  tls.headers = { ...headers, Authorization: `Bearer ${token}` };
}

/**
 * The proxy to reach the cluster through, as kubectl picks it: the cluster's
 * `proxy-url`, else the environment (HTTPS_PROXY/NO_PROXY; never for a loopback
 * server). What cannot be honoured is an error, never a silent direct connection.
 */
function proxyOf(raw: unknown, cluster: { name: string; server: string }, origin: string): string | undefined {
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
