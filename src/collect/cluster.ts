import pLimit from 'p-limit';
import { ClusterError } from '../errors.ts';
import type { Identity } from '../engine/result.ts';
import type { K8sObject } from '../model/k8s.ts';
import { Snapshot, type KindCollection, type ServerVersion } from '../model/snapshot.ts';
import { ApiClient, HttpFailure, apiMessage } from './http.ts';
import { KINDS, listingOrder, listPath, listRequest, pageOf, permissionFor, type KindKey, type ListPage } from './kinds.ts';
import type { Target } from './kubeconfig.ts';

export interface CollectOptions {
  kinds: readonly KindKey[];
  /** Limit namespaced kinds to these namespaces (listed per namespace). */
  namespaces?: string[];
  excludeNamespaces?: string[];
  /** Concurrent list requests. */
  concurrency?: number;
  pageSize?: number;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** After the handshake, before any list: the server's version (undefined when /version was forbidden). */
  onConnected?: (serverVersion: ServerVersion | undefined) => void;
  /** Each kind as it finishes: its objects (the same array the snapshot will hold; undefined unless `ok`) and how it went. */
  onKind?: (kind: KindKey, objects: readonly K8sObject[] | undefined, collection: KindCollection) => void;
}

export type ProgressEvent =
  | { type: 'connected'; server: string; version?: string }
  | { type: 'kind-start'; kind: KindKey }
  | { type: 'kind-done'; kind: KindKey; collection: KindCollection };

export interface Collected {
  snapshot: Snapshot;
  identity?: Identity;
  serverVersion?: ServerVersion;
  durationMs: number;
}

class ListFailure extends Error {
  readonly state: KindCollection['state'];
  /** For `forbidden`: the permission that would have allowed it, when it is not `list <kind>` wherever the scan lists it. */
  readonly permission: string | undefined;
  constructor(state: KindCollection['state'], message: string, permission?: string) {
    super(message);
    this.state = state;
    this.permission = permission;
  }
}

