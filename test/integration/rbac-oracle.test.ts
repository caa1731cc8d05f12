// The RBAC model against the API server's own authorizer.
//
// A random RBAC graph — ClusterRoles, Roles, aggregated ClusterRoles (nested
// too), RoleBindings to Roles and ClusterRoles, ClusterRoleBindings, with
// wildcards of every kind, resourceNames, subresources, non-resource URLs,
// users, groups, ServiceAccounts with and without namespace, the implicit
// groups and system:anonymous, and references to roles that do not exist — is
// created in the real API server. The whole RBAC state is then listed with
// k8s-audit's own collector (the bootstrap policy and anything else in the
// cluster included) and, for thousands of sampled (subject, verb, group,
// resource, subresource, namespace, name) tuples and non-resource requests,
// k8s-audit's answer must equal the answer of a SubjectAccessReview.
//
// The graph and the tuples follow from one seed (RBAC_ORACLE_SEED overrides it;
// the seed is printed with any disagreement). Object names carry a per-run
// prefix so that runs never collide. Subjects never include system:masters
// or system:nodes, whose requests other authorizers decide.

import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/cluster.ts';
import { resolveTarget } from '../../src/collect/kubeconfig.ts';
import {
  ALL_AUTHENTICATED,
  ALL_SERVICE_ACCOUNTS,
  ALL_UNAUTHENTICATED,
  ANONYMOUS_USER,
  RBAC_KINDS,
  rbacModel,
  serviceAccountPrincipal,
  type Decision,
  type PolicyRule,
  type Principal,
  type RbacModel,
  type RequestAttributes,
} from '../../src/model/rbac.ts';
import { KubeApiError, kubeClient, testKubeconfig, uniqueName, waitFor } from '../cluster/fixtures.ts';
import { seeded } from '../helpers/random.ts';

const SEED = Number(process.env.RBAC_ORACLE_SEED ?? 20261123);
const TUPLES = 2400;

// ---------------------------------------------------------------------------
// A small deterministic PRNG (mulberry32).

const prng = seeded;

// ---------------------------------------------------------------------------
// Vocabulary

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate', 'use', 'approve'];
const GROUPS = ['', 'apps', 'batch', 'rbac.authorization.k8s.io', 'example.com'];
const RESOURCES = [
  'pods',
  'pods/exec',
  'pods/log',
  'pods/status',
  'deployments',
  'deployments/scale',
  'secrets',
  'configmaps',
  'nodes',
  'nodes/proxy',
  'serviceaccounts',
  'serviceaccounts/token',
  'jobs',
  'widgets',
  'widgets/status',
];
const WILD_RESOURCES = ['*', '*/scale', '*/status', '*/exec', '*/us', 'pods/*', 'deployments/*', '*/*'];
const NAMES = ['alpha', 'beta', 'gamma', '*'];
const URLS = ['/healthz', '/healthz/*', '/metrics', '/logs/*', '/api*', '/custom/path', '/version'];
const PATHS = ['/healthz', '/healthz/etcd', '/metrics', '/metrics/slis', '/logs', '/logs/', '/logs/kube.log', '/api', '/apis/apps', '/custom/path', '/custom/path/x', '/version', '/livez', '/openapi/v2', '/readyz', '/'];

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: unknown;
}

const RBAC = 'rbac.authorization.k8s.io/v1';

interface Graph {
  namespaces: string[];
  clusterRoles: Obj[];
  roles: Obj[];
  bindings: Obj[];
  /** Aggregated ClusterRole name → the rules the controller should store, in any order. */
  expectedAggregation: Map<string, PolicyRule[]>;
  users: Principal[];
  serviceAccounts: Principal[];
}

