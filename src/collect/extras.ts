/**
 * Extra collection: the live reads some controls need beyond object lists.
 *
 * - `kubeletConfigs` (opt-in, `--kubelet`): each node's effective kubelet
 *   configuration from `/api/v1/nodes/<node>/proxy/configz`. Needs `get
 *   nodes/proxy`, a permission CIS 5.1.10 asks to keep to a minimum, hence
 *   opt-in.
 * - `anonymousProbe`: unauthenticated GETs of `/version`, `/api` and
 *   `/api/v1/namespaces?limit=1`, sent with the cluster's CA but without any
 *   credential, to see what the API server tells an anonymous caller.
 * - `kubeconfig`: facts about the credentials in use (never the credentials
 *   themselves) and where the server address resolves.
 * - `kubeProxy`: kube-system/kube-proxy's `config.conf` (CIS 4.3.1).
 *
 * Each part records its own collection state, as kinds do, so a control that
 * needs one reports `not-assessed` with the reason when it is missing.
 * Everything is read-only: GETs only.
 */
import { isIP } from 'node:net';
import pLimit from 'p-limit';
import YAML from 'yaml';
import { ApiClient, HttpFailure, apiMessage } from './http.ts';
import type { Target } from './kubeconfig.ts';

export type ExtraState = 'ok' | 'forbidden' | 'not-found' | 'error' | 'not-collected';

export interface ExtraCollection {
  state: ExtraState;
  /** Why the state is not `ok`. */
  reason?: string;
  /** The permission that would let the scanner read it. */
  permission?: string;
}

export interface KubeletConfigRead extends ExtraCollection {
  /** The kubelet's effective configuration: the `kubeletconfig` object /configz returns. */
  config?: Record<string, unknown>;
}

export interface KubeletConfigs extends ExtraCollection {
  /** Per node name. */
  nodes: Record<string, KubeletConfigRead>;
}

export interface ProbeResult {
  path: string;
  /** HTTP status the server answered with; absent when the request failed. */
  status?: number;
  error?: string;
}

export interface AnonymousProbe extends ExtraCollection {
  server?: string;
  results: ProbeResult[];
}

/** Facts about the kubeconfig entry in use. Booleans only: no credential is ever copied. */
export interface CredentialFacts {
  insecureSkipTlsVerify: boolean;
  /** A bearer token written into the kubeconfig (`token:`), not read from a file or a plugin. */
  embeddedToken: boolean;
  /** Basic-auth `username`/`password` written into the kubeconfig. */
  embeddedPassword: boolean;
  /** The token comes from a file (`tokenFile:` or the in-cluster service-account token). */
  tokenFile: boolean;
  /** A client private key written into the kubeconfig (`client-key-data`). */
  embeddedClientKey: boolean;
  /**
   * An OIDC refresh token written into the kubeconfig (`auth-provider` `oidc`, `config.refresh-token`): it mints new ID
   * tokens for as long as the identity provider honours it. Absent (false) in scans made before it was recorded.
   */
  embeddedRefreshToken?: boolean;
  /** The exec credential plugin's command, when one is used. */
  exec?: string;
  authProvider?: string;
}

export interface KubeconfigFacts extends ExtraCollection, CredentialFacts {
  /** The kubeconfig file (several, joined by the path-list delimiter, when $KUBECONFIG merged them), or `in-cluster`. */
  origin: string;
  /** When several files were merged: the one holding the cluster entry in use, and the one holding the user entry. */
  clusterOrigin?: string;
  userOrigin?: string;
  context?: string;
  cluster?: string;
  user?: string;
  server: string;
  host: string;
  /** Addresses the server host resolved to (the host itself for an IP literal). */
  addresses: string[];
  resolveError?: string;
}

export interface KubeProxyConfig extends ExtraCollection {
  /** The parsed `config.conf` (a KubeProxyConfiguration) of ConfigMap kube-system/kube-proxy. */
  config?: Record<string, unknown>;
}

/** Objects of one policy kind of another API (a Calico GlobalNetworkPolicy, say): how many, and where. */
export interface PolicyObjectKind {
  /** `<resource>.<group>`, as its CustomResourceDefinition is named, e.g. `globalnetworkpolicies.crd.projectcalico.org`. */
  crd: string;
  namespaced: boolean;
  count: number;
  /** The namespaces holding them (namespaced kinds), sorted. */
  namespaces: string[];
}