function describeNetworkError(err: unknown, server: string): string {
  const e = err as HttpFailure;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${server}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host of ${server}`;
    case 'ECONNTIMEOUT':
    case 'ETIMEDOUT':
      return `${server} did not answer in time (${e.message})`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'CERT_HAS_EXPIRED':
      return `TLS verification of ${server} failed: ${e.message}`;
    case 'EDEADLINE':
      return `${server} kept sending without finishing (${e.message})`;
    case 'ETOOLARGE':
      return `${server} sent a response too large to read (${e.message}); no page of a list the collector asks for comes near it`;
    case 'EBADGZIP':
      return `${server} (or a proxy on the way) sent a compressed response that could not be read (${(e.cause as Error | undefined)?.message ?? e.message}); --disable-compression asks for none`;
    default:
      return `cannot reach ${server}: ${e.message}`;
  }
}

/**
 * Read the cluster into a Snapshot: the server's version and the scanner's
 * identity first (failing fast with exit 3 when the cluster cannot be reached
 * or refuses the credentials), then every requested kind, paginated and with
 * bounded concurrency. A kind that cannot be read is recorded with its state
 * and the permission that would fix it; the scan goes on without it.
 */
export async function collect(target: Target, opts: CollectOptions): Promise<Collected> {
  const started = performance.now();
  const client = new ApiClient({
    server: target.server,
    tls: target.tls,
    ...(target.proxy ? { proxy: target.proxy } : {}),
    ...(target.tokenSource ? { tokenSource: target.tokenSource } : {}),
    compression: !target.disableCompression,
    connectTimeoutMs: opts.connectTimeoutMs ?? 4_000,
    requestTimeoutMs: opts.requestTimeoutMs ?? 60_000,
    maxSockets: opts.concurrency ?? 6,
  });
  try {
    const { serverVersion, identity } = await handshake(client, target);
    opts.onProgress?.({ type: 'connected', server: target.server, ...(serverVersion ? { version: serverVersion.gitVersion } : {}) });
    opts.onConnected?.(serverVersion);

    const limit = pLimit(opts.concurrency ?? 6);
    const objects: Partial<Record<KindKey, K8sObject[]>> = {};
    const collection: Partial<Record<KindKey, KindCollection>> = {};
    const excluded = new Set(opts.excludeNamespaces ?? []);

    await Promise.all(
      listingOrder(opts.kinds).map((kind) =>
        limit(async () => {
          opts.onProgress?.({ type: 'kind-start', kind });
          const t0 = performance.now();
          const info = KINDS[kind];
          let c: KindCollection;
          try {
            let items: K8sObject[];
            if (opts.namespaces && kind === 'namespaces') {
              items = await getNamespaces(client, opts.namespaces);
            } else if (opts.namespaces && info.namespaced) {
              items = [];
              // Every namespace is tried; the kind is forbidden if any one is, and the permission names only those.
              const forbidden: string[] = [];
              let first: ListFailure | undefined;
              for (const ns of opts.namespaces) {
                try {
                  items.push(...(await listAll(client, kind, ns, opts.pageSize)));
                } catch (err) {
                  if (!(err instanceof ListFailure) || err.state !== 'forbidden') throw err;
                  forbidden.push(ns);
                  first ??= err;
                }
              }
              if (first) throw new ListFailure('forbidden', first.message, forbidden.map((ns) => permissionFor(info, ns)).join('; '));
            } else {
              items = await listAll(client, kind, undefined, opts.pageSize);
            }
            if (excluded.size) {
              items = items.filter((o) => !excluded.has(kind === 'namespaces' ? o.metadata.name : (o.metadata.namespace ?? '')));
            }
            objects[kind] = items;
            c = { kind, state: 'ok', count: items.length };
          } catch (err) {
            if (!(err instanceof ListFailure)) {
              if (err instanceof HttpFailure) c = { kind, state: 'error', count: 0, reason: describeNetworkError(err, target.server) };
              else throw err;
            } else {
              c = { kind, state: err.state, count: 0, reason: err.message };
              if (err.state === 'forbidden') c.permission = err.permission ?? permissionFor(info);
            }
          }
          c.durationMs = Math.round(performance.now() - t0);
          collection[kind] = c;
          opts.onProgress?.({ type: 'kind-done', kind, collection: c });
          opts.onKind?.(kind, objects[kind], c);
        }),
      ),
    );

    // Nothing collected: no list succeeded (kinds the server does not serve, 404, do not count as collected).
    const states = Object.values(collection);
    const failed = states.filter((c) => c.state === 'forbidden' || c.state === 'error');
    if (failed.length > 0 && !states.some((c) => c.state === 'ok')) {
      const first = failed[0]!;
      throw new ClusterError(`nothing could be collected from ${target.server}: every list failed (e.g. ${first.kind}: ${first.reason ?? first.state})`);
    }
    const input: ConstructorParameters<typeof Snapshot>[0] = { source: 'cluster', objects, collection };
    if (serverVersion) input.serverVersion = serverVersion;
    if (opts.namespaces) input.namespaces = opts.namespaces;
    if (opts.excludeNamespaces?.length) input.excludedNamespaces = opts.excludeNamespaces;
    const result: Collected = { snapshot: new Snapshot(input), durationMs: Math.round(performance.now() - started) };
    if (identity) result.identity = identity;
    if (serverVersion) result.serverVersion = serverVersion;
    return result;
  } finally {
    client.close();
  }
}

/** /version and SelfSubjectReview: proves the server is there and accepts our credentials. */
async function handshake(client: ApiClient, target: Target): Promise<{ serverVersion?: ServerVersion; identity?: Identity }> {
  let res;
  try {
    // Bounded so that an unreachable server is reported within about ten seconds.
    res = await client.request('GET', '/version', { retries: 1, timeoutMs: 4_000 });
  } catch (err) {
    throw new ClusterError(describeNetworkError(err, target.server), { cause: err });
  }
  if (res.status === 401) throw new ClusterError(`authentication to ${target.server} failed (401 Unauthorized): check the credentials of context "${target.context ?? ''}"`);
  let serverVersion: ServerVersion | undefined;
  if (res.status === 200) {
    try {
      const v = JSON.parse(res.body) as ServerVersion;
      if (typeof v.gitVersion === 'string') serverVersion = { gitVersion: v.gitVersion, major: v.major, minor: v.minor, ...(v.platform ? { platform: v.platform } : {}) };
    } catch {
      throw new ClusterError(`${target.server} answered /version with something that is not the Kubernetes API`);
    }
  } else if (res.status !== 403) {
    throw new ClusterError(`${target.server} answered /version with HTTP ${res.status}: ${apiMessage(res.body)}`);
  }

  let identity: Identity | undefined;
  const review = await client
    .request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      retries: 1,
      timeoutMs: 10_000,
    })
    .catch(() => undefined);
  if (review?.status === 401) throw new ClusterError(`authentication to ${target.server} failed (401 Unauthorized): check the credentials of context "${target.context ?? ''}"`);
  if (review?.status === 201 || review?.status === 200) {
    // Who we are is shown in the report when the server says; an answer that does not parse says nothing.
    let info: { username?: unknown; uid?: unknown; groups?: unknown } | undefined;
    try {
      info = (JSON.parse(review.body) as { status?: { userInfo?: typeof info } } | null)?.status?.userInfo ?? undefined;
    } catch {
      info = undefined;
    }
    if (typeof info?.username === 'string') {
      const groups = Array.isArray(info.groups) ? info.groups.filter((g): g is string => typeof g === 'string') : [];
      identity = { username: info.username, groups, ...(typeof info.uid === 'string' && info.uid ? { uid: info.uid } : {}) };
    }
  }
  const out: { serverVersion?: ServerVersion; identity?: Identity } = {};
  if (serverVersion) out.serverVersion = serverVersion;
  if (identity) out.identity = identity;
  return out;
}

async function getNamespaces(client: ApiClient, names: string[]): Promise<K8sObject[]> {
  const out: K8sObject[] = [];
  const forbidden: string[] = [];
  let first: ListFailure | undefined;
  for (const name of names) {
    const res = await client.request('GET', `/api/v1/namespaces/${encodeURIComponent(name)}`);
    if (res.status === 200) out.push(JSON.parse(res.body) as K8sObject);
    else if (res.status === 404) throw new ListFailure('error', `namespace "${name}" does not exist`);
    else {
      const failure = failureFor(res.status, res.body);
      if (!(failure instanceof ListFailure) || failure.state !== 'forbidden') throw failure;
      forbidden.push(name);
      first ??= failure;
    }
  }
  // Read by name, so what is missing is `get`, on those namespaces only.
  if (first) throw new ListFailure('forbidden', first.message, `get namespaces ${forbidden.join(', ')}`);
  return out;
}

function failureFor(status: number, body: string): ListFailure {
  if (status === 403) return new ListFailure('forbidden', apiMessage(body));
  if (status === 404) return new ListFailure('not-found', 'the API is not served by this cluster');
  return new ListFailure('error', `HTTP ${status}: ${apiMessage(body)}`);
}

/**
 * List one kind completely with limit/continue pagination. An expired continue
 * token (410 Gone) restarts the list from the beginning, a bounded number of
 * times, so the result is one consistent pass rather than a splice of two.
 */
async function listAll(client: ApiClient, kind: KindKey, namespace: string | undefined, pageSize = 500): Promise<K8sObject[]> {
  const info = KINDS[kind];
  const base = listPath(info, namespace);
  const { accept, query } = listRequest(info);
  // A continue token expires (410) when the list is read more slowly than the server keeps its history (etcd's
  // compaction, five minutes by default). Restarted twice, then read in one answer without pages, as client-go's
  // pager falls back to a full list.
  for (let attempt = 0; attempt < 4; attempt++) {
    const paged = attempt < 3;
    const items: K8sObject[] = [];
    const tokens = new Set<string>();
    const seen = new Set<string>();
    let token: string | undefined;
    let expired = false;
    do {
      const q = new URLSearchParams(paged ? { ...query, limit: String(pageSize) } : query);
      if (token) q.set('continue', token);
      const res = await client.request('GET', `${base}?${q}`, { accept });
      if (res.status === 410 && token) {
        expired = true;
        break;
      }
      if (res.status !== 200) throw failureFor(res.status, res.body);
      let list: unknown;
      try {
        list = JSON.parse(res.body);
      } catch {
        throw new ListFailure('error', 'the response was not JSON');
      }
      let page: ListPage;
      try {
        page = pageOf(list, info);
      } catch (err) {
        throw new ListFailure('error', (err as Error).message);
      }
      // A server (or a proxy in front of it) that ignores `continue` answers the first page again and again: the list
      // would never end. A token seen before, or a page of objects all listed already, ends it as a failure.
      let fresh = page.items.length === 0;
      for (const item of page.items) {
        const key = item.metadata?.uid ?? `${item.metadata?.namespace ?? ''}/${item.metadata?.name ?? ''}`;
        if (!seen.has(key)) fresh = true;
        seen.add(key);
        items.push(item);
      }
      token = page.continue;
      if (token && (tokens.has(token) || !fresh)) throw new ListFailure('error', 'the server answered the same page again for a continue token: the list does not advance');
      if (token) tokens.add(token);
    } while (token);
    if (!expired) return items;
  }
  throw new ListFailure('error', 'the continue token expired three times, and the list without pages did not complete');
}