function generate(seed: number, run: string): Graph {
  const r = prng(seed);
  const owner = { 'k8s-audit.test/owner': 'rbac-oracle' };
  const namespaces = ['a', 'b', 'c'].map((s) => `${run}-${s}`);
  const aggLabel = (i: number) => `k8s-audit.test/${run}-agg${i}`;

  const resourceRule = (allowWild: boolean): PolicyRule => {
    const verbs = allowWild && r.chance(0.15) ? (r.chance(0.5) ? ['*'] : [...r.some(VERBS, 1, 2), '*']) : r.some(VERBS, 1, 3);
    const apiGroups = allowWild && r.chance(0.15) ? ['*'] : r.some(GROUPS, 1, 2);
    const resources = r.some(RESOURCES, 1, 3);
    if (allowWild && r.chance(0.3)) resources.push(r.pick(WILD_RESOURCES));
    const rule: PolicyRule = { apiGroups, resources, verbs };
    if (r.chance(0.25)) rule.resourceNames = r.some(NAMES, 1, 2);
    return rule;
  };
  const urlRule = (): PolicyRule => ({ nonResourceURLs: r.chance(0.1) ? ['*'] : r.some(URLS, 1, 2), verbs: r.chance(0.2) ? ['*'] : r.some(['get', 'post', 'put', 'delete'], 1, 2) });

  const expectedRules = new Map<string, PolicyRule[]>();
  const clusterRoles: Obj[] = [];
  // Plain ClusterRoles, some labelled for aggregation, some "narrow" (no wildcards) for bindings to broad groups.
  const narrow: string[] = [];
  for (let i = 0; i < 18; i++) {
    const name = `${run}-cr${i}`;
    const wild = i % 3 !== 0;
    const rules = Array.from({ length: 1 + r.int(3) }, () => (r.chance(0.2) ? urlRule() : resourceRule(wild)));
    // Whatever the seed, some bound rules carry each kind of wildcard (cr1 and cr2 are bound by crb1 and crb2 below).
    if (i === 1) rules[0] = { ...resourceRule(false), verbs: [r.pick(VERBS), '*'] };
    if (i === 2) rules[0] = { apiGroups: ['*'], resources: [r.pick(RESOURCES), r.pick(['*/status', '*/scale', '*/exec'])], verbs: r.some(VERBS, 2, 4) };
    if (!wild && rules.every((x) => !x.nonResourceURLs?.includes('*') && !x.verbs.includes('*'))) narrow.push(name);
    const labels: Record<string, string> = { ...owner };
    for (let k = 0; k < 3; k++) if (r.chance(0.3)) labels[aggLabel(k)] = 'true';
    clusterRoles.push({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name, labels }, rules });
    expectedRules.set(name, rules);
  }
  // Aggregated ClusterRoles: matchLabels, matchExpressions, two selectors; the last aggregates another aggregate.
  const aggregated: { name: string; selectors: object[]; labels: Record<string, string>; members: (labels: Record<string, string>) => boolean }[] = [
    { name: `${run}-agg-a`, selectors: [{ matchLabels: { [aggLabel(0)]: 'true' } }], labels: { ...owner, [aggLabel(2)]: 'true' }, members: (l) => l[aggLabel(0)] === 'true' },
    {
      name: `${run}-agg-b`,
      selectors: [{ matchExpressions: [{ key: aggLabel(1), operator: 'Exists' }] }],
      labels: { ...owner },
      members: (l) => aggLabel(1) in l,
    },
    {
      name: `${run}-agg-c`,
      selectors: [{ matchLabels: { [aggLabel(1)]: 'true' } }, { matchExpressions: [{ key: aggLabel(0), operator: 'In', values: ['true'] }] }],
      labels: { ...owner },
      members: (l) => l[aggLabel(1)] === 'true' || l[aggLabel(0)] === 'true',
    },
    { name: `${run}-agg-nested`, selectors: [{ matchLabels: { [aggLabel(2)]: 'true' } }], labels: { ...owner }, members: (l) => l[aggLabel(2)] === 'true' },
  ];
  for (const a of aggregated) clusterRoles.push({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: a.name, labels: a.labels }, aggregationRule: { clusterRoleSelectors: a.selectors }, rules: [] });
  // What the controller will store: the union of the members' rules (a member that is itself aggregated contributes what it stores).
  const expectedAggregation = new Map<string, PolicyRule[]>();
  const storedOf = (name: string, seen: Set<string>): PolicyRule[] => {
    const a = aggregated.find((x) => x.name === name);
    if (!a) return expectedRules.get(name) ?? [];
    if (seen.has(name)) return [];
    const out: PolicyRule[] = [];
    for (const cr of clusterRoles) {
      if (cr.metadata.name === name || !a.members(cr.metadata.labels ?? {})) continue;
      for (const rule of storedOf(cr.metadata.name, new Set([...seen, name]))) if (!out.some((x) => sameRule(x, rule))) out.push(rule);
    }
    return out;
  };
  for (const a of aggregated) expectedAggregation.set(a.name, storedOf(a.name, new Set()));

  const roles: Obj[] = [];
  for (let i = 0; i < 14; i++) {
    const namespace = namespaces[i % namespaces.length]!;
    roles.push({ apiVersion: RBAC, kind: 'Role', metadata: { name: `${run}-role${i}`, namespace, labels: owner }, rules: Array.from({ length: 1 + r.int(3) }, () => resourceRule(true)) });
  }

  const users = ['u0', 'u1', 'u2', 'u3', 'u4'].map((u) => `${run}-${u}`);
  const groups = ['g0', 'g1', 'g2', 'g3'].map((g) => `${run}-${g}`);
  const saNames = ['sa0', 'sa1', 'sa2'];
  type Subject = { kind: string; name: string; namespace?: string; apiGroup?: string; broad?: boolean };
  const subject = (bindingNamespace?: string): Subject => {
    const x = r.next();
    if (x < 0.25) return { kind: 'User', name: r.pick(users), apiGroup: 'rbac.authorization.k8s.io' };
    if (x < 0.45) return { kind: 'Group', name: r.pick(groups), apiGroup: 'rbac.authorization.k8s.io' };
    if (x < 0.75) {
      const s: Subject = { kind: 'ServiceAccount', name: r.pick(saNames) };
      // In a RoleBinding the namespace may be left out (it defaults to the binding's); the API requires it in a ClusterRoleBinding.
      if (!bindingNamespace || r.chance(0.6)) s.namespace = r.pick(namespaces);
      return s;
    }
    const broad = [ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${r.pick(namespaces)}`];
    if (r.chance(0.25)) return { kind: 'User', name: ANONYMOUS_USER, apiGroup: 'rbac.authorization.k8s.io', broad: true };
    return { kind: 'Group', name: r.pick(broad), apiGroup: 'rbac.authorization.k8s.io', broad: true };
  };
  const clean = (s: Subject) => {
    const { broad: _b, ...rest } = s;
    return rest;
  };
  const crNames = clusterRoles.map((c) => c.metadata.name);

  const bindings: Obj[] = [];
  for (let i = 0; i < 16; i++) {
    let subjects = Array.from({ length: 1 + r.int(3) }, () => subject());
    if (i === 1 || i === 2) subjects = subjects.filter((x) => !x.broad).concat([{ kind: 'User', name: r.pick(users), apiGroup: 'rbac.authorization.k8s.io' }]);
    // Cluster-wide grants to everyone stay narrow: the shared test cluster must not hand anonymous callers its keys, even briefly.
    // One aggregate and the two wildcard carriers bound for sure.
    const pickRole = () => (i === 0 ? `${run}-agg-c` : i === 1 || i === 2 ? `${run}-cr${i}` : r.chance(0.1) ? `${run}-missing` : r.pick(crNames));
    const roleName = subjects.some((s) => s.broad) ? (narrow.length ? r.pick(narrow) : `${run}-missing`) : pickRole();
    bindings.push({
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name: `${run}-crb${i}`, labels: owner },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: subjects.map(clean),
    });
  }
  for (let i = 0; i < 22; i++) {
    const namespace = namespaces[i % namespaces.length]!;
    const subjects = Array.from({ length: 1 + r.int(3) }, () => subject(namespace));
    const x = r.next();
    const localRoles = roles.filter((ro) => ro.metadata.namespace === namespace).map((ro) => ro.metadata.name);
    const roleRef =
      i === 1
        ? { kind: 'ClusterRole', name: `${run}-agg-nested` }
        : x < 0.45
        ? { kind: 'Role', name: r.chance(0.1) ? `${run}-missing` : r.pick(localRoles) }
        : { kind: 'ClusterRole', name: r.chance(0.05) ? `${run}-missing` : r.pick(crNames) };
    bindings.push({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: `${run}-rb${i}`, namespace, labels: owner },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
      subjects: subjects.map(clean),
    });
  }

  // The principals asked about, with the groups an authenticator would give them (plus some it would not).
  const principals: Principal[] = [
    { user: users[0]!, groups: [groups[0]!, ALL_AUTHENTICATED] },
    { user: users[1]!, groups: [groups[1]!, groups[2]!, ALL_AUTHENTICATED] },
    { user: users[2]!, groups: [] },
    { user: users[3]!, groups: [ALL_AUTHENTICATED, groups[3]!] },
    { user: users[4]!, groups: [groups[0]!, groups[3]!] },
    { user: ANONYMOUS_USER, groups: [ALL_UNAUTHENTICATED] },
    { user: `${run}-stranger`, groups: [ALL_AUTHENTICATED] },
    { user: `${run}-sa-group-only`, groups: [ALL_SERVICE_ACCOUNTS] },
  ];
  const serviceAccounts: Principal[] = [];
  for (const ns of namespaces) for (const sa of saNames) serviceAccounts.push(serviceAccountPrincipal(ns, sa));
  serviceAccounts.push(serviceAccountPrincipal('default', 'sa0'));
  // A user named like a ServiceAccount, without the ServiceAccount's groups.
  serviceAccounts.push({ user: `system:serviceaccount:${namespaces[0]}:sa1`, groups: [] });
  return { namespaces, clusterRoles, roles, bindings, expectedAggregation, users: principals, serviceAccounts };
}

function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}
function norm(r: PolicyRule) {
  return [r.verbs ?? [], r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []];
}

// ---------------------------------------------------------------------------
// Tuples

interface Tuple {
  principal: Principal;
  attrs: RequestAttributes;
}

function sampleTuples(seed: number, g: Graph, n: number): Tuple[] {
  const r = prng(seed ^ 0x5eed);
  const principals = [...g.users, ...g.serviceAccounts];
  const grants = boundRules(g);
  // Rules whose entries are easy to get wrong: wildcards of every form, names, subresources.
  const tricky = grants.filter(({ rule }) => rule.verbs.includes('*') || rule.apiGroups?.includes('*') || rule.resourceNames?.length || rule.resources?.some((x) => x.includes('*') || x.includes('/')));
  const urlRules = [...g.clusterRoles].flatMap((o) => (o.rules as PolicyRule[]).filter((x) => x.nonResourceURLs));
  const namespaces = [...g.namespaces, '', 'default', 'kube-system'];
  const groups = [...GROUPS, 'other.io'];
  const resources = ['pods', 'deployments', 'secrets', 'configmaps', 'nodes', 'serviceaccounts', 'jobs', 'widgets', 'scale', '*'];
  const subresources = ['exec', 'log', 'scale', 'status', 'proxy', 'token', 'us', '*'];
  const names = ['alpha', 'beta', 'gamma', 'delta', '*'];
  const out: Tuple[] = [];
  while (out.length < n) {
    const t = { principal: r.pick(principals) } as Tuple;
    if (r.chance(0.15)) {
      // Non-resource requests: near a URL rule (the prefix, the prefix and more, the prefix less its last character) or anywhere.
      let path = r.pick(PATHS);
      if (r.chance(0.6) && urlRules.length) {
        const u = r.pick(r.pick(urlRules).nonResourceURLs!);
        const stem = u.replace(/\*$/, '');
        path = r.pick([stem, `${stem}x`, `${stem}/etcd`, stem.slice(0, -1), u]);
      }
      t.attrs = { verb: r.pick(['get', 'post', 'put', 'delete', 'head', '*']), path: path || '/' };
      out.push(t);
      continue;
    }
    let verb: string, group: string, resource: string, subresource: string, name: string, namespace: string;
    const x = r.next();
    const grant = x < 0.35 && tricky.length ? r.pick(tricky) : x < 0.65 ? r.pick(grants) : undefined;
    if (grant) {
      // Near a grant of the graph: a subject of its binding, a rule of its role, each entry bent the way that tells semantics apart.
      const { rule, binding } = grant;
      t.principal = principalFor(r, g, binding);
      verb = rule.verbs.includes('*') || r.chance(0.15) ? (r.chance(0.05) ? '*' : r.pick(VERBS)) : r.pick(rule.verbs);
      group = rule.apiGroups?.includes('*') || r.chance(0.15) ? r.pick(groups) : r.pick(rule.apiGroups ?? ['']);
      const res = r.pick(rule.resources!);
      const [base, sub] = res.split('/') as [string, string | undefined];
      resource = base === '*' ? r.pick(resources) : base;
      if (sub === undefined) subresource = r.chance(0.2) ? r.pick(subresources) : '';
      else if (sub === '*') subresource = r.chance(0.3) ? '*' : r.pick(subresources);
      else subresource = r.chance(0.8) ? sub : r.pick(['', ...subresources]);
      if (rule.resourceNames?.length) name = r.chance(0.5) ? r.pick(rule.resourceNames) : r.pick(['', ...names]);
      else name = r.chance(0.5) ? '' : r.pick(names);
      const ns = binding.metadata.namespace;
      namespace = ns && r.chance(0.85) ? ns : r.pick(namespaces);
    } else {
      verb = r.chance(0.03) ? '*' : r.pick(VERBS);
      group = r.pick(groups);
      resource = r.pick(resources);
      subresource = r.chance(0.3) ? r.pick(subresources) : '';
      name = r.chance(0.5) ? '' : r.pick(names);
      namespace = r.pick(namespaces);
    }
    t.attrs = { verb, group, resource, subresource, namespace, name };
    out.push(t);
  }
  return out;
}

/** Every (binding, resource rule) pair of the graph whose role exists, aggregated roles with the rules the controller stores. */
function boundRules(g: Graph): { binding: Obj; rule: PolicyRule }[] {
  const out: { binding: Obj; rule: PolicyRule }[] = [];
  for (const b of g.bindings) {
    const ref = b.roleRef as { kind: string; name: string };
    const role =
      ref.kind === 'Role'
        ? g.roles.find((x) => x.metadata.name === ref.name && x.metadata.namespace === b.metadata.namespace)
        : g.clusterRoles.find((x) => x.metadata.name === ref.name);
    if (!role) continue;
    for (const rule of g.expectedAggregation.get(role.metadata.name) ?? (role.rules as PolicyRule[])) if (rule.resources) out.push({ binding: b, rule });
  }
  return out;
}

/** A principal one of a binding's subjects applies to (or, for a group, a member of it). */
function principalFor(r: ReturnType<typeof prng>, g: Graph, b: Obj): Principal {
  const s = r.pick(b.subjects as { kind: string; name: string; namespace?: string }[]);
  const ns = b.metadata.namespace;
  if (s.kind === 'ServiceAccount') return serviceAccountPrincipal(s.namespace || ns || 'default', s.name);
  if (s.kind === 'User') return g.users.find((u) => u.user === s.name) ?? { user: s.name, groups: [ALL_AUTHENTICATED] };
  if (s.name === ALL_UNAUTHENTICATED) return { user: ANONYMOUS_USER, groups: [ALL_UNAUTHENTICATED] };
  if (s.name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`)) return serviceAccountPrincipal(s.name.slice(ALL_SERVICE_ACCOUNTS.length + 1), 'sa2');
  if (s.name === ALL_SERVICE_ACCOUNTS) return r.pick(g.serviceAccounts.filter((p) => p.groups.length > 0));
  return r.pick(g.users.filter((u) => u.groups.includes(s.name))) ?? { user: `member-of-${s.name}`, groups: [s.name] };
}

