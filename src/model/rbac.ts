/**
 * The RBAC model: Roles, ClusterRoles, RoleBindings, ClusterRoleBindings and
 * the RBAC authorizer's semantics over them, computed once per snapshot.
 *
 * Semantics follow the API server's RBAC authorizer (k8s.io/kubernetes
 * plugin/pkg/auth/authorizer/rbac and pkg/registry/rbac/validation):
 *
 * - A request is allowed when any rule reachable from a binding that applies to
 *   the requester allows it. ClusterRoleBindings apply everywhere;
 *   RoleBindings only to requests whose namespace is theirs (requests with an
 *   empty namespace — cluster-scoped objects, non-resource URLs — never see a
 *   RoleBinding). A RoleBinding may reference a ClusterRole: its rules then
 *   apply inside the binding's namespace only.
 * - A binding subject applies by kind: `User` by exact user name, `Group` by
 *   membership, `ServiceAccount` by the user name
 *   `system:serviceaccount:<namespace>:<name>`, its namespace defaulting to the
 *   RoleBinding's (a ClusterRoleBinding's ServiceAccount without namespace
 *   matches nobody). Any other kind matches nobody. `apiGroup` is ignored.
 * - A role reference that does not resolve (missing Role, a ClusterRoleBinding
 *   pointing at a Role, an unknown kind) contributes no rules.
 * - Rule matching: verbs, apiGroups and resources match exactly or by `*`;
 *   a resource entry `*` matches every resource and subresource; `*\/x`
 *   matches subresource `x` of any resource; `pods/*` is NOT a wildcard (it
 *   matches only the literal subresource `*`). resourceNames restrict by the
 *   request's name; an empty list allows all names, a non-empty list never
 *   matches a request without a name (`create`, `list` without a
 *   `metadata.name` field selector, `deletecollection`) — but a create by
 *   server-side apply carries the name, so create with resourceNames and patch
 *   creates those objects. nonResourceURLs match
 *   exactly, by `*`, or by prefix when they end in `*`.
 * - Aggregated ClusterRoles are used with the rules the aggregation controller
 *   stored in them (what the authorizer sees); the model only adds, for each
 *   stored rule, which labelled ClusterRole it came from.
 *
 * Not modelled, because they are not RBAC: the `system:masters` group (allowed
 * everything by the API server before any authorizer), the Node authorizer
 * (`system:nodes`), webhook and ABAC authorizers.
 */
import { KINDS, type KindKey } from '../collect/kinds.ts';
import type { InsightProvider } from '../engine/insights.ts';
import type { K8sObject, LabelSelector, PodSpec } from './k8s.ts';
import { otherPolicyApisClause, workloadNetwork } from './network.ts';
import { matchesSelector } from './selectors.ts';
import { apiTokenVolume, isMirrorPod, resolveAutomount, serviceAccountNameOf } from './serviceaccounts.ts';
import { serverAtLeast, type ServerVersion, type Snapshot } from './snapshot.ts';
import { WORKLOAD_KINDS, cmp, containersOf, workloads, type Workload } from './workloads.ts';

// ---------------------------------------------------------------------------
// API shapes

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A subject of a RoleBinding or ClusterRoleBinding. */
export interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  apiGroup?: string;
  kind: string;
  name: string;
}

export const RBAC_KINDS = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'] as const satisfies readonly KindKey[];

// ---------------------------------------------------------------------------
// Identities

export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS_USER = 'system:anonymous';
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';
export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** Who is asking: a user name and the groups the authenticator put it in (user.Info). */
export interface Principal {
  user: string;
  groups: readonly string[];
}

export function serviceAccountUser(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

/** The groups every ServiceAccount token authenticates with. */
export function serviceAccountGroups(namespace: string): string[] {
  return [ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${namespace}`, ALL_AUTHENTICATED];
}

/** A ServiceAccount's identity as the authenticator builds it from its token. */
export function serviceAccountPrincipal(namespace: string, name: string): Principal {
  return { user: serviceAccountUser(namespace, name), groups: serviceAccountGroups(namespace) };
}

/**
 * A user's identity with the groups k8s-audit can know of: `system:anonymous`
 * is in `system:unauthenticated`; anyone else is in `system:authenticated`
 * (their other groups come from the authenticator and are not visible).
 */
export function userPrincipal(name: string, extraGroups: readonly string[] = []): Principal {
  const implicit = name === ANONYMOUS_USER ? ALL_UNAUTHENTICATED : ALL_AUTHENTICATED;
  return { user: name, groups: [...new Set([...extraGroups, implicit])] };
}

/** Groups that contain identities nobody chose one by one: everyone, every anonymous caller, every ServiceAccount. */
export function isBroadGroup(name: string): boolean {
  return name === ALL_AUTHENTICATED || name === ALL_UNAUTHENTICATED || name === ALL_SERVICE_ACCOUNTS || name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`);
}

/**
 * An identity Kubernetes' own components use: a `system:` user or group
 * other than the broad groups and `system:anonymous`, or a ServiceAccount in
 * kube-system. Such subjects of a built-in binding make a built-in grant.
 */
export function isSystemPrincipal(s: RbacSubject, bindingNamespace?: string): boolean {
  if (s.kind === 'ServiceAccount') return (s.namespace || bindingNamespace) === 'kube-system';
  if (s.kind === 'User') return s.name.startsWith('system:') && s.name !== ANONYMOUS_USER && !s.name.startsWith(SERVICE_ACCOUNT_PREFIX);
  if (s.kind === 'Group') return s.name.startsWith('system:') && !isBroadGroup(s.name);
  return false;
}

export const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';

/**
 * Roles and bindings that distributions install without the bootstrapping label, under a `system:` name: CoreDNS's,
 * as kubeadm, kind and k3s create them.
 */
const UNLABELLED_BUILT_INS: ReadonlySet<string> = new Set(['system:coredns']);

/**
 * A role or binding from Kubernetes' default policy: labelled `kubernetes.io/bootstrapping: rbac-defaults`, as the
 * API server labels every one it creates, or one of the few distributions add unlabelled. A `system:` name alone
 * is not enough: anyone who may create a ClusterRole may name it so, and a built-in grant is shown apart, not failed.
 */
export function isBuiltInObject(obj: K8sObject): boolean {
  return obj.metadata.labels?.[BOOTSTRAP_LABEL] === 'rbac-defaults' || UNLABELLED_BUILT_INS.has(obj.metadata.name);
}

// ---------------------------------------------------------------------------
// Rule matching (the authorizer's RuleAllows)

export interface ResourceAttributes {
  verb: string;
  group?: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface NonResourceAttributes {
  verb: string;
  path: string;
}

export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

export function isResourceRequest(a: RequestAttributes): a is ResourceAttributes {
  return 'resource' in a;
}

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

/** `combined` is `resource` or `resource/subresource`. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

export function combinedResource(resource: string, subresource?: string): string {
  return subresource ? `${resource}/${subresource}` : resource;
}

/** Whether one rule allows a request (the authorizer's RuleAllows). */
export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!isResourceRequest(a)) return nonResourceURLMatches(rule, a.path);
  return (
    apiGroupMatches(rule, a.group ?? '') &&
    resourceMatches(rule, combinedResource(a.resource, a.subresource), a.subresource ?? '') &&
    resourceNameMatches(rule, a.name ?? '')
  );
}