/**
 * Policy kinds of other APIs that may isolate pods where no NetworkPolicy does, read as metadata only: which
 * exist, and how many objects each has. `ok` means every group below that the server serves was listed.
 */
export interface PolicyObjects extends ExtraCollection {
  kinds: PolicyObjectKind[];
}

/**
 * The policy kinds of other APIs that can isolate pods where no NetworkPolicy does, by API group: Calico's
 * (GlobalNetworkPolicy, NetworkPolicy, in either of its groups; its Staged… kinds only preview and enforce nothing), Cilium's, Antrea's, and
 * sig-network's policy API. The shipped ClusterRole grants list on exactly these (scripts/gen-clusterrole.ts).
 */
export const POLICY_RESOURCES: readonly { group: string; resources: readonly string[] }[] = [
  { group: 'crd.projectcalico.org', resources: ['globalnetworkpolicies', 'networkpolicies'] },
  // Calico's own API: served by its aggregated API server over the crd.projectcalico.org objects above (the same
  // policies again), or, with native v3 CRDs (Calico 3.32), stored there alone.
  { group: 'projectcalico.org', resources: ['globalnetworkpolicies', 'networkpolicies'] },
  { group: 'cilium.io', resources: ['ciliumclusterwidenetworkpolicies', 'ciliumnetworkpolicies'] },
  { group: 'crd.antrea.io', resources: ['clusternetworkpolicies', 'networkpolicies'] },
  { group: 'policy.networking.k8s.io', resources: ['adminnetworkpolicies', 'baselineadminnetworkpolicies', 'clusternetworkpolicies'] },
];

/** Extra reads carried in the Snapshot beside the object lists. Every part is optional. */
export interface SnapshotExtras {
  /** When collection happened (ISO 8601); controls that compare dates use it as "now". */
  collectedAt?: string;
  kubeletConfigs?: KubeletConfigs;
  anonymousProbe?: AnonymousProbe;
  kubeconfig?: KubeconfigFacts;
  kubeProxy?: KubeProxyConfig;
  policyObjects?: PolicyObjects;
}

export interface ExtrasOptions {
  /** Read each node's kubelet configuration through the API server proxy (needs get nodes/proxy). */
  kubelet?: boolean;
  /** Send the unauthenticated probes. Default true. */
  anonymousProbe?: boolean;
  /** Resolve and describe the kubeconfig in use. Default true. */
  kubeconfig?: boolean;
  /** Read ConfigMap kube-system/kube-proxy. Default true. */
  kubeProxy?: boolean;
  /** List the policy kinds of other APIs (POLICY_RESOURCES), metadata only. Default true. */
  policyObjects?: boolean;
  /** Node names to read kubelet configuration from. */
  nodes?: readonly string[];
  concurrency?: number;
  requestTimeoutMs?: number;
}

/** Why kubelet configuration is missing from a scan run without --kubelet. */
export const NOT_COLLECTED_KUBELET = 'Kubelet configuration was not collected: it is read only with --kubelet, which needs get nodes/proxy.';

const PROBE_PATHS = ['/version', '/api', '/api/v1/namespaces?limit=1'];

/** Whether a body is a Status object, as the API server writes its own errors (never the kubelet's, which are text). */
function isApiStatus(body: string): boolean {
  try {
    return (JSON.parse(body) as { kind?: unknown } | null)?.kind === 'Status';
  } catch {
    return false;
  }
}

function stateOf(status: number): ExtraState {
  if (status === 403 || status === 401) return 'forbidden';
  if (status === 404) return 'not-found';
  return 'error';
}

function errorText(err: unknown): string {
  const e = err as HttpFailure;
  return e.code ? `${e.code}: ${e.message}` : String((err as Error).message ?? err);
}

