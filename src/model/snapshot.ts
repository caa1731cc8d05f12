import { KINDS, KIND_KEYS, kindKeyOf, type KindKey } from '../collect/kinds.ts';
import type { SnapshotExtras } from '../collect/extras.ts';
import type { K8sObject } from './k8s.ts';

/** How a kind fared in collection. Anything but `ok` makes the controls that read it `not-assessed`. */
export type CollectionState =
  | 'ok' // listed completely
  | 'forbidden' // 403: the identity may not list it
  | 'not-found' // 404: the API is not served by this cluster
  | 'error' // anything else (timeouts, 5xx after retries, bad responses)
  | 'not-collected' // no enabled control reads it
  | 'static'; // built from manifests: only what the files contain

export interface KindCollection {
  kind: KindKey;
  state: CollectionState;
  count: number;
  durationMs?: number;
  /** Human-readable cause when the state is not `ok`. */
  reason?: string;
  /** The permission that would let the scanner read it, e.g. `list pods (cluster-wide)`. */
  permission?: string;
}

export interface ServerVersion {
  gitVersion: string;
  major: string;
  minor: string;
  platform?: string;
}

/** Whether a server's `/version` is at least 1.`minor` (`"30+"`, as some managed clusters write it, counts as 30); false when unknown. */
export function serverAtLeast(v: ServerVersion | undefined, minor: number): boolean {
  if (!v) return false;
  const major = Number.parseInt(v.major, 10);
  const m = Number.parseInt(v.minor, 10);
  return major > 1 || (major === 1 && m >= minor);
}

export interface SnapshotInput {
  source: 'cluster' | 'manifests';
  objects: Partial<Record<KindKey, K8sObject[]>>;
  collection?: Partial<Record<KindKey, KindCollection>>;
  serverVersion?: ServerVersion;
  /** Namespaces the scan was limited to; undefined means all. */
  namespaces?: string[];
  /** Namespaces the scan left out (`--exclude-namespace`): their namespaced objects were not read. */
  excludedNamespaces?: string[];
  /** Live reads beyond object lists (kubelet configz, anonymous probes, kubeconfig facts); see src/collect/extras.ts. */
  extras?: SnapshotExtras;
  /**
   * A snapshot taken while collection is still running (src/scan.ts evaluates some controls
   * while the longest lists are still being read): these kinds, and the extras when `extras`
   * is set, are still being read. Touching them in any way — listing, looking up, reading their
   * collection state — throws PendingDataError, so that whatever needed them is run again on
   * the finished snapshot instead of seeing a partial or empty cluster.
   */
  pending?: { kinds?: Iterable<KindKey>; extras?: boolean };
}

/** Thrown when code reads data a snapshot taken mid-collection does not hold yet (see SnapshotInput.pending). */
export class PendingDataError extends Error {
  constructor(what: string) {
    super(`${what} is still being collected`);
    this.name = 'PendingDataError';
  }
}

/**
 * Everything the controls may look at: the objects, how each kind was
 * collected, and indices computed once. Controls receive it frozen and never
 * see a client.
 */
export class Snapshot {
  readonly source: 'cluster' | 'manifests';
  readonly serverVersion: ServerVersion | undefined;
  readonly namespaces: readonly string[] | undefined;
  readonly excludedNamespaces: readonly string[] | undefined;
  readonly collection: Readonly<Record<KindKey, KindCollection>>;
  /** Extra live reads, each part with its own collection state; undefined when none were made (e.g. manifests). */
  readonly extras: SnapshotExtras | undefined;
  readonly #input: SnapshotInput;
  readonly #objects: Partial<Record<KindKey, readonly K8sObject[]>>;
  readonly #byNamespace = new Map<KindKey, Map<string, K8sObject[]>>();
  readonly #byName = new Map<KindKey, Map<string, K8sObject>>();
  readonly #pending: ReadonlySet<KindKey> | undefined;

  constructor(input: SnapshotInput) {
    this.source = input.source;
    this.serverVersion = input.serverVersion;
    this.namespaces = input.namespaces;
    this.excludedNamespaces = input.excludedNamespaces;
    this.extras = input.extras;
    this.#input = input;
    const pending = new Set(input.pending?.kinds ?? []);
    this.#pending = pending.size > 0 ? pending : undefined;
    if (input.pending?.extras) {
      Object.defineProperty(this, 'extras', {
        enumerable: true,
        get() {
          throw new PendingDataError('the extra reads (probes, kubeconfig, kubelet)');
        },
      });
    }
    const collection = {} as Record<KindKey, KindCollection>;
    for (const key of KIND_KEYS) {
      if (pending.has(key)) {
        Object.defineProperty(collection, key, {
          enumerable: true,
          get() {
            throw new PendingDataError(KINDS[key].kind);
          },
        });
        continue;
      }
      const given = input.collection?.[key];
      const objects = input.objects[key];
      collection[key] =
        given ??
        (input.source === 'manifests'
          ? { kind: key, state: 'static', count: objects?.length ?? 0 }
          : objects
            ? { kind: key, state: 'ok', count: objects.length }
            : { kind: key, state: 'not-collected', count: 0 });
    }
    this.collection = collection;
    const objects: Partial<Record<KindKey, readonly K8sObject[]>> = {};
    for (const key of KIND_KEYS) {
      const list = input.objects[key];
      if (list) objects[key] = list;
    }
    this.#objects = objects;
  }