/** The rule's lists as the API stores them, with absent lists as empty ones. */
export function normalizeRule(raw: unknown): PolicyRule {
  const r = (raw ?? {}) as Partial<PolicyRule>;
  const out: PolicyRule = { verbs: [...(r.verbs ?? [])] };
  if (r.apiGroups?.length) out.apiGroups = [...r.apiGroups];
  if (r.resources?.length) out.resources = [...r.resources];
  if (r.resourceNames?.length) out.resourceNames = [...r.resourceNames];
  if (r.nonResourceURLs?.length) out.nonResourceURLs = [...r.nonResourceURLs];
  return out;
}

/** Semantic equality of two rules, as the aggregation controller compares them (ordered lists, absent = empty). */
export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  const same = (x: string[] | undefined, y: string[] | undefined) => {
    const p = x ?? [];
    const q = y ?? [];
    return p.length === q.length && p.every((v, i) => v === q[i]);
  };
  return same(a.verbs, b.verbs) && same(a.apiGroups, b.apiGroups) && same(a.resources, b.resources) && same(a.resourceNames, b.resourceNames) && same(a.nonResourceURLs, b.nonResourceURLs);
}

/** A rule as it reads in a manifest, in flow style: `{apiGroups: [""], resources: [secrets], verbs: [get]}`. */
export function describeRule(rule: PolicyRule): string {
  const list = (xs: readonly string[]) => `[${xs.map((x) => (x === '' || /[\s,:{}[\]"']|^\*/.test(x) ? JSON.stringify(x) : x)).join(', ')}]`;
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`apiGroups: ${list(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`resources: ${list(rule.resources)}`);
  if (rule.resourceNames?.length) parts.push(`resourceNames: ${list(rule.resourceNames)}`);
  if (rule.nonResourceURLs?.length) parts.push(`nonResourceURLs: ${list(rule.nonResourceURLs)}`);
  parts.push(`verbs: ${list(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}

// ---------------------------------------------------------------------------
// The model

export interface RoleInfo {
  kind: 'Role' | 'ClusterRole';
  namespace?: string;
  name: string;
  object: K8sObject;
  /**
   * The rules as stored (for an aggregated ClusterRole: as the controller filled them in; from manifests, as it
   * would fill them from the ClusterRoles among the files).
   */
  rules: readonly PolicyRule[];
  builtIn: boolean;
  /** Set for ClusterRoles with an aggregationRule. */
  aggregated: boolean;
  /**
   * For each stored rule of an aggregated ClusterRole: the chain of labelled
   * ClusterRoles it came from, nearest first (`['edit', 'system:aggregate-to-edit']`).
   * An empty chain: no selected ClusterRole holds the rule (stale or hand-added).
   */
  aggregatedFrom?: readonly (readonly string[])[];
}

export interface BindingInfo {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  namespace?: string;
  name: string;
  object: K8sObject;
  roleRef: RoleRef;
  subjects: readonly RbacSubject[];
  /** The role the reference resolves to as the authorizer resolves it; undefined when it does not. */
  role: RoleInfo | undefined;
  builtIn: boolean;
  /** Where the grant applies: the RoleBinding's namespace, or null for every namespace and cluster-scoped objects. */
  scope: string | null;
}

/** One rule reachable by a principal: the binding (and which of its subjects matched), the role, the rule. */
export interface Grant {
  binding: BindingInfo;
  subjectIndex: number;
  role: RoleInfo;
  ruleIndex: number;
  rule: PolicyRule;
  /** The group through which the binding applies, when it was not the user name itself. */
  viaGroup?: string;
}

export interface Decision {
  allowed: boolean;
  /** The first grant that allows it, in the authorizer's visiting order. */
  grant?: Grant;
}

interface Applicable {
  binding: BindingInfo;
  subjectIndex: number;
  viaGroup?: string;
}

function subjectsOf(obj: K8sObject): RbacSubject[] {
  const s = obj.subjects;
  return Array.isArray(s) ? (s as RbacSubject[]) : [];
}

function roleRefOf(obj: K8sObject): RoleRef {
  const r = (obj.roleRef ?? {}) as Partial<RoleRef>;
  const ref: RoleRef = { kind: r.kind ?? '', name: r.name ?? '' };
  if (r.apiGroup !== undefined) ref.apiGroup = r.apiGroup;
  return ref;
}

/**
 * The index key a binding subject matches: `u:<user name>` for users and
 * ServiceAccounts (which match by user name), `g:<group>` for groups, or
 * undefined when the subject can match nobody.
 */
export function subjectKey(s: RbacSubject, bindingNamespace: string | undefined): string | undefined {
  switch (s.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace || '';
      return ns ? `u:${serviceAccountUser(ns, s.name)}` : undefined;
    }
    default:
      return undefined;
  }
}

export class RbacModel {
  readonly roles: readonly RoleInfo[];
  readonly clusterRoles: readonly RoleInfo[];
  /** ClusterRoleBindings, then RoleBindings; each sorted by namespace and name. */
  readonly bindings: readonly BindingInfo[];
  readonly #roleByKey = new Map<string, RoleInfo>();
  readonly #clusterRoleByName = new Map<string, RoleInfo>();
  /** ClusterRoleBindings by subject key. */
  readonly #cluster = new Map<string, Applicable[]>();
  /** RoleBindings by namespace, then subject key. */
  readonly #namespaced = new Map<string, Map<string, Applicable[]>>();
  /** RoleBindings of every namespace by subject key (for a principal's grants everywhere). */
  readonly #namespacedAll = new Map<string, Applicable[]>();
  /** Each binding's position in `bindings`, to keep answers in a stable order. */
  readonly #order = new Map<BindingInfo, number>();

  constructor(input: {
    roles: readonly K8sObject[];
    clusterRoles: readonly K8sObject[];
    roleBindings: readonly K8sObject[];
    clusterRoleBindings: readonly K8sObject[];
    /** Objects from manifests: aggregated ClusterRoles hold the rules they were written with, not the controller's. */
    fillAggregated?: boolean;
  }) {
    const byName = (a: K8sObject, b: K8sObject) => cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name, b.metadata.name);
    const toRole = (obj: K8sObject, kind: 'Role' | 'ClusterRole'): RoleInfo => {
      const info: RoleInfo = {
        kind,
        name: obj.metadata.name,
        object: obj,
        rules: (Array.isArray(obj.rules) ? (obj.rules as unknown[]) : []).map(normalizeRule),
        builtIn: isBuiltInObject(obj),
        aggregated: kind === 'ClusterRole' && obj.aggregationRule != null,
      };
      if (obj.metadata.namespace) info.namespace = obj.metadata.namespace;
      return info;
    };
    this.roles = [...input.roles].sort(byName).map((o) => toRole(o, 'Role'));
    this.clusterRoles = [...input.clusterRoles].sort(byName).map((o) => toRole(o, 'ClusterRole'));
    for (const r of this.roles) this.#roleByKey.set(`${r.namespace ?? ''}/${r.name}`, r);
    for (const r of this.clusterRoles) this.#clusterRoleByName.set(r.name, r);
    if (input.fillAggregated) this.#fillAggregated();
    this.#computeAggregation();

    const bindings: BindingInfo[] = [];
    for (const [objs, kind] of [
      [input.clusterRoleBindings, 'ClusterRoleBinding'],
      [input.roleBindings, 'RoleBinding'],
    ] as const) {
      for (const obj of [...objs].sort(byName)) {
        const roleRef = roleRefOf(obj);
        const ns = kind === 'RoleBinding' ? (obj.metadata.namespace ?? '') : undefined;
        const b: BindingInfo = {
          kind,
          name: obj.metadata.name,
          object: obj,
          roleRef,
          subjects: subjectsOf(obj),
          role: this.resolveRoleRef(roleRef, ns ?? ''),
          builtIn: isBuiltInObject(obj),
          scope: ns ?? null,
        };
        if (ns !== undefined) b.namespace = ns;
        this.#order.set(b, bindings.length);
        bindings.push(b);
        const indices = ns === undefined ? [this.#cluster] : [this.#namespacedIndex(ns), this.#namespacedAll];
        for (const [key, subjectIndex] of subjectKeys(b)) {
          for (const index of indices) {
            let list = index.get(key);
            if (!list) index.set(key, (list = []));
            list.push({ binding: b, subjectIndex });
          }
        }
      }
    }
    this.bindings = bindings;
  }

  #namespacedIndex(ns: string): Map<string, Applicable[]> {
    let m = this.#namespaced.get(ns);
    if (!m) this.#namespaced.set(ns, (m = new Map()));
    return m;
  }

  /** The role a binding's roleRef resolves to, as GetRoleReferenceRules does (`bindingNamespace` '' for ClusterRoleBindings). */
  resolveRoleRef(ref: RoleRef, bindingNamespace: string): RoleInfo | undefined {
    if (ref.kind === 'ClusterRole') return this.#clusterRoleByName.get(ref.name);
    if (ref.kind === 'Role') return bindingNamespace ? this.#roleByKey.get(`${bindingNamespace}/${ref.name}`) : undefined;
    return undefined;
  }

  role(namespace: string, name: string): RoleInfo | undefined {
    return this.#roleByKey.get(`${namespace}/${name}`);
  }

  clusterRole(name: string): RoleInfo | undefined {
    return this.#clusterRoleByName.get(name);
  }

  /** ClusterRoles an aggregated ClusterRole selects, in the controller's order (per selector, by name), without itself. */
  aggregationSources(role: RoleInfo): RoleInfo[] {
    const rule = role.object.aggregationRule as { clusterRoleSelectors?: LabelSelector[] } | undefined;
    const out: RoleInfo[] = [];
    const seen = new Set<string>();
    for (const selector of rule?.clusterRoleSelectors ?? []) {
      for (const cr of this.clusterRoles) {
        if (cr.name === role.name || seen.has(cr.name)) continue;
        if (matchesSelector(selector, cr.object.metadata.labels)) {
          seen.add(cr.name);
          out.push(cr);
        }
      }
    }
    return out;
  }

  /**
   * As the aggregation controller fills an aggregated ClusterRole: the rules of the ClusterRoles its selectors pick,
   * in its order, each rule once; repeated until nothing changes, since a source may itself be aggregated. (From a
   * live cluster the stored rules are what the authorizer uses, and are kept.)
   */
  #fillAggregated(): void {
    const aggregated = this.clusterRoles.filter((r) => r.aggregated);
    for (let round = 0; round <= aggregated.length; round++) {
      let changed = false;
      for (const role of aggregated) {
        const rules: PolicyRule[] = [];
        for (const src of this.aggregationSources(role)) for (const r of src.rules) if (!rules.some((x) => rulesEqual(x, r))) rules.push(r);
        if (rules.length !== role.rules.length || rules.some((r, i) => !rulesEqual(r, role.rules[i]!))) {
          role.rules = rules;
          changed = true;
        }
      }
      if (!changed) break;
    }
  }

  #computeAggregation(): void {
    const chains = new Map<string, (readonly string[])[]>();
    const visiting = new Set<string>();
    const chainsOf = (role: RoleInfo): (readonly string[])[] => {
      const done = chains.get(role.name);
      if (done) return done;
      visiting.add(role.name);
      const sources = this.aggregationSources(role);
      const result = role.rules.map((rule) => {
        for (const src of sources) {
          const j = src.rules.findIndex((r) => rulesEqual(r, rule));
          if (j < 0) continue;
          // Follow the rule down when the source is itself aggregated.
          const deeper = src.aggregated && !visiting.has(src.name) ? (chainsOf(src)[j] ?? []) : [];
          return [src.name, ...deeper];
        }
        return [];
      });
      visiting.delete(role.name);
      chains.set(role.name, result);
      return result;
    };
    for (const role of this.clusterRoles) {
      if (role.aggregated) role.aggregatedFrom = chainsOf(role);
    }
  }

  #applicable(p: Principal, index: Map<string, Applicable[]> | undefined): Applicable[] {
    if (!index) return [];
    const found = new Map<BindingInfo, Applicable>();
    const add = (list: Applicable[] | undefined, viaGroup?: string) => {
      for (const a of list ?? []) {
        const prev = found.get(a.binding);
        if (!prev || a.subjectIndex < prev.subjectIndex) found.set(a.binding, viaGroup === undefined ? a : { ...a, viaGroup });
      }
    };
    add(index.get(`u:${p.user}`));
    for (const g of new Set(p.groups)) add(index.get(`g:${g}`), g);
    return [...found.values()].sort((a, b) => this.#order.get(a.binding)! - this.#order.get(b.binding)!);
  }

  /** Bindings that apply to a principal for requests in `namespace` ('' for cluster-scoped and non-resource requests). */
  bindingsFor(p: Principal, namespace: string): Applicable[] {
    const cluster = this.#applicable(p, this.#cluster);
    return namespace ? [...cluster, ...this.#applicable(p, this.#namespaced.get(namespace))] : cluster;
  }

  /** Every rule a principal reaches, in any namespace: ClusterRoleBindings first, then RoleBindings (by namespace and name). */
  grantsOf(p: Principal): Grant[] {
    return expand([...this.#applicable(p, this.#cluster), ...this.#applicable(p, this.#namespacedAll)]);
  }

  /**
   * `grantsOf(p).filter((g) => relevant(g.rule))`, in the same order, at the cost of the bindings that carry a relevant
   * rule only. A binding to a broad group (`system:authenticated`, `system:serviceaccounts`) applies to every principal:
   * expanding all of its rules for each of thousands of principals made the work principals × bindings × rules even
   * when none of those rules mattered. `relevant` must be a pure function of the rule, and the same function object
   * each time (its indices are built once per model).
   */
  grantsWhere(p: Principal, relevant: (rule: PolicyRule) => boolean): Grant[] {
    const f = this.#filtered(relevant);
    const out: Grant[] = [];
    for (const a of [...this.#applicable(p, f.cluster), ...this.#applicable(p, f.namespacedAll)]) {
      const role = a.binding.role!;
      for (const i of f.rules.get(role)!) out.push(grantOf(a, role, i));
    }
    return out;
  }

  readonly #filters = new Map<(rule: PolicyRule) => boolean, Filtered>();

  /** The subject indices restricted to bindings whose role has a rule `relevant` accepts, and those rules' indices per role. */
  #filtered(relevant: (rule: PolicyRule) => boolean): Filtered {
    let f = this.#filters.get(relevant);
    if (f) return f;
    f = { cluster: new Map(), namespacedAll: new Map(), rules: new Map() };
    for (const role of [...this.roles, ...this.clusterRoles]) {
      const kept: number[] = [];
      role.rules.forEach((rule, i) => {
        if (relevant(rule)) kept.push(i);
      });
      if (kept.length > 0) f.rules.set(role, kept);
    }
    for (const b of this.bindings) {
      if (!b.role || !f.rules.has(b.role)) continue;
      const index = b.scope === null ? f.cluster : f.namespacedAll;
      for (const [key, subjectIndex] of subjectKeys(b)) {
        let list = index.get(key);
        if (!list) index.set(key, (list = []));
        list.push({ binding: b, subjectIndex });
      }
    }
    this.#filters.set(relevant, f);
    return f;
  }

  /** Every binding that applies to a principal somewhere: ClusterRoleBindings first, then RoleBindings. */
  bindingsOf(p: Principal): BindingInfo[] {
    return [...this.#applicable(p, this.#cluster), ...this.#applicable(p, this.#namespacedAll)].map((a) => a.binding);
  }

  /** The RBAC authorizer's decision for one request. */
  authorize(p: Principal, attrs: RequestAttributes): Decision {
    const ns = isResourceRequest(attrs) ? (attrs.namespace ?? '') : '';
    for (const a of this.bindingsFor(p, ns)) {
      const role = a.binding.role;
      if (!role) continue;
      for (let i = 0; i < role.rules.length; i++) {
        const rule = role.rules[i]!;
        if (ruleAllows(rule, attrs)) return { allowed: true, grant: grantOf(a, role, i) };
      }
    }
    return { allowed: false };
  }
}

interface Filtered {
  cluster: Map<string, Applicable[]>;
  namespacedAll: Map<string, Applicable[]>;
  rules: Map<RoleInfo, number[]>;
}

/** The index keys of a binding's subjects with the first subject that has each (a subject that matches nobody has none). */
function subjectKeys(b: BindingInfo): [string, number][] {
  const out: [string, number][] = [];
  const seen = new Set<string>();
  b.subjects.forEach((s, i) => {
    const key = subjectKey(s, b.namespace);
    if (!key || seen.has(key)) return;
    seen.add(key);
    out.push([key, i]);
  });
  return out;
}

function grantOf(a: Applicable, role: RoleInfo, ruleIndex: number): Grant {
  const g: Grant = { binding: a.binding, subjectIndex: a.subjectIndex, role, ruleIndex, rule: role.rules[ruleIndex]! };
  if (a.viaGroup !== undefined) g.viaGroup = a.viaGroup;
  return g;
}

function expand(applicable: Applicable[]): Grant[] {
  const out: Grant[] = [];
  for (const a of applicable) {
    const role = a.binding.role;
    if (!role) continue;
    for (let i = 0; i < role.rules.length; i++) out.push(grantOf(a, role, i));
  }
  return out;
}

const models = new WeakMap<Snapshot, RbacModel>();

/** The RBAC model of a snapshot, built once. */
export function rbacModel(snapshot: Snapshot): RbacModel {
  let m = models.get(snapshot);
  if (!m) {
    m = new RbacModel({
      roles: snapshot.list('roles'),
      clusterRoles: snapshot.list('clusterroles'),
      roleBindings: snapshot.list('rolebindings'),
      clusterRoleBindings: snapshot.list('clusterrolebindings'),
      fillAggregated: snapshot.source === 'manifests',
    });
    models.set(snapshot, m);
  }
  return m;
}

/** The principal a binding subject stands for, with the implicit groups it is known to have; undefined for groups and unknown kinds. */
export function principalOfSubject(s: RbacSubject, bindingNamespace?: string): Principal | undefined {
  if (s.kind === 'User') {
    if (s.name.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      const [ns, name] = s.name.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
      if (ns && name) return serviceAccountPrincipal(ns, name);
    }
    return userPrincipal(s.name);
  }
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace || bindingNamespace;
    return ns ? serviceAccountPrincipal(ns, s.name) : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Probes: "does this rule grant that permission, and how far?"

/** A permission asked of rules: any of `verbs` on one resource. */
export interface Probe {
  verbs: readonly string[];
  group: string;
  resource: string;
  subresource?: string;
  /** The resource is cluster-scoped: RoleBindings never grant it. */
  clusterScoped?: boolean;
  /** Only grants that reach this namespace count (RoleBindings elsewhere do not). */
  namespace?: string;
  /** Only these objects count: a rule restricted to other names does not grant it. */
  names?: readonly string[];
}

export interface ProbeMatch {
  probe: Probe;
  /** The probe's verbs the rule allows. */
  verbs: string[];
  /** `resource/subresource` with `.group` when not core, e.g. `pods/exec`, `deployments.apps`. */
  resource: string;
  /** The names the grant is limited to; absent when it covers every object. */
  resourceNames?: string[];
}

/**
 * Verbs whose requests carry no object name, so a rule with resourceNames never allows them: deletecollection, and
 * create — unless the rule also allows patch on those names: server-side apply of an object that does not exist
 * creates it, and the API server authorizes that as create with the object's name (k8s.io/apiserver
 * pkg/endpoints/handlers/patch.go, createAuthorizerAttributes), which the rule's resourceNames match.
 */
function isNameless(rule: PolicyRule, verb: string, subresource: string | undefined): boolean {
  if (subresource) return false;
  if (verb === 'create') return !verbMatches(rule, 'patch');
  return verb === 'deletecollection';
}

export function probeLabel(p: Probe): string {
  const r = combinedResource(p.resource, p.subresource);
  return p.group ? `${r}.${p.group}` : r;
}

/** Whether a rule grants a probe (ignoring where the rule is bound), and with which verbs and names. */
export function matchProbe(rule: PolicyRule, probe: Probe): ProbeMatch | undefined {
  if (!apiGroupMatches(rule, probe.group)) return undefined;
  if (!resourceMatches(rule, combinedResource(probe.resource, probe.subresource), probe.subresource ?? '')) return undefined;
  const names = rule.resourceNames ?? [];
  let limited: string[] | undefined;
  if (names.length > 0) {
    limited = probe.names ? names.filter((n) => probe.names!.includes(n)) : [...names];
    if (limited.length === 0) return undefined;
  } else if (probe.names) {
    limited = undefined; // the rule covers every name, the probed ones included
  }
  const verbs = probe.verbs.filter((v) => verbMatches(rule, v) && !(limited && isNameless(rule, v, probe.subresource)));
  if (verbs.length === 0) return undefined;
  const m: ProbeMatch = { probe, verbs, resource: probeLabel(probe) };
  if (limited) m.resourceNames = limited;
  return m;
}

const probeMatches = new WeakMap<PolicyRule, Map<Probe, ProbeMatch | null>>();

/**
 * matchProbe, memoised per (rule object, probe object): a role's rules are shared
 * by every binding of the role, and each control asks the same probes of all of
 * them. The match does not depend on the binding (scopeReaches does that part).
 * Shared: read the matches, never modify them.
 */
export function matchProbeMemo(rule: PolicyRule, probe: Probe): ProbeMatch | undefined {
  let byProbe = probeMatches.get(rule);
  if (!byProbe) probeMatches.set(rule, (byProbe = new Map()));
  let m = byProbe.get(probe);
  if (m === undefined) byProbe.set(probe, (m = matchProbe(rule, probe) ?? null));
  return m ?? undefined;
}

/**
 * Built-in resources whose objects are cluster-scoped, by API group: a request for them carries no namespace,
 * so no RoleBinding applies to it. `namespaces` is not here: a request for a Namespace carries its name as
 * the namespace, so a RoleBinding in `shop` can grant `get namespaces/shop`.
 */
const CLUSTER_SCOPED: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    '': ['nodes', 'persistentvolumes', 'componentstatuses', 'users', 'groups'],
    'rbac.authorization.k8s.io': ['clusterroles', 'clusterrolebindings'],
    'storage.k8s.io': ['storageclasses', 'csidrivers', 'csinodes', 'volumeattachments', 'volumeattributesclasses'],
    'apiextensions.k8s.io': ['customresourcedefinitions'],
    'apiregistration.k8s.io': ['apiservices'],
    'admissionregistration.k8s.io': [
      'validatingwebhookconfigurations',
      'mutatingwebhookconfigurations',
      'validatingadmissionpolicies',
      'validatingadmissionpolicybindings',
      'mutatingadmissionpolicies',
      'mutatingadmissionpolicybindings',
    ],
    'certificates.k8s.io': ['certificatesigningrequests', 'clustertrustbundles', 'signers'],
    'scheduling.k8s.io': ['priorityclasses'],
    'node.k8s.io': ['runtimeclasses'],
    'networking.k8s.io': ['ingressclasses', 'ipaddresses', 'servicecidrs'],
    'flowcontrol.apiserver.k8s.io': ['flowschemas', 'prioritylevelconfigurations'],
    // users, groups, userextras and nodes: what constrained impersonation authorizes (impersonate:<mode> verbs).
    'authentication.k8s.io': ['tokenreviews', 'selfsubjectreviews', 'uids', 'users', 'groups', 'userextras', 'nodes'],
    'authorization.k8s.io': ['subjectaccessreviews', 'selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  }).map(([group, resources]) => [group, new Set(resources)]),
);

/**
 * Whether a rule can allow a request inside a namespace, as it must to grant anything through a RoleBinding:
 * some group and resource it names is not a built-in cluster-scoped one (a wildcard, a custom resource, any
 * namespaced kind). Binding a ClusterRole is the exception: `bind` on clusterroles is checked in the namespace of
 * the RoleBinding being written.
 */
export function reachesNamespace(rule: PolicyRule): boolean {
  for (const group of rule.apiGroups ?? []) {
    const clusterScoped = CLUSTER_SCOPED.get(group);
    for (const resource of rule.resources ?? []) {
      if (!clusterScoped) return true;
      const base = resource.split('/')[0]!;
      if (!clusterScoped.has(base)) return true;
      if (group === 'rbac.authorization.k8s.io' && base === 'clusterroles' && resource === base && (rule.verbs.includes('bind') || rule.verbs.includes('*'))) return true;
    }
  }
  return false;
}

/** Whether a binding's grant reaches where a probe asks. */
export function scopeReaches(binding: BindingInfo, probe: Probe): boolean {
  if (binding.scope === null) return true;
  if (probe.clusterScoped) return false;
  return probe.namespace === undefined || probe.namespace === binding.scope;
}

export interface RuleMatch {
  ruleIndex: number;
  rule: PolicyRule;
  matches: ProbeMatch[];
  aggregatedFrom?: readonly string[];
}

/** The rules of a binding's role that grant any of the probes where the binding applies. */
export function bindingMatches(binding: BindingInfo, probes: readonly Probe[]): RuleMatch[] {
  const role = binding.role;
  if (!role) return [];
  const reachable = probes.filter((p) => scopeReaches(binding, p));
  if (reachable.length === 0) return [];
  const out: RuleMatch[] = [];
  role.rules.forEach((rule, ruleIndex) => {
    const matches = reachable.map((p) => matchProbeMemo(rule, p)).filter((m): m is ProbeMatch => !!m);
    if (matches.length === 0) return;
    const rm: RuleMatch = { ruleIndex, rule, matches };
    const from = role.aggregatedFrom?.[ruleIndex];
    if (from) rm.aggregatedFrom = from;
    out.push(rm);
  });
  return out;
}

// ---------------------------------------------------------------------------
// Dangerous capabilities: what "who can" reports

export const CAPABILITY_IDS = [
  'read-secrets',
  'exec',
  'attach',
  'port-forward',
  'create-pods',
  'create-workloads',
  'escalate',
  'bind',
  'impersonate',
  'nodes-proxy',
  'approve-csrs',
  'create-tokens',
  'change-webhooks',
] as const;
export type CapabilityId = (typeof CAPABILITY_IDS)[number];

export interface Capability {
  id: CapabilityId;
  label: string;
  description: string;
  probes: readonly Probe[];
}

const core = (resource: string, verbs: readonly string[], extra: Partial<Probe> = {}): Probe => ({ verbs, group: '', resource, ...extra });

/** The controllers that create pods, as RBAC names them: the workload kinds of the model, minus Pods themselves. */
export const WORKLOAD_RESOURCES: readonly { group: string; resource: string }[] = WORKLOAD_KINDS.filter((k) => k !== 'pods').map((k) => ({
  group: KINDS[k].group,
  resource: KINDS[k].resource,
}));

export const CAPABILITIES: readonly Capability[] = [
  {
    id: 'read-secrets',
    label: 'Read Secrets',
    description: 'get, list or watch Secrets: every credential stored in the namespace, ServiceAccount tokens included.',
    probes: [core('secrets', ['get', 'list', 'watch'])],
  },
  {
    id: 'exec',
    label: 'Exec into pods',
    description: 'Run commands in running containers (create pods/exec; get suffices on servers before 1.35 or without AuthorizePodWebsocketUpgradeCreatePermission).',
    probes: [core('pods', ['create', 'get'], { subresource: 'exec' })],
  },
  {
    id: 'attach',
    label: 'Attach to pods',
    description: 'Attach to the console of running containers (pods/attach).',
    probes: [core('pods', ['create', 'get'], { subresource: 'attach' })],
  },
  {
    id: 'port-forward',
    label: 'Port-forward to pods',
    description: 'Open connections to any port of a pod, bypassing Services and NetworkPolicies at the edge (pods/portforward).',
    probes: [core('pods', ['create', 'get'], { subresource: 'portforward' })],
  },
  {
    id: 'create-pods',
    label: 'Create or change pods',
    description:
      'Create pods: run any image with any ServiceAccount of the namespace, and mount its Secrets. Changing a pod (update or patch: a new image) or adding an ephemeral container to it (pods/ephemeralcontainers, as kubectl debug does) runs any image with that pod\'s ServiceAccount and volumes.',
    probes: [core('pods', ['create', 'update', 'patch']), core('pods', ['update', 'patch'], { subresource: 'ephemeralcontainers' })],
  },
  {
    id: 'create-workloads',
    label: 'Create or change workloads',
    description:
      'Create Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs or ReplicationControllers, which create pods; or update or patch one (but a Job, whose pod template is immutable): its controller then creates pods from the changed template, any image and any ServiceAccount of the namespace.',
    probes: WORKLOAD_RESOURCES.map((w) => ({ verbs: w.resource === 'jobs' ? ['create'] : ['create', 'update', 'patch'], group: w.group, resource: w.resource })),
  },
  {
    id: 'escalate',
    label: 'Escalate roles',
    description: 'Create or update Roles and ClusterRoles with permissions the subject does not hold (escalate).',
    // Escalating a ClusterRole is authorized at cluster scope only (the request has no namespace), so a RoleBinding
    // cannot grant it; binding one can be (a RoleBinding to a ClusterRole is checked in the binding's namespace).
    probes: [
      { verbs: ['escalate'], group: 'rbac.authorization.k8s.io', resource: 'roles' },
      { verbs: ['escalate'], group: 'rbac.authorization.k8s.io', resource: 'clusterroles', clusterScoped: true },
    ],
  },
  {
    id: 'bind',
    label: 'Bind roles',
    description: 'Bind Roles and ClusterRoles the subject does not hold itself (bind).',
    probes: ['roles', 'clusterroles'].map((resource) => ({ verbs: ['bind'], group: 'rbac.authorization.k8s.io', resource })),
  },
  {
    id: 'impersonate',
    label: 'Impersonate',
    description:
      'Act as another user, group, ServiceAccount or UID (impersonate), or, by constrained impersonation (on by default from 1.36), as a user, a ServiceAccount or any node (impersonate:user-info, impersonate:serviceaccount, impersonate:arbitrary-node in authentication.k8s.io) for the requests its impersonate-on:<mode>:<verb> grants allow.',
    probes: [
      core('users', ['impersonate'], { clusterScoped: true }),
      core('groups', ['impersonate'], { clusterScoped: true }),
      core('serviceaccounts', ['impersonate']),
      { verbs: ['impersonate'], group: 'authentication.k8s.io', resource: 'uids', clusterScoped: true },
      // Constrained impersonation (KEP-5284, k8s.io/apiserver/pkg/endpoints/filters/impersonation/mode.go): the
      // identity is authorized with the verb impersonate:<mode> in authentication.k8s.io (ServiceAccounts in their
      // namespace), the request itself with impersonate-on:<mode>:<verb>. Groups, UIDs and extras can only come
      // with a user (user-info mode). impersonate:associated-node is left out: it lets a ServiceAccount act only as
      // the node its own pod runs on (node agents).
      { verbs: ['impersonate:user-info'], group: 'authentication.k8s.io', resource: 'users', clusterScoped: true },
      { verbs: ['impersonate:serviceaccount'], group: 'authentication.k8s.io', resource: 'serviceaccounts' },
      { verbs: ['impersonate:arbitrary-node'], group: 'authentication.k8s.io', resource: 'nodes', clusterScoped: true },
    ],
  },
  {
    id: 'nodes-proxy',
    label: 'Proxy to kubelets',
    description: 'Reach the kubelet API through nodes/proxy: exec into any pod on the node, bypassing admission and audit.',
    probes: [core('nodes', ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], { subresource: 'proxy', clusterScoped: true })],
  },
  {
    id: 'approve-csrs',
    label: 'Approve certificate requests',
    description:
      'Approve CertificateSigningRequests: update certificatesigningrequests/approval, together with approve on the signers whose requests it may approve (listed as the names it is limited to), e.g. kubernetes.io/kube-apiserver-client for client certificates.',
    probes: [{ verbs: ['update', 'patch'], group: 'certificates.k8s.io', resource: 'certificatesigningrequests', subresource: 'approval', clusterScoped: true }],
  },
  {
    id: 'create-tokens',
    label: 'Create ServiceAccount tokens',
    description: 'Mint tokens for ServiceAccounts (serviceaccounts/token) and act as them.',
    probes: [core('serviceaccounts', ['create'], { subresource: 'token' })],
  },
  {
    id: 'change-webhooks',
    label: 'Change admission webhooks',
    description: 'Create, change or delete Validating/MutatingWebhookConfigurations: intercept or rewrite every API request.',
    probes: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'].map((resource) => ({
      verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'],
      group: 'admissionregistration.k8s.io',
      resource,
      clusterScoped: true,
    })),
  },
];