/** Collect the requested extras. Never throws for an unreadable part: its state says what happened. */
export async function collectExtras(target: Target, opts: ExtrasOptions = {}): Promise<SnapshotExtras> {
  const extras: SnapshotExtras = { collectedAt: new Date().toISOString() };
  const timeout = opts.requestTimeoutMs ?? 10_000;
  const client = new ApiClient({ server: target.server, tls: target.tls, ...(target.proxy ? { proxy: target.proxy } : {}), ...(target.tokenSource ? { tokenSource: target.tokenSource } : {}), compression: !target.disableCompression, connectTimeoutMs: 4_000, requestTimeoutMs: timeout, retries: 1, maxSockets: opts.concurrency ?? 6 });
  try {
    const jobs: Promise<void>[] = [];
    if (opts.kubeconfig !== false) jobs.push(kubeconfigFacts(target).then((k) => void (extras.kubeconfig = k)));
    if (opts.anonymousProbe !== false) jobs.push(anonymousProbe(target, timeout).then((p) => void (extras.anonymousProbe = p)));
    if (opts.kubeProxy !== false) jobs.push(kubeProxyConfig(client).then((k) => void (extras.kubeProxy = k)));
    if (opts.policyObjects !== false) jobs.push(policyObjects(client).then((p) => void (extras.policyObjects = p)));
    extras.kubeletConfigs = opts.kubelet
      ? { state: 'ok', nodes: {} }
      : { state: 'not-collected', reason: NOT_COLLECTED_KUBELET, permission: 'get nodes/proxy', nodes: {} };
    if (opts.kubelet) jobs.push(kubeletConfigs(client, opts.nodes ?? [], opts.concurrency ?? 6).then((k) => void (extras.kubeletConfigs = k)));
    await Promise.all(jobs);
  } finally {
    client.close();
  }
  return extras;
}

const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/**
 * The objects of POLICY_RESOURCES, metadata only: discovery says which groups the server serves, at which versions,
 * and which of those resources; each is then listed. A group not served is simply absent; a list refused or failed
 * makes the whole read not `ok` (a control then cannot tell "none" from "unread").
 *
 * Every served version of a group is looked at, its preferred one first: a group's kinds need not share a version.
 * The API server prefers a group's highest version across all its CustomResourceDefinitions, and a kind none of whose
 * versions is that one is absent from it — sig-network's v1alpha1 AdminNetworkPolicy beside its v1alpha2
 * ClusterNetworkPolicy, say. Each resource is listed at the first version that serves it.
 */