// ---------------------------------------------------------------------------

const admin = kubeClient('admin');
const run = uniqueName('ro');
const graph = generate(SEED, run);
const created: { path: string }[] = [];

const RBAC_API = '/apis/rbac.authorization.k8s.io/v1';

async function create(path: string, body: Obj, deletePath: string): Promise<void> {
  await admin.call('POST', path, { body });
  created.push({ path: deletePath });
}

async function sar(t: Tuple): Promise<{ allowed: boolean; denied: boolean; reason: string }> {
  const spec: Record<string, unknown> = { user: t.principal.user, groups: [...t.principal.groups] };
  if ('path' in t.attrs) spec.nonResourceAttributes = { path: t.attrs.path, verb: t.attrs.verb };
  else {
    const a = t.attrs;
    spec.resourceAttributes = { namespace: a.namespace, verb: a.verb, group: a.group, resource: a.resource, subresource: a.subresource, name: a.name };
  }
  const body = await admin.call('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
  });
  return { allowed: body.status?.allowed === true, denied: body.status?.denied === true, reason: String(body.status?.reason ?? '') };
}

function describeTuple(t: Tuple): string {
  const who = `${t.principal.user} [${t.principal.groups.join(',')}]`;
  if ('path' in t.attrs) return `${who} ${t.attrs.verb} ${t.attrs.path}`;
  const a = t.attrs;
  return `${who} ${a.verb} ${a.group || 'core'}/${a.resource}${a.subresource ? '/' + a.subresource : ''}${a.name ? ` "${a.name}"` : ''} in "${a.namespace}"`;
}