export function capability(id: CapabilityId): Capability {
  return CAPABILITIES.find((c) => c.id === id)!;
}

/** A verb of constrained impersonation (KEP-5284): `impersonate:<mode>`. */
export function isConstrainedImpersonationVerb(verb: string): boolean {
  return verb.startsWith('impersonate:');
}

/**
 * Why verbs matched for a capability allow nothing on a server of this version with its default feature gates, or
 * undefined when they do (or the version is unknown):
 * - `get-only`: get alone on pods/exec, attach or portforward from 1.35, where AuthorizePodWebsocketUpgradeCreatePermission
 *   (beta, on by default) also asks create of the WebSocket upgrade, and the SPDY request is a create;
 * - `constrained-impersonation`: only constrained impersonation verbs before 1.36: the ConstrainedImpersonation filter
 *   replaces the legacy one only when its gate is on (alpha and off by default in 1.35, absent before; beta and on from
 *   1.36; k8s.io/apiserver pkg/server/config.go), and the legacy filter asks only `impersonate`.
 */
/** Why a grant of inertByVersion allows nothing, in words. */
export const INERT_REASON = {
  'get-only': 'get only, which from 1.35 does not allow it while AuthorizePodWebsocketUpgradeCreatePermission is on, its default',
  'constrained-impersonation': 'constrained impersonation, which the API server before 1.36 ignores unless the ConstrainedImpersonation feature gate is enabled',
} as const;