export async function policyObjects(client: Pick<ApiClient, 'request'>, pageSize = 500): Promise<PolicyObjects> {
  const out: PolicyObjects = { state: 'ok', kinds: [] };
  // Every refused list is named in the permission (sorted: the lists run concurrently), so that granting it is enough;
  // the reason is the first failure's.
  const refused = new Set<string>();
  const fail = (state: ExtraState, reason: string, permission?: string) => {
    if (permission) {
      refused.add(permission);
      out.permission = [...refused].sort().join(', ');
    }
    if (out.state !== 'ok') return;
    out.state = state;
    out.reason = reason;
  };
  await Promise.all(
    POLICY_RESOURCES.map(async ({ group, resources: policyResources }) => {
      try {
        const g = await client.request('GET', `/apis/${group}`);
        if (g.status === 404) return;
        if (g.status !== 200) return fail(stateOf(g.status), `GET /apis/${group}: HTTP ${g.status}: ${apiMessage(g.body)}`);
        const discovery = JSON.parse(g.body) as { preferredVersion?: { groupVersion?: unknown } | null; versions?: ({ groupVersion?: unknown } | null)[] | null };
        const versions = [discovery.preferredVersion?.groupVersion, ...(Array.isArray(discovery.versions) ? discovery.versions.map((v) => v?.groupVersion) : [])].filter(
          (v, i, all): v is string => typeof v === 'string' && v !== '' && all.indexOf(v) === i,
        );
        if (versions.length === 0) return fail('error', `GET /apis/${group}: no served version`);
        const found = new Map<string, { version: string; namespaced: boolean }>();
        for (const version of versions) {
          if (policyResources.every((name) => found.has(name))) break;
          const r = await client.request('GET', `/apis/${version}`);
          if (r.status === 404) continue; // removed between the two requests
          if (r.status !== 200) return fail(stateOf(r.status), `GET /apis/${version}: HTTP ${r.status}: ${apiMessage(r.body)}`);
          const listed = (JSON.parse(r.body) as { resources?: { name?: string; namespaced?: boolean; verbs?: string[] }[] | null }).resources ?? [];
          for (const x of listed) {
            if (typeof x?.name !== 'string' || !policyResources.includes(x.name) || found.has(x.name) || !(x.verbs ?? []).includes('list')) continue;
            found.set(x.name, { version, namespaced: x.namespaced === true });
          }
        }
        await Promise.all(
          [...found].map(async ([name, { version, namespaced }]) => {
            const crd = `${name}.${group}`;
            // In pages, as the collector lists every kind: a cluster may hold tens of thousands of these, each with its
            // managedFields and last-applied annotation, and only how many there are and where is kept.
            let count = 0;
            const namespaces = new Set<string>();
            const tokens = new Set<string>();
            let token: string | undefined;
            do {
              const q = new URLSearchParams({ limit: String(pageSize) });
              if (token) q.set('continue', token);
              const res = await client.request('GET', `/apis/${version}/${name}?${q}`, { accept: METADATA_LIST });
              if (res.status !== 200) return fail(stateOf(res.status), `list ${crd}: HTTP ${res.status}: ${apiMessage(res.body)}`, `list ${crd}`);
              const page = JSON.parse(res.body) as { items?: ({ metadata?: { namespace?: unknown } | null } | null)[] | null; metadata?: { continue?: unknown } | null };
              const items = Array.isArray(page.items) ? page.items : [];
              count += items.length;
              for (const i of items) if (typeof i?.metadata?.namespace === 'string' && i.metadata.namespace !== '') namespaces.add(i.metadata.namespace);
              token = typeof page.metadata?.continue === 'string' && page.metadata.continue !== '' ? page.metadata.continue : undefined;
              if (token && tokens.has(token)) return fail('error', `list ${crd}: the server answered the same page again for a continue token`);
              if (token) tokens.add(token);
            } while (token);
            out.kinds.push({ crd, namespaced, count, namespaces: [...namespaces].sort() });
          }),
        );
      } catch (err) {
        fail('error', err instanceof SyntaxError ? `${group}: an answer was not JSON` : `${group}: ${errorText(err)}`);
      }
    }),
  );
  out.kinds.sort((a, b) => (a.crd < b.crd ? -1 : a.crd > b.crd ? 1 : 0));
  return out;
}

export async function kubeletConfigs(client: Pick<ApiClient, 'request'>, nodes: readonly string[], concurrency: number): Promise<KubeletConfigs> {
  const out: KubeletConfigs = { state: 'ok', nodes: {} };
  const sorted = [...new Set(nodes)].sort();
  const permission = 'get nodes/proxy';
  const readOne = async (node: string): Promise<KubeletConfigRead> => {
    try {
      const res = await client.request('GET', `/api/v1/nodes/${encodeURIComponent(node)}/proxy/configz`);
      if (res.status !== 200) {
        // A 401 or 403 is the scanner's own refusal only when the API server wrote it (a Status object). The
        // proxy passes the kubelet's answer through as the kubelet wrote it: its authentication and authorization
        // filter refuses the API server's kubelet client identity with a plain-text 401 "Unauthorized" or 403
        // "Forbidden (user=…, verb=…, resource=nodes, subresource(s)=[configz proxy])" (pkg/kubelet/server). That
        // is this node's kubelet refusing the API server, which no permission of the scanner's would change.
        if ((res.status === 401 || res.status === 403) && !isApiStatus(res.body)) {
          return { state: 'error', reason: `the kubelet refused the API server's request (HTTP ${res.status}: ${res.body.slice(0, 200).trim()}): it does not authenticate or authorize the API server's kubelet client identity (--kubelet-client-certificate)` };
        }
        // The kubelet serves /configz only with enableDebuggingHandlers: true, its default (pkg/kubelet/server:
        // InstallAuthRequiredHandlers); otherwise its 404 "404 page not found" comes back through the proxy.
        if (res.status === 404 && !isApiStatus(res.body)) {
          return { state: 'not-found', reason: `the kubelet does not serve /configz (HTTP 404: ${res.body.slice(0, 200).trim()}): a kubelet serves it only with enableDebuggingHandlers: true, its default` };
        }
        const r: KubeletConfigRead = { state: stateOf(res.status), reason: `HTTP ${res.status}: ${apiMessage(res.body)}` };
        if (r.state === 'forbidden') r.permission = permission;
        return r;
      }
      const body = JSON.parse(res.body) as { kubeletconfig?: Record<string, unknown> };
      if (!body.kubeletconfig || typeof body.kubeletconfig !== 'object') return { state: 'error', reason: 'the kubelet answered /configz without a kubeletconfig object' };
      return { state: 'ok', config: body.kubeletconfig };
    } catch (err) {
      return { state: 'error', reason: err instanceof SyntaxError ? 'the /configz answer was not JSON' : errorText(err) };
    }
  };
  if (sorted.length === 0) return out;
  // Every node is asked, even when the first is refused: a grant of nodes/proxy may name nodes (resourceNames), and
  // the API server's refusals are quick (no kubelet is contacted).
  const limit = pLimit(concurrency);
  const reads = await Promise.all(sorted.map((n) => limit(() => readOne(n))));
  sorted.forEach((n, i) => (out.nodes[n] = reads[i]!));
  // Refused for every node: the identity lacks the permission, and one cluster-wide result says so.
  if (reads.every((r) => r.state === 'forbidden' && r.permission)) return { ...out, state: 'forbidden', reason: reads[0]!.reason ?? 'forbidden', permission };
  return out;
}