beforeAll(async () => {
  for (const ns of graph.namespaces) {
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'k8s-audit.test/owner': 'rbac-oracle' } } }, `/api/v1/namespaces/${ns}`);
  }
  const limit = pLimit(6);
  await Promise.all(graph.clusterRoles.map((o) => limit(() => create(`${RBAC_API}/clusterroles`, o, `${RBAC_API}/clusterroles/${o.metadata.name}`))));
  await Promise.all(
    graph.roles.map((o) => limit(() => create(`${RBAC_API}/namespaces/${o.metadata.namespace}/roles`, o, `${RBAC_API}/namespaces/${o.metadata.namespace}/roles/${o.metadata.name}`))),
  );
  await Promise.all(
    graph.bindings.map((o) =>
      limit(() =>
        o.kind === 'ClusterRoleBinding'
          ? create(`${RBAC_API}/clusterrolebindings`, o, `${RBAC_API}/clusterrolebindings/${o.metadata.name}`)
          : create(`${RBAC_API}/namespaces/${o.metadata.namespace}/rolebindings`, o, `${RBAC_API}/namespaces/${o.metadata.namespace}/rolebindings/${o.metadata.name}`),
      ),
    ),
  );

  // The aggregation controller fills the aggregated roles (nested ones take a second pass).
  await waitFor(
    'the clusterrole-aggregation controller to fill the aggregated ClusterRoles',
    async () => {
      for (const [name, expected] of graph.expectedAggregation) {
        const cr = await admin.call('GET', `${RBAC_API}/clusterroles/${name}`);
        const stored = ((cr.rules ?? []) as PolicyRule[]).map((x) => JSON.stringify(norm(x))).sort();
        if (JSON.stringify(stored) !== JSON.stringify(expected.map((x) => JSON.stringify(norm(x))).sort())) return false;
      }
      return true;
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );

  // Sentinels created last: once the authorizer honours them, its caches hold everything created before
  // (each RBAC informer sees its kind's events in order).
  const sentinelUser = `${run}-sentinel`;
  const ns = graph.namespaces[0]!;
  const rule = { apiGroups: ['example.com'], resources: [`${run}-sentinel`], verbs: ['get'] };
  await create(`${RBAC_API}/clusterroles`, { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: `${run}-sentinel` }, rules: [rule] }, `${RBAC_API}/clusterroles/${run}-sentinel`);
  await create(`${RBAC_API}/namespaces/${ns}/roles`, { apiVersion: RBAC, kind: 'Role', metadata: { name: `${run}-sentinel`, namespace: ns }, rules: [{ ...rule, verbs: ['list'] }] }, `${RBAC_API}/namespaces/${ns}/roles/${run}-sentinel`);
  await create(
    `${RBAC_API}/clusterrolebindings`,
    { apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name: `${run}-sentinel` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${run}-sentinel` }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: sentinelUser }] },
    `${RBAC_API}/clusterrolebindings/${run}-sentinel`,
  );
  await create(
    `${RBAC_API}/namespaces/${ns}/rolebindings`,
    { apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: `${run}-sentinel`, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${run}-sentinel` }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: sentinelUser }] },
    `${RBAC_API}/namespaces/${ns}/rolebindings/${run}-sentinel`,
  );
  const who = { user: sentinelUser, groups: [] };
  await waitFor('the authorizer to see the sentinel grants', async () => {
    const viaCrb = await sar({ principal: who, attrs: { verb: 'get', group: 'example.com', resource: `${run}-sentinel`, namespace: '', name: '' } });
    const viaRb = await sar({ principal: who, attrs: { verb: 'list', group: 'example.com', resource: `${run}-sentinel`, namespace: ns, name: '' } });
    return viaCrb.allowed && viaRb.allowed;
  }, { timeoutMs: 30_000, intervalMs: 200 });
}, 240_000);