export function inertByVersion(capabilityId: CapabilityId, verbs: readonly string[], server: ServerVersion | undefined): 'get-only' | 'constrained-impersonation' | undefined {
  if ((capabilityId === 'exec' || capabilityId === 'attach' || capabilityId === 'port-forward') && !verbs.includes('create') && serverAtLeast(server, 35)) return 'get-only';
  if (capabilityId === 'impersonate' && server && verbs.length > 0 && verbs.every(isConstrainedImpersonationVerb) && !serverAtLeast(server, 36)) return 'constrained-impersonation';
  return undefined;
}

// ---------------------------------------------------------------------------
// ServiceAccount tokens in workloads (attack paths)

export interface TokenMount {
  workload: Workload;
  /** The ServiceAccount the pods run as. */
  serviceAccount: string;
  /** How the token gets into the pod: automounted, or through a projected serviceAccountToken volume. */
  how: 'automount' | 'projected';
}

/**
 * Whether pods of this workload receive their ServiceAccount's token: the pod's automountServiceAccountToken wins over
 * the ServiceAccount's; unset on both means yes (a Pod read from a cluster: whether admission mounted it, see
 * resolveAutomount). A projected serviceAccountToken volume for the API server mounts one regardless.
 */
export function tokenMountOf(snapshot: Snapshot, w: Workload): TokenMount['how'] | undefined {
  if (resolveAutomount(snapshot, w.subject.namespace ?? '', w.podSpec, w.subject.kind).mounted) return 'automount';
  return apiTokenVolume(w.podSpec) >= 0 ? 'projected' : undefined;
}