async function anonymousProbe(target: Target, timeout: number): Promise<AnonymousProbe> {
  // The cluster's CA and TLS settings, and nothing that identifies the caller.
  const tls: typeof target.tls = {};
  if (target.tls.ca !== undefined) tls.ca = target.tls.ca;
  if (target.tls.servername !== undefined) tls.servername = target.tls.servername;
  if (target.tls.rejectUnauthorized !== undefined) tls.rejectUnauthorized = target.tls.rejectUnauthorized;
  const anon = new ApiClient({ server: target.server, tls, ...(target.proxy ? { proxy: target.proxy } : {}), compression: !target.disableCompression, connectTimeoutMs: 4_000, requestTimeoutMs: timeout, retries: 1, maxSockets: 2 });
  const results: ProbeResult[] = [];
  try {
    for (const path of PROBE_PATHS) {
      try {
        const res = await anon.request('GET', path);
        results.push({ path, status: res.status });
      } catch (err) {
        results.push({ path, error: errorText(err) });
      }
    }
  } finally {
    anon.close();
  }
  const answered = results.filter((r) => r.status !== undefined);
  if (answered.length === 0) return { state: 'error', reason: `no probe reached ${target.server}: ${results[0]?.error ?? 'no answer'}`, server: target.server, results };
  return { state: 'ok', server: target.server, results };
}

/**
 * What reading kube-proxy's configuration needs: `get` on the one ConfigMap, by name, which is all the shipped Role
 * grants (scripts/gen-clusterrole.ts) — not get on every ConfigMap of kube-system.
 */
export const KUBE_PROXY_PERMISSION = 'get configmaps kube-proxy in namespace kube-system';

/** kube-system/kube-proxy's `config.conf`. */
export async function kubeProxyConfig(client: Pick<ApiClient, 'request'>): Promise<KubeProxyConfig> {
  try {
    const res = await client.request('GET', '/api/v1/namespaces/kube-system/configmaps/kube-proxy');
    if (res.status !== 200) {
      const r: KubeProxyConfig = { state: stateOf(res.status), reason: res.status === 404 ? 'ConfigMap kube-system/kube-proxy does not exist' : `HTTP ${res.status}: ${apiMessage(res.body)}` };
      if (r.state === 'forbidden') r.permission = KUBE_PROXY_PERMISSION;
      return r;
    }
    const cm = JSON.parse(res.body) as { data?: Record<string, string> };
    const text = cm.data?.['config.conf'];
    if (text === undefined) return { state: 'not-found', reason: 'ConfigMap kube-system/kube-proxy has no config.conf key' };
    const config = YAML.parse(text) as unknown;
    if (!config || typeof config !== 'object') return { state: 'error', reason: 'config.conf of kube-system/kube-proxy is not a YAML mapping' };
    return { state: 'ok', config: config as Record<string, unknown> };
  } catch (err) {
    return { state: 'error', reason: err instanceof Error && err.name === 'YAMLParseError' ? 'config.conf of kube-system/kube-proxy is not valid YAML' : errorText(err) };
  }
}

