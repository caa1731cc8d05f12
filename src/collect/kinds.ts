/**
 * The kinds k8s-audit can collect. Controls name these keys in `reads`; the
 * collector lists only the kinds enabled controls declare, and `deploy/`'s
 * ClusterRole is generated from the same declarations.
 */
import type { K8sObject } from '../model/k8s.ts';

export interface KindInfo {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  /** Plural resource name as used in URLs and RBAC rules. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /**
   * List as PartialObjectMetadata: names, labels and annotations only. Declared for Secrets, so
   * that a Secret's data is never requested (no control lists Secrets today). One annotation can
   * still carry it: client-side `kubectl apply` copies the whole object, data included, into
   * `kubectl.kubernetes.io/last-applied-configuration`, which trimListed drops as the page is
   * parsed. A control that needs no more than names should use `namesOnly`.
   */
  metadataOnly?: boolean;
  /**
   * List as a Table without objects (`kubectl get`'s format, `includeObject=None`): names only.
   * Used for CustomResourceDefinitions: the one control that reads them needs only the group
   * and resource, which the name carries (`<plural>.<group>`, as the API server requires), while
   * a CRD's schema runs to hundreds of kilobytes (operators such as Crossplane's install hundreds),
   * and so can its `kubectl apply` annotation, which even a metadata-only list would bring.
   */
  namesOnly?: boolean;
  /**
   * The only `status` fields any control or insight reads; the collector drops the rest as
   * pages are parsed. A running Pod's status (container statuses, conditions, IPs) is often
   * as large as its spec, and a Node's lists every image it holds; neither is read.
   * Absent: the status is kept whole.
   */
  statusFields?: readonly string[];
}