const mountCache = new WeakMap<Snapshot, Map<string, TokenMount[]>>();

/** Workloads that mount a ServiceAccount token, by the ServiceAccount's user name. */
export function tokenMounts(snapshot: Snapshot): Map<string, TokenMount[]> {
  const hit = mountCache.get(snapshot);
  if (hit) return hit;
  const out = new Map<string, TokenMount[]>();
  for (const w of workloads(snapshot)) {
    if (isMirrorPod(w.subject.kind, w.object.metadata)) continue;
    const ns = w.subject.namespace ?? '';
    const saName = serviceAccountNameOf(w.podSpec);
    const how = tokenMountOf(snapshot, w);
    if (!how) continue;
    const key = serviceAccountUser(ns, saName);
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push({ workload: w, serviceAccount: saName, how });
  }
  mountCache.set(snapshot, out);
  return out;
}

/**
 * Why a workload's pods are exposed: privileged or host access, or ingress
 * that no NetworkPolicy restricts (not isolated, only partly isolated, or
 * isolated by a policy with an allow-all rule), by the network analysis.
 */
export function workloadExposure(snapshot: Snapshot, w: Workload): { hostAccess: string[]; notIsolated: boolean } {
  const spec = w.podSpec;
  const hostAccess: string[] = [];
  for (const c of containersOf(spec, w.specPath)) {
    if (c.container.securityContext?.privileged === true) hostAccess.push(`privileged container ${c.container.name}`);
  }
  if (spec.hostNetwork) hostAccess.push('hostNetwork');
  if (spec.hostPID) hostAccess.push('hostPID');
  if (spec.hostIPC) hostAccess.push('hostIPC');
  for (const v of spec.volumes ?? []) if (v.hostPath) hostAccess.push(`hostPath volume ${v.name}`);
  const net = workloadNetwork(snapshot, w);
  // With policy kinds of other APIs installed (Calico, Cilium, AdminNetworkPolicy), a policy k8s-audit does not read may
  // isolate what no NetworkPolicy does: only a NetworkPolicy rule that allows all still counts then.
  const others = otherPolicyApisClause(snapshot, w.subject.namespace) !== undefined;
  const notIsolated = !net || (!others && net.ingress.isolated !== 'yes') || net.ingress.allowAll.length > 0;
  return { hostAccess, notIsolated };
}

