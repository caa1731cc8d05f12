/**
 * ServiceAccounts as pods use them: which account a pod spec runs as, whether
 * its token is mounted, and whether RBAC grants the account anything.
 */
import type { K8sObject, ObjectMeta, PodSpec } from './k8s.ts';
import type { Snapshot } from './snapshot.ts';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

/** The annotation the kubelet sets on the API mirror of a static pod. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/**
 * The ServiceAccount a pod spec runs as: `serviceAccountName`, else the
 * deprecated `serviceAccount`, else `default` (what the ServiceAccount
 * admission plugin fills in).
 */
export function serviceAccountNameOf(spec: PodSpec): string {
  return spec.serviceAccountName || spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
}

/** Which field the account name came from, for findings' paths. */
export function serviceAccountField(spec: PodSpec): 'serviceAccountName' | 'serviceAccount' | undefined {
  if (spec.serviceAccountName) return 'serviceAccountName';
  if (spec.serviceAccount) return 'serviceAccount';
  return undefined;
}

/**
 * Static pods (their API mirrors carry `kubernetes.io/config.mirror`) cannot
 * use ServiceAccounts: the admission plugin leaves them alone and the kubelet
 * mounts no token.
 */
export function isMirrorPod(kind: string, meta: ObjectMeta): boolean {
  return kind === 'Pod' && meta.annotations?.[MIRROR_POD_ANNOTATION] !== undefined;
}

export type AutomountSource = 'pod' | 'serviceaccount' | 'default' | 'serviceaccount-missing' | 'admitted';

export interface AutomountResolution {
  /** Whether the ServiceAccount admission plugin mounts the API token into the pod. */
  mounted: boolean;
  /** What decided it. */
  source: AutomountSource;
  serviceAccount: string;
  /** The ServiceAccount object, when it exists in the snapshot. */
  account?: K8sObject;
}

/**
 * The index of a volume that projects a ServiceAccount token the API server accepts, or -1: a serviceAccountToken
 * source without an audience (the token is then for the API server), or whose audience names kubernetes.default.svc.
 * A token for another audience (Vault, AWS STS for EKS's IAM roles for service accounts, a mesh) is refused by the API
 * server, so it is no API credential.
 */
export function apiTokenVolume(spec: PodSpec): number {
  return (spec.volumes ?? []).findIndex((v) => {
    const sources = (v?.projected as { sources?: { serviceAccountToken?: { audience?: unknown } | null }[] } | undefined)?.sources;
    if (!Array.isArray(sources)) return false;
    return sources.some((src) => {
      const token = src?.serviceAccountToken;
      if (token == null) return false;
      const audience = token.audience;
      return audience === undefined || audience === null || audience === '' || (typeof audience === 'string' && audience.includes('kubernetes.default.svc'));
    });
  });
}

/** Where the ServiceAccount admission plugin mounts the token into every container. */
const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Whether an admitted Pod got the API token from the ServiceAccount admission plugin: it carries the volume the
 * plugin adds, `kube-api-access-<random>` (a projected serviceAccountToken, since v1.22), or, from an older cluster, a
 * Secret volume mounted where the plugin mounts the token.
 */
export function hasAdmissionTokenVolume(spec: PodSpec): boolean {
  const volumes = spec.volumes ?? [];
  const projected = volumes.some((v) => {
    if (typeof v?.name !== 'string' || !v.name.startsWith('kube-api-access-')) return false;
    const sources = (v.projected as { sources?: { serviceAccountToken?: unknown }[] } | undefined)?.sources;
    return Array.isArray(sources) && sources.some((src) => src?.serviceAccountToken != null);
  });
  if (projected) return true;
  const secretVolumes = new Set(volumes.filter((v) => v?.secret != null).map((v) => v.name));
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].some((c) =>
    (c?.volumeMounts ?? []).some((m) => m?.mountPath?.replace(/\/+$/, '') === TOKEN_MOUNT_PATH && secretVolumes.has(m.name)),
  );
}

/**
 * Token automount as the ServiceAccount admission plugin decides it when a pod
 * is created: the pod spec's `automountServiceAccountToken` when set, else the
 * ServiceAccount's, else true. A missing ServiceAccount cannot decide (pods are
 * refused until it exists); Kubernetes' default (true) is assumed and the
 * source says so. For a Pod read from a cluster (`subjectKind` Pod), admission
 * has decided already: its token volume says what it decided.
 */