afterAll(async () => {
  // Bindings first, so that no grant outlives this file even if a later delete fails.
  const order = (p: string) => (p.includes('bindings') ? 0 : p.includes('/namespaces/') && !p.startsWith('/api/v1/namespaces') ? 1 : p.includes('clusterroles') ? 2 : 3);
  const limit = pLimit(6);
  const failures: string[] = [];
  for (const rank of [0, 1, 2, 3]) {
    await Promise.all(
      created
        .filter((c) => order(c.path) === rank)
        .map((c) =>
          limit(async () => {
            const res = await admin.request('DELETE', c.path);
            if (![200, 202, 404].includes(res.status)) failures.push(new KubeApiError('DELETE', c.path, res).message);
          }),
        ),
    );
  }
  admin.close();
  if (failures.length) throw new Error(`cleanup failed:\n${failures.join('\n')}`);
});

describe('RBAC model vs. SubjectAccessReview', () => {
  let model: RbacModel;

  it('builds its model from the whole RBAC state as k8s-audit collects it', async () => {
    const target = await resolveTarget({ kubeconfig: testKubeconfig(), context: 'admin' });
    const { snapshot } = await collect(target, { kinds: RBAC_KINDS });
    for (const k of RBAC_KINDS) expect(snapshot.collection[k].state, k).toBe('ok');
    model = rbacModel(snapshot);
    const ours = (name: string) => name.startsWith(run);
    const count = model.clusterRoles.filter((c) => ours(c.name)).length + model.roles.filter((c) => ours(c.name)).length + model.bindings.filter((b) => ours(b.name)).length;
    expect(count).toBeGreaterThanOrEqual(50);
    // The bootstrap policy is part of what the authorizer sees, and of the model.
    expect(model.clusterRole('system:basic-user')).toBeDefined();
    expect(model.bindings.some((b) => b.name === 'system:public-info-viewer')).toBe(true);
    // Aggregation provenance for the generated aggregates: every stored rule has a source.
    for (const name of graph.expectedAggregation.keys()) {
      const role = model.clusterRole(name)!;
      expect(role.aggregated).toBe(true);
      for (const chain of role.aggregatedFrom ?? []) expect(chain.length).toBeGreaterThan(0);
    }
  });

  it(`answers ${TUPLES} sampled requests exactly as the API server's authorizer does (seed ${SEED})`, async () => {
    expect(model, 'the model was built').toBeDefined();
    const tuples = sampleTuples(SEED, graph, TUPLES);
    const limit = pLimit(8);
    const answers = await Promise.all(tuples.map((t) => limit(() => sar(t))));
    const disagreements: string[] = [];
    const decisions: Decision[] = [];
    tuples.forEach((t, i) => {
      const ours = model.authorize(t.principal, t.attrs);
      decisions.push(ours);
      const theirs = answers[i]!;
      expect(theirs.denied, 'RBAC never denies explicitly').toBe(false);
      if (ours.allowed !== theirs.allowed) {
        const by = ours.grant ? ` (model: ${ours.grant.binding.kind} ${ours.grant.binding.name} → ${ours.grant.role.name} rules[${ours.grant.ruleIndex}])` : '';
        disagreements.push(`${describeTuple(t)}: API server ${theirs.allowed ? 'allows' : 'denies'}${theirs.reason ? ` (${theirs.reason})` : ''}, k8s-audit ${ours.allowed ? 'allows' : 'denies'}${by}`);
      }
    });
    expect(disagreements, `seed ${SEED}`).toEqual([]);

    // The sample is not trivial: both answers are common, and the hard cases were exercised and allowed.
    const allowed = decisions.filter((d) => d.allowed);
    expect(allowed.length / tuples.length).toBeGreaterThan(0.15);
    expect(allowed.length / tuples.length).toBeLessThan(0.85);
    const covered = {
      wildcardVerb: allowed.some((d) => d.grant!.rule.verbs.includes('*')),
      wildcardGroup: allowed.some((d) => d.grant!.rule.apiGroups?.includes('*')),
      wildcardResource: allowed.some((d) => d.grant!.rule.resources?.some((x) => x === '*' || x.startsWith('*/'))),
      subresource: tuples.some((t, i) => decisions[i]!.allowed && 'resource' in t.attrs && !!t.attrs.subresource),
      resourceNames: allowed.some((d) => !!d.grant!.rule.resourceNames?.length),
      nonResourceURL: allowed.some((d) => !!d.grant!.rule.nonResourceURLs?.length),
      prefixURL: allowed.some((d) => d.grant!.rule.nonResourceURLs?.some((u) => u.endsWith('*') && u !== '*')),
      implicitGroup: allowed.some((d) => d.grant!.viaGroup?.startsWith('system:')),
      aggregation: allowed.some((d) => !!d.grant!.role.aggregatedFrom?.[d.grant!.ruleIndex]?.length),
      roleBindingToClusterRole: allowed.some((d) => d.grant!.binding.kind === 'RoleBinding' && d.grant!.role.kind === 'ClusterRole'),
      serviceAccount: allowed.some((d) => d.grant!.binding.subjects[d.grant!.subjectIndex]!.kind === 'ServiceAccount'),
      anonymous: tuples.some((t, i) => decisions[i]!.allowed && t.principal.user === ANONYMOUS_USER),
      bootstrapPolicy: allowed.some((d) => d.grant!.binding.builtIn),
    };
    console.info(`rbac-oracle seed ${SEED}: ${tuples.length} requests, ${allowed.length} allowed, 0 disagreements`);
    expect(covered).toEqual(Object.fromEntries(Object.keys(covered).map((k) => [k, true])));
  });
});