// ---------------------------------------------------------------------------
// "Who can": the insight

/** A Kubernetes object named in provenance. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** Where a permission comes from: binding → role → rule, and the aggregated piece. */
export interface Provenance {
  binding: ObjectRef & {
    builtIn: boolean;
    /** Index of the matching entry in the binding's `subjects`. */
    subjectIndex: number;
  };
  role: ObjectRef & { builtIn: boolean };
  /** Index into the role's `rules`. */
  ruleIndex: number;
  rule: PolicyRule;
  /** For a rule of an aggregated ClusterRole: the labelled ClusterRoles it came from, nearest first (empty: unknown). */
  aggregatedFrom?: string[];
}

export interface WhoCanPermission {
  capability: CapabilityId;
  /** The namespace the grant is limited to; null for every namespace (and cluster-scoped objects). */
  namespace: string | null;
  /** The verbs granted, among those the capability asks about. */
  verbs: string[];
  /** Resources, `resource/subresource[.group]`, e.g. `pods/exec`, `deployments.apps`. */
  resources: string[];
  /** Present when the grant is limited to these object names. */
  resourceNames?: string[];
  /** Present when the grant reaches the subject through a group it is in (e.g. `system:authenticated`). */
  viaGroup?: string;
  /**
   * Present when the grant allows nothing on the cluster's version with its default feature gates (inertByVersion):
   * why, in words. Such a grant is listed, and not counted in byCapability.
   */
  inert?: string;
  provenance: Provenance;
}