export const KINDS = {
  namespaces: { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  pods: { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, statusFields: ['phase'] },
  serviceaccounts: { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  services: { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  configmaps: { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
  limitranges: { group: '', version: 'v1', resource: 'limitranges', kind: 'LimitRange', namespaced: true },
  secrets: { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true, metadataOnly: true },
  nodes: { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, statusFields: ['nodeInfo'] },
  replicationcontrollers: { group: '', version: 'v1', resource: 'replicationcontrollers', kind: 'ReplicationController', namespaced: true },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true },
  cronjobs: { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true },
  roles: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true },
  rolebindings: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', kind: 'RoleBinding', namespaced: true },
  clusterroles: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false },
  clusterrolebindings: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
  networkpolicies: { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
  ingresses: { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', kind: 'Ingress', namespaced: true },
  validatingwebhookconfigurations: { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration', namespaced: false },
  mutatingwebhookconfigurations: { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration', namespaced: false },
  validatingadmissionpolicies: { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicies', kind: 'ValidatingAdmissionPolicy', namespaced: false },
  validatingadmissionpolicybindings: { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicybindings', kind: 'ValidatingAdmissionPolicyBinding', namespaced: false },
  customresourcedefinitions: {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    namesOnly: true,
  },
} as const satisfies Record<string, KindInfo>;

export type KindKey = keyof typeof KINDS;

/** The annotation `kubectl apply` (client-side) keeps: a whole copy of the object as applied, which no control reads. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * What the collector keeps of a listed object, in place: no `metadata.managedFields` (server-side
 * apply's bookkeeping: about half of a typical object, 45% of the benchmark's Pods' bytes) and no
 * last-applied annotation (client-side apply's copy of the object), only the `status` fields
 * KINDS declares where it declares them. No control or insight reads what is dropped:
 * status-fields.test.ts checks that every fixture gives the same results and insights either way.
 */
export function trimListed<T extends { metadata?: unknown; status?: unknown }>(item: T, info: KindInfo): T {
  const meta = item.metadata as { managedFields?: unknown; annotations?: Record<string, string> } | undefined;
  if (meta?.managedFields !== undefined) delete meta.managedFields;
  if (meta?.annotations?.[LAST_APPLIED] !== undefined) delete meta.annotations[LAST_APPLIED];
  if (info.statusFields && item.status !== undefined) item.status = keepFields(item.status, info.statusFields);
  return item;
}

/**
 * What the collector keeps of one item of a list: trimmed (trimListed); for metadata-only kinds
 * its metadata alone and for names-only kinds its name alone, whatever the server sent (defence
 * in depth). Lists omit each item's apiVersion and kind; they are restored, so that objects look
 * as they do alone.
 */
export function keptOf(item: K8sObject, info: KindInfo): K8sObject {
  trimListed(item, info);
  const apiVersion = apiVersionOf(info);
  if (info.namesOnly) return { apiVersion, kind: info.kind, metadata: { name: item.metadata.name } };
  if (info.metadataOnly) return { apiVersion, kind: info.kind, metadata: item.metadata };
  item.apiVersion = apiVersion;
  item.kind = info.kind;
  return item;
}

/** One page of a list as the collector keeps it, and the token for the next. */
export interface ListPage {
  items: K8sObject[];
  continue?: string;
}

/**
 * A parsed page of a list (a List, a PartialObjectMetadataList, or for names-only kinds a Table)
 * as the collector keeps it. Throws on a Table without a name column.
 */
export function pageOf(list: unknown, info: KindInfo): ListPage {
  const page = (list ?? {}) as {
    kind?: string;
    items?: K8sObject[];
    rows?: { cells?: unknown[] }[];
    columnDefinitions?: { name?: string; format?: string }[];
    metadata?: { continue?: string };
  };
  const token = page.metadata?.continue || undefined;
  let items: K8sObject[];
  if (page.kind === 'Table') {
    const at = (page.columnDefinitions ?? []).findIndex((c) => c.format === 'name');
    if (at < 0) throw new Error('the server listed a table without a name column');
    const apiVersion = apiVersionOf(info);
    items = [];
    for (const row of page.rows ?? []) {
      const name = row.cells?.[at];
      if (typeof name === 'string') items.push({ apiVersion, kind: info.kind, metadata: { name } });
    }
  } else {
    items = (page.items ?? []).map((item) => keptOf(item, info));
  }
  return token ? { items, continue: token } : { items };
}

/** Only `fields` of an object (KindInfo.statusFields). */
export function keepFields(value: unknown, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (value === null || typeof value !== 'object') return out;
  for (const f of fields) if (Object.hasOwn(value, f)) out[f] = (value as Record<string, unknown>)[f];
  return out;
}

/**
 * How to ask for a list of a kind: the Accept header and any query parameters beside `limit` and
 * `continue`. Metadata-only lists have no plain-JSON fallback: a server that cannot honour it
 * answers 406 instead of sending objects' data. Names-only lists fall back to plain JSON (as
 * kubectl's do), which pageOf reduces to names.
 */
export function listRequest(info: KindInfo): { accept: string; query: Record<string, string> } {
  if (info.metadataOnly) return { accept: METADATA_ONLY, query: {} };
  if (info.namesOnly) return { accept: TABLE, query: { includeObject: 'None' } };
  return { accept: 'application/json', query: {} };
}

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export const METADATA_ONLY =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1';

export const KIND_KEYS = Object.keys(KINDS) as KindKey[];

const byKind = new Map<string, KindKey>(KIND_KEYS.map((k) => [KINDS[k].kind, k]));

/** The kind key for an object's `kind` field, if k8s-audit knows it. */
export function kindKeyOf(kind: string): KindKey | undefined {
  return byKind.get(kind);
}

/** Kinds that older API groups served under the same name (`extensions/v1beta1` Deployments, say). */
const LEGACY_GROUPS: Record<string, readonly string[]> = { extensions: ['Deployment', 'DaemonSet', 'ReplicaSet', 'NetworkPolicy', 'Ingress'] };

/**
 * The kind key of an object (read from files) of a kind k8s-audit checks, matched by kind and API group: a Calico
 * `projectcalico.org/v3` NetworkPolicy is not one.
 */
export function checkedKindOf(apiVersion: string, kind: string): KindKey | undefined {
  const key = kindKeyOf(kind);
  if (!key) return undefined;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return group === KINDS[key].group || LEGACY_GROUPS[group]?.includes(kind) ? key : undefined;
}

export function apiVersionOf(info: KindInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** The URL path to list a kind, cluster-wide or in one namespace. */
export function listPath(info: KindInfo, namespace?: string): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  return namespace && info.namespaced
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${info.resource}`
    : `${base}/${info.resource}`;
}

/** The RBAC permission the scanner needs to read a kind, in words: `list pods` (group) */
export function permissionFor(info: KindInfo, namespace?: string): string {
  const res = info.group ? `${info.resource}.${info.group}` : info.resource;
  const where = info.namespaced ? (namespace ? ` in namespace ${namespace}` : ' (cluster-wide)') : '';
  return `list ${res}${where}`;
}

/**
 * The order to start listing kinds in: Pods first — on any real cluster the longest
 * list, read page after page, so the scan waits for its last page; every other kind
 * fits in the time it takes — then the rest by name, for a stable order.
 */
export function listingOrder(kinds: Iterable<KindKey>): KindKey[] {
  return [...new Set(kinds)].sort((a, b) => (a === 'pods' ? -1 : b === 'pods' ? 1 : a < b ? -1 : a > b ? 1 : 0));
}