export function resolveAutomount(snapshot: Snapshot, namespace: string, spec: PodSpec, subjectKind?: string): AutomountResolution {
  const serviceAccount = serviceAccountNameOf(spec);
  const account = snapshot.get('serviceaccounts', namespace, serviceAccount);
  const base = account ? { serviceAccount, account } : { serviceAccount };
  // A Pod read from the cluster went through admission already: the plugin decided then, and the account's setting
  // may have changed since. Its token volume says what it decided.
  if (subjectKind === 'Pod' && snapshot.source === 'cluster') return { ...base, mounted: hasAdmissionTokenVolume(spec), source: 'admitted' };
  if (typeof spec.automountServiceAccountToken === 'boolean') {
    return { ...base, mounted: spec.automountServiceAccountToken, source: 'pod' };
  }
  if (!account) return { ...base, mounted: true, source: 'serviceaccount-missing' };
  const fromAccount = (account as { automountServiceAccountToken?: unknown }).automountServiceAccountToken;
  if (typeof fromAccount === 'boolean') return { ...base, mounted: fromAccount, source: 'serviceaccount' };
  return { ...base, mounted: true, source: 'default' };
}

export interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface AccountBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  namespace?: string;
  name: string;
  /** How the binding names the account: `ServiceAccount` or `User`. */
  via: string;
}

const bindingIndex = new WeakMap<Snapshot, Map<string, AccountBinding[]>>();

const SA_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

function indexBindings(snapshot: Snapshot): Map<string, AccountBinding[]> {
  const index = new Map<string, AccountBinding[]>();
  const add = (key: string, b: AccountBinding) => {
    const list = index.get(key);
    if (!list) index.set(key, [b]);
    else if (!list.some((x) => x.kind === b.kind && x.namespace === b.namespace && x.name === b.name)) list.push(b);
  };
  const visit = (binding: K8sObject, kind: AccountBinding['kind']) => {
    const bindingNs = kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
    const ref = (via: string): AccountBinding =>
      bindingNs !== undefined ? { kind, namespace: bindingNs, name: binding.metadata.name, via } : { kind, name: binding.metadata.name, via };
    for (const s of subjectsOf(binding)) {
      if (s.kind === 'ServiceAccount') {
        // A RoleBinding's ServiceAccount subject without a namespace means the binding's own.
        const ns = s.namespace || bindingNs;
        if (ns) add(`${ns}/${s.name}`, ref('ServiceAccount'));
      } else if (s.kind === 'User') {
        const m = SA_USER.exec(s.name);
        if (m) add(`${m[1]}/${m[2]}`, ref('User'));
      }
    }
  };
  // A RoleBinding in any namespace may name an account of another one.
  for (const b of snapshot.list('rolebindings')) visit(b, 'RoleBinding');
  for (const b of snapshot.list('clusterrolebindings')) visit(b, 'ClusterRoleBinding');
  return index;
}

/**
 * RoleBindings (in any namespace) and ClusterRoleBindings that name one
 * ServiceAccount: as a ServiceAccount subject, or as the User
 * `system:serviceaccount:<namespace>:<name>`. Grants to groups of accounts
 * (`system:serviceaccounts`, `system:serviceaccounts:<namespace>`) and to
 * everyone (`system:authenticated`) are not counted: they say nothing about
 * what one workload needs, and Kubernetes itself binds `system:serviceaccounts`
 * (service-account-issuer-discovery). Indexed once per snapshot.
 */
export function bindingsOfAccount(snapshot: Snapshot, namespace: string, name: string): AccountBinding[] {
  let index = bindingIndex.get(snapshot);
  if (!index) {
    index = indexBindings(snapshot);
    bindingIndex.set(snapshot, index);
  }
  return [...(index.get(`${namespace}/${name}`) ?? [])];
}

function subjectsOf(binding: K8sObject): RbacSubject[] {
  const subjects = (binding as { subjects?: unknown }).subjects;
  return Array.isArray(subjects) ? (subjects as RbacSubject[]).filter((s) => s && typeof s.kind === 'string' && typeof s.name === 'string') : [];
}