export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
  /** How the token is mounted. */
  how: 'automount' | 'projected';
}

export interface WhoCanSubject {
  /** Stable key: `User:alice`, `Group:devs`, `ServiceAccount:ci/deployer`. */
  key: string;
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  /** A Kubernetes component's own identity (`system:` user or group, kube-system ServiceAccount): shown apart. */
  builtIn: boolean;
  /** Groups whose grants are included because the subject is always in them. A user's other groups are not visible through the API. */
  implicitGroups: string[];
  /** ServiceAccounts: whether it exists (absent when ServiceAccounts were not read). */
  exists?: boolean;
  /** ServiceAccounts: workloads whose pods mount its token (absent when workloads were not read). */
  mountedBy?: WorkloadRef[];
  /** Sorted by capability (catalogue order), namespace (null first), binding. */
  permissions: WhoCanPermission[];
}

export interface WhoCanInsight {
  /** The capabilities reported, in display order. */
  capabilities: { id: CapabilityId; label: string; description: string }[];
  /** Subjects with at least one dangerous permission, sorted by kind, namespace, name. */
  subjects: WhoCanSubject[];
  /** Per capability: keys of the subjects holding it, non-built-in subjects first. */
  byCapability: Record<CapabilityId, string[]>;
  /** Caveats a reader needs (what RBAC data cannot show). */
  notes: string[];
}

function objectRef(kind: string, name: string, namespace?: string): ObjectRef {
  const r: ObjectRef = { kind, name };
  if (namespace) r.namespace = namespace;
  return r;
}

function provenanceOf(g: { binding: BindingInfo; subjectIndex: number; role: RoleInfo; ruleIndex: number; rule: PolicyRule }): Provenance {
  const p: Provenance = {
    binding: { ...objectRef(g.binding.kind, g.binding.name, g.binding.namespace), builtIn: g.binding.builtIn, subjectIndex: g.subjectIndex },
    role: { ...objectRef(g.role.kind, g.role.name, g.role.namespace), builtIn: g.role.builtIn },
    ruleIndex: g.ruleIndex,
    rule: g.rule,
  };
  const from = g.role.aggregatedFrom?.[g.ruleIndex];
  if (from) p.aggregatedFrom = [...from];
  return p;
}

const ruleCapabilityMatches = new WeakMap<PolicyRule, readonly (readonly (ProbeMatch | undefined)[])[]>();

/**
 * matchProbe of one rule against every capability's probes, memoised per rule
 * object: a role's rules are shared by every binding of the role (thousands of
 * RoleBindings name a few ClusterRoles), and the match does not depend on the
 * binding. The matches are shared: read them, never modify them.
 */
function capabilityMatches(rule: PolicyRule): readonly (readonly (ProbeMatch | undefined)[])[] {
  let hit = ruleCapabilityMatches.get(rule);
  if (!hit) ruleCapabilityMatches.set(rule, (hit = CAPABILITIES.map((cap) => cap.probes.map((p) => matchProbeMemo(rule, p)))));
  return hit;
}

/**
 * Approving a CertificateSigningRequest takes two permissions: the approval subresource, and `approve` on the
 * request's signer (`signers`, by name: `kubernetes.io/kube-apiserver-client`, or `<domain>/*`), which the
 * certificate approval admission plugin checks.
 */
const APPROVE_SIGNERS: Probe = { verbs: ['approve'], group: 'certificates.k8s.io', resource: 'signers', clusterScoped: true };

/** Whether a rule can count towards any capability: it matches one of their probes, or approve on signers (scope aside). */
function capabilityRelevant(rule: PolicyRule): boolean {
  return capabilityMatches(rule).some((byProbe) => byProbe.some((m) => m !== undefined)) || matchProbeMemo(rule, APPROVE_SIGNERS) !== undefined;
}

/**
 * The dangerous permissions a principal holds anywhere: `capabilitiesOfGrants(model.grantsOf(p))`, with the same
 * result, but reading only the bindings whose role has a rule that can count (grantsWhere), so that bindings of
 * harmless roles to broad groups cost nothing per principal.
 */
export function capabilitiesOf(model: RbacModel, p: Principal): WhoCanPermission[] {
  return capabilitiesOfGrants(model.grantsWhere(p, capabilityRelevant));
}

/** The dangerous permissions carried by a list of grants (all of one subject's: some take two permissions). */
export function capabilitiesOfGrants(grants: readonly Grant[]): WhoCanPermission[] {
  const out = capabilityPerGrant(grants);
  if (!out.some((p) => p.capability === 'approve-csrs')) return out;
  const signers = grants.map((g) => (scopeReaches(g.binding, APPROVE_SIGNERS) ? matchProbeMemo(g.rule, APPROVE_SIGNERS) : undefined)).filter((m) => m !== undefined);
  // Without approve on any signer, the approval subresource approves nothing.
  if (signers.length === 0) return out.filter((p) => p.capability !== 'approve-csrs');
  const limited = signers.every((m) => m.resourceNames);
  for (const p of out) {
    if (p.capability !== 'approve-csrs') continue;
    p.resources = [...new Set([...p.resources, 'signers'])];
    p.verbs = [...new Set([...p.verbs, 'approve'])];
    // The signers are the limit that matters (request names are generated); otherwise the request names, if any.
    if (limited) p.resourceNames = [...new Set(signers.flatMap((m) => m.resourceNames ?? []))];
  }
  return out;
}

function capabilityPerGrant(grants: readonly Grant[]): WhoCanPermission[] {
  const out: WhoCanPermission[] = [];
  for (const g of grants) {
    const ruleMatches = capabilityMatches(g.rule);
    for (let ci = 0; ci < CAPABILITIES.length; ci++) {
      const cap = CAPABILITIES[ci]!;
      // Most (grant, capability) pairs match nothing: allocate only for a match.
      let matches: ProbeMatch[] | undefined;
      const byProbe = ruleMatches[ci]!;
      for (let pi = 0; pi < cap.probes.length; pi++) {
        const m = byProbe[pi];
        if (!m || !scopeReaches(g.binding, cap.probes[pi]!)) continue;
        (matches ??= []).push(m);
      }
      if (!matches) continue;
      const perm: WhoCanPermission = {
        capability: cap.id,
        namespace: g.binding.scope,
        verbs: [...new Set(matches.flatMap((m) => m.verbs))],
        resources: [...new Set(matches.map((m) => m.resource))],
        provenance: provenanceOf(g),
      };
      const names = [...new Set(matches.flatMap((m) => m.resourceNames ?? []))];
      if (matches.every((m) => m.resourceNames)) perm.resourceNames = names;
      if (g.viaGroup !== undefined) perm.viaGroup = g.viaGroup;
      out.push(perm);
    }
  }
  return out;
}