async function kubeconfigFacts(target: Target): Promise<KubeconfigFacts> {
  const url = new URL(target.server);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const credentials: CredentialFacts = target.credentials ?? {
    insecureSkipTlsVerify: target.tls.rejectUnauthorized === false,
    embeddedToken: false,
    embeddedPassword: false,
    tokenFile: false,
    embeddedClientKey: false,
  };
  const facts: KubeconfigFacts = { state: 'ok', origin: target.origin, server: target.server, host, addresses: [], ...credentials };
  if (target.context) facts.context = target.context;
  if (target.cluster) facts.cluster = target.cluster;
  if (target.user) facts.user = target.user;
  if (target.clusterOrigin) facts.clusterOrigin = target.clusterOrigin;
  if (target.userOrigin) facts.userOrigin = target.userOrigin;
  if (isIP(host)) {
    facts.addresses = [host];
  } else {
    try {
      // Loaded here: node:dns/promises sets up its resolver on import (tens of milliseconds), and most servers are IPs.
      const { lookup } = await import('node:dns/promises');
      const found = await Promise.race([
        lookup(host, { all: true, verbatim: true }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('DNS lookup timed out after 5 s')), 5_000).unref()),
      ]);
      facts.addresses = [...new Set(found.map((a) => a.address))].sort();
    } catch (err) {
      facts.resolveError = (err as Error).message;
    }
  }
  return facts;
}

/**
 * The raw `cluster` and `user` entries a context of a kubeconfig document names (as
 * written: nothing resolved), or undefined when the document or the context is not there.
 */
export function kubeconfigEntries(text: string, context: string | undefined): { cluster: any; user: any } | undefined {
  let doc: any;
  try {
    doc = YAML.parse(text);
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object') return undefined;
  const ctxName = context ?? doc['current-context'];
  const ctx = (Array.isArray(doc.contexts) ? doc.contexts : []).find((c: any) => c?.name === ctxName)?.context;
  if (!ctx) return undefined;
  const cluster = (Array.isArray(doc.clusters) ? doc.clusters : []).find((c: any) => c?.name === ctx.cluster)?.cluster ?? {};
  const user = (Array.isArray(doc.users) ? doc.users : []).find((u: any) => u?.name === ctx.user)?.user ?? {};
  return { cluster, user };
}

/**
 * Credential facts of a kubeconfig document for one context: whether a token or
 * password is written into it, whether TLS verification is off. Reads the raw
 * document: what the credentials came from is not visible once they are loaded.
 */
export function credentialFactsFromKubeconfig(text: string, context: string | undefined): CredentialFacts | undefined {
  const entries = kubeconfigEntries(text, context);
  return entries ? credentialFactsOf(entries) : undefined;
}

/** credentialFactsFromKubeconfig for entries already read with kubeconfigEntries. */
export function credentialFactsOf({ cluster, user }: { cluster: any; user: any }): CredentialFacts {
  const facts: CredentialFacts = {
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    embeddedToken: typeof user.token === 'string' && user.token.length > 0,
    embeddedPassword: typeof user.password === 'string' && user.password.length > 0,
    tokenFile: typeof user.tokenFile === 'string' && user.tokenFile.length > 0,
    embeddedClientKey: typeof user['client-key-data'] === 'string' && user['client-key-data'].length > 0,
  };
  if (user.exec && typeof user.exec.command === 'string') facts.exec = user.exec.command.split('/').pop();
  if (user['auth-provider'] && typeof user['auth-provider'].name === 'string') facts.authProvider = user['auth-provider'].name;
  const refresh = user['auth-provider']?.config?.['refresh-token'];
  if (typeof refresh === 'string' && refresh.length > 0) facts.embeddedRefreshToken = true;
  return facts;
}