  /** The same snapshot carrying these extra reads (src/collect/extras.ts attaches them after listing). */
  withExtras(extras: SnapshotExtras): Snapshot {
    return new Snapshot({ ...this.#input, extras });
  }

  /** All objects of a kind, in the order collected. Empty when not collected. */
  list(kind: KindKey): readonly K8sObject[] {
    if (this.#pending?.has(kind)) throw new PendingDataError(KINDS[kind].kind);
    return this.#objects[kind] ?? [];
  }

  /** Objects of a namespaced kind in one namespace. */
  inNamespace(kind: KindKey, namespace: string): readonly K8sObject[] {
    let index = this.#byNamespace.get(kind);
    if (!index) {
      index = new Map();
      for (const obj of this.list(kind)) {
        const ns = obj.metadata.namespace ?? '';
        let bucket = index.get(ns);
        if (!bucket) index.set(ns, (bucket = []));
        bucket.push(obj);
      }
      this.#byNamespace.set(kind, index);
    }
    return index.get(namespace) ?? [];
  }

  /** One object by namespace and name (namespace '' for cluster-scoped kinds). */
  get(kind: KindKey, namespace: string | undefined, name: string): K8sObject | undefined {
    let index = this.#byName.get(kind);
    if (!index) {
      index = new Map();
      for (const obj of this.list(kind)) index.set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, obj);
      this.#byName.set(kind, index);
    }
    return index.get(`${namespace ?? ''}/${name}`);
  }

  /** Whether a kind was read completely, so that absence of an object means it does not exist. */
  isComplete(kind: KindKey): boolean {
    if (this.#pending?.has(kind)) throw new PendingDataError(KINDS[kind].kind);
    const state = this.collection[kind].state;
    return state === 'ok';
  }

  /**
   * The namespaces in scope: the Namespace objects when collected, otherwise
   * those named by `--namespace` or seen on objects (static manifests).
   */
  namespaceNames(): string[] {
    const names = new Set<string>();
    for (const ns of this.list('namespaces')) names.add(ns.metadata.name);
    if (this.namespaces) for (const n of this.namespaces) names.add(n);
    return [...names].sort();
  }

  /**
   * Whether some namespaces' objects were not read (`--namespace`, `--exclude-namespace`; in a static scan, left out of
   * the files' objects): then no
   * control may claim that something exists nowhere — a RoleBinding granting an account, a Pod Security label, an
   * agent — because it may be in a namespace the scan did not read.
   */
  get namespacesLimited(): boolean {
    return this.namespaces !== undefined || (this.excludedNamespaces?.length ?? 0) > 0;
  }

  /** The scan's namespace scope in words, for the reason of a result that namespacesLimited leaves undecided. */
  scopeText(): string {
    const parts: string[] = [];
    if (this.namespaces) parts.push(`limited to namespace(s) ${this.namespaces.join(', ')}`);
    if (this.excludedNamespaces?.length) parts.push(`excluded namespace(s) ${this.excludedNamespaces.join(', ')}`);
    return `The scan ${parts.join(' and ') || 'read every namespace'}`;
  }

  /** Whether the scan read the namespaced objects of `ns`: not outside `--namespace`, not excluded. */
  readsNamespace(ns: string): boolean {
    if (this.namespaces && !this.namespaces.includes(ns)) return false;
    return !this.excludedNamespaces?.includes(ns);
  }

  /** Build the indices eagerly (used by the engine before timing evaluation). */
  warm(kinds: Iterable<KindKey>): void {
    for (const kind of kinds) {
      if (KINDS[kind].namespaced) this.inNamespace(kind, '');
    }
  }
}

/** Group a flat list of objects (from YAML or a List) into per-kind arrays. Unknown kinds are returned separately. */
export function groupByKind(objects: K8sObject[]): { objects: Partial<Record<KindKey, K8sObject[]>>; unknown: K8sObject[] } {
  const grouped: Partial<Record<KindKey, K8sObject[]>> = {};
  const unknown: K8sObject[] = [];
  for (const obj of objects) {
    const key = kindKeyOf(obj.kind);
    if (!key) {
      unknown.push(obj);
      continue;
    }
    (grouped[key] ??= []).push(obj);
  }
  return { objects: grouped, unknown };
}

/** Deep-freeze a value (tests freeze snapshots so a control that mutates its input fails). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