function sortPermissions(perms: WhoCanPermission[]): WhoCanPermission[] {
  const order = new Map(CAPABILITY_IDS.map((id, i) => [id, i]));
  return perms.sort(
    (a, b) =>
      order.get(a.capability)! - order.get(b.capability)! ||
      (a.namespace === null ? (b.namespace === null ? 0 : -1) : b.namespace === null ? 1 : cmp(a.namespace, b.namespace)) ||
      cmp(a.provenance.binding.kind, b.provenance.binding.kind) ||
      cmp(a.provenance.binding.namespace ?? '', b.provenance.binding.namespace ?? '') ||
      cmp(a.provenance.binding.name, b.provenance.binding.name) ||
      a.provenance.ruleIndex - b.provenance.ruleIndex,
  );
}

function readable(snapshot: Snapshot, kind: KindKey): boolean {
  return ['ok', 'not-found', 'static'].includes(snapshot.collection[kind].state);
}

/** Who can do what dangerous thing, per subject, with provenance. Pure function of the snapshot. */
export function whoCan(snapshot: Snapshot): WhoCanInsight {
  const model = rbacModel(snapshot);
  const saRead = readable(snapshot, 'serviceaccounts');
  const workloadsRead = WORKLOAD_KINDS.every((k) => readable(snapshot, k));
  const mounts = workloadsRead ? tokenMounts(snapshot) : undefined;

  // Every identity named by a binding subject.
  const identities = new Map<string, { kind: WhoCanSubject['kind']; name: string; namespace?: string; system: boolean }>();
  for (const b of model.bindings) {
    for (const s of b.subjects) {
      if (s.kind === 'Group') identities.set(`Group:${s.name}`, { kind: 'Group', name: s.name, system: isSystemPrincipal(s) });
      else {
        const p = principalOfSubject(s, b.namespace);
        if (!p) continue;
        if (p.user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
          const [ns, name] = p.user.slice(SERVICE_ACCOUNT_PREFIX.length).split(':') as [string, string];
          identities.set(`ServiceAccount:${ns}/${name}`, { kind: 'ServiceAccount', name, namespace: ns, system: ns === 'kube-system' });
        } else identities.set(`User:${s.name}`, { kind: 'User', name: s.name, system: isSystemPrincipal(s) });
      }
    }
  }

  const subjects: WhoCanSubject[] = [];
  for (const [key, id] of identities) {
    let principal: Principal;
    let implicitGroups: string[];
    if (id.kind === 'Group') {
      // A group's own grants: a principal with no user name any binding can name.
      principal = { user: '\u0000', groups: [id.name] };
      implicitGroups = [];
    } else if (id.kind === 'ServiceAccount') {
      principal = serviceAccountPrincipal(id.namespace!, id.name);
      implicitGroups = [...principal.groups];
    } else {
      principal = userPrincipal(id.name);
      implicitGroups = [...principal.groups];
    }
    const permissions = capabilitiesOf(model, principal).map((p) => {
      if (id.kind === 'Group') delete p.viaGroup;
      const inert = inertByVersion(p.capability, p.verbs, snapshot.serverVersion);
      if (inert) p.inert = INERT_REASON[inert];
      return p;
    });
    if (permissions.length === 0) continue;
    // Built-in: one of Kubernetes' own identities holding, by its own bindings, only what the default policy grants
    // it (what it inherits through a broad group, every member holds; the group is listed for it). A kube-system
    // ServiceAccount that a hand-made binding gives more is listed with everyone else.
    const builtIn = id.system && permissions.every((p) => p.provenance.binding.builtIn || p.viaGroup !== undefined);
    const entry: WhoCanSubject = { key, kind: id.kind, name: id.name, builtIn, implicitGroups, permissions: sortPermissions(permissions) };
    if (id.namespace) entry.namespace = id.namespace;
    if (id.kind === 'ServiceAccount') {
      // Unknown (left out) when the scan did not read the ServiceAccount's namespace.
      if (saRead && snapshot.readsNamespace(id.namespace!)) entry.exists = snapshot.get('serviceaccounts', id.namespace, id.name) !== undefined;
      // Pods run as ServiceAccounts of their own namespace: the list is complete when that namespace was read.
      if (mounts && snapshot.readsNamespace(id.namespace!)) {
        entry.mountedBy = (mounts.get(principal.user) ?? []).map((m) => ({
          kind: m.workload.subject.kind,
          namespace: m.workload.subject.namespace ?? '',
          name: m.workload.subject.name,
          how: m.how,
        }));
      }
    }
    subjects.push(entry);
  }
  const kindOrder = { User: 0, Group: 1, ServiceAccount: 2 } as const;
  subjects.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.name, b.name));

  const byCapability = Object.fromEntries(CAPABILITY_IDS.map((id) => [id, [] as string[]])) as Record<CapabilityId, string[]>;
  for (const builtIn of [false, true]) {
    for (const s of subjects) {
      if (s.builtIn !== builtIn) continue;
      for (const id of new Set(s.permissions.filter((p) => !p.inert).map((p) => p.capability))) byCapability[id].push(s.key);
    }
  }
  return {
    capabilities: CAPABILITIES.map((c) => ({ id: c.id, label: c.label, description: c.description })),
    subjects,
    byCapability,
    notes: [
      'Users and groups exist only in bindings and credentials: a user\'s own groups are not visible through the API, so a user\'s permissions include only those of its own bindings and of system:authenticated.',
      'Members of system:masters are allowed everything before RBAC is consulted; membership lives in client certificates and cannot be listed.',
      'Permissions granted by other authorizers (Node, webhooks) are not included.',
      ...(snapshot.source === 'manifests' ? ['Scanned files: bindings to roles that are not among the files (such as the built-in view, edit and admin) contribute nothing here.'] : []),
      ...(snapshot.source === 'manifests' ? unknownAggregations(model) : []),
      ...(snapshot.namespacesLimited
        ? [`${snapshot.scopeText()}: the RoleBindings of the namespaces not read are not included, so a subject may hold more than is listed here, and one granted only there is missing.`]
        : []),
    ],
  };
}

/**
 * Scanned files: bindings to an aggregated ClusterRole grant what the ClusterRoles its selectors pick grant, and the
 * cluster may hold more of those than the files (Kubernetes' own `aggregate-to-*` roles, an operator's): their
 * subjects may hold more than is listed, so they are named.
 */
function unknownAggregations(model: RbacModel): string[] {
  const out: string[] = [];
  for (const b of model.bindings) {
    if (!b.role?.aggregated) continue;
    const who = b.subjects.map((s) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`).join(', ');
    out.push(`Scanned files: ${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} binds the aggregated ClusterRole ${b.role.name}, whose rules come from the ClusterRoles its selectors pick; the cluster may hold more of those than the files, so ${who || 'its subjects'} may hold more than is listed here.`);
  }
  return out;
}

/** The `whoCan` insight provider (registered in src/engine/insights.ts). */
export const WHO_CAN_PROVIDER: InsightProvider = {
  key: 'whoCan',
  reads: RBAC_KINDS,
  compute: whoCan,
};
