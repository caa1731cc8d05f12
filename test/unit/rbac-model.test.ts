import { describe, expect, it } from 'vitest';
import {
  reachesNamespace,
  RbacModel,
  matchProbe,
  nonResourceURLMatches,
  rbacModel,
  ruleAllows,
  serviceAccountPrincipal,
  userPrincipal,
  type PolicyRule,
  type RequestAttributes,
} from '../../src/model/rbac.ts';
import type { K8sObject } from '../../src/model/k8s.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => {
  const r: PolicyRule = { verbs, apiGroups, resources };
  if (resourceNames) r.resourceNames = resourceNames;
  return r;
};
const req = (verb: string, group: string, resource: string, subresource = '', name = '', namespace = 'ns'): RequestAttributes => ({
  verb,
  group,
  resource,
  subresource,
  name,
  namespace,
});

describe('ruleAllows: the authorizer\'s rule matching', () => {
  const cases: [string, PolicyRule, RequestAttributes, boolean][] = [
    ['exact verb, group, resource', rule(['get'], [''], ['pods']), req('get', '', 'pods'), true],
    ['other verb', rule(['get'], [''], ['pods']), req('list', '', 'pods'), false],
    ['* verb', rule(['*'], [''], ['pods']), req('escalate', '', 'pods'), true],
    ['* hidden in a list of verbs', rule(['get', '*'], [''], ['pods']), req('delete', '', 'pods'), true],
    ['other group', rule(['get'], ['apps'], ['pods']), req('get', '', 'pods'), false],
    ['* group', rule(['get'], ['*'], ['deployments']), req('get', 'apps', 'deployments'), true],
    ['no apiGroups matches nothing', rule(['get'], [], ['pods']), req('get', '', 'pods'), false],
    ['* resource covers subresources', rule(['create'], [''], ['*']), req('create', '', 'pods', 'exec'), true],
    ['resource does not cover its subresources', rule(['create'], [''], ['pods']), req('create', '', 'pods', 'exec'), false],
    ['resource/subresource exact', rule(['create'], [''], ['pods/exec']), req('create', '', 'pods', 'exec'), true],
    ['resource/subresource does not cover the resource', rule(['get'], [''], ['pods/log']), req('get', '', 'pods'), false],
    ['*/subresource matches that subresource of any resource', rule(['update'], ['*'], ['*/scale']), req('update', 'apps', 'deployments', 'scale'), true],
    ['*/subresource does not match another subresource', rule(['update'], ['*'], ['*/scale']), req('update', 'apps', 'deployments', 'status'), false],
    ['*/subresource does not match the resource itself', rule(['update'], ['*'], ['*/scale']), req('update', 'apps', 'deployments'), false],
    ['resource/* is literal: not every subresource', rule(['get'], [''], ['pods/*']), req('get', '', 'pods', 'log'), false],
    ['resource/* matches the literal subresource *', rule(['get'], [''], ['pods/*']), req('get', '', 'pods', '*'), true],
    ['*/* is not a double wildcard', rule(['get'], [''], ['*/*']), req('get', '', 'pods', 'log'), false],
    ['*/* matches the literal subresource *', rule(['get'], [''], ['*/*']), req('get', '', 'pods', '*'), true],
    ['*/x suffix must be the whole subresource', rule(['get'], [''], ['*/us']), req('get', '', 'pods', 'status'), false],
    ['resourceNames empty: every name', rule(['get'], [''], ['secrets']), req('get', '', 'secrets', '', 'a'), true],
    ['resourceNames: named object', rule(['get'], [''], ['secrets'], ['a', 'b']), req('get', '', 'secrets', '', 'b'), true],
    ['resourceNames: other object', rule(['get'], [''], ['secrets'], ['a']), req('get', '', 'secrets', '', 'c'), false],
    ['resourceNames: no name (list) never matches', rule(['list'], [''], ['secrets'], ['a']), req('list', '', 'secrets'), false],
    ['resourceNames: * is a literal name', rule(['get'], [''], ['secrets'], ['*']), req('get', '', 'secrets', '', 'a'), false],
    ['resourceNames: create carries no name', rule(['create'], [''], ['pods'], ['p']), req('create', '', 'pods'), false],
    ['resourceNames on a subresource: the parent\'s name', rule(['create'], [''], ['pods/exec'], ['p']), req('create', '', 'pods', 'exec', 'p'), true],
    ['resource rule never matches a non-resource request', rule(['get'], ['*'], ['*']), { verb: 'get', path: '/healthz' }, false],
  ];
  for (const [name, r, a, allowed] of cases) it(name, () => expect(ruleAllows(r, a)).toBe(allowed));

  it('non-resource URLs: exact, *, and trailing * as prefix', () => {
    const r: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/logs/*', '/api*'] };
    expect(nonResourceURLMatches(r, '/healthz')).toBe(true);
    expect(nonResourceURLMatches(r, '/healthz/etcd')).toBe(false);
    expect(nonResourceURLMatches(r, '/logs/')).toBe(true);
    expect(nonResourceURLMatches(r, '/logs/kube.log')).toBe(true);
    expect(nonResourceURLMatches(r, '/logs')).toBe(false);
    expect(nonResourceURLMatches(r, '/apis/apps')).toBe(true);
    expect(nonResourceURLMatches({ verbs: ['get'], nonResourceURLs: ['*'] }, '/anything')).toBe(true);
    expect(ruleAllows(r, { verb: 'post', path: '/healthz' })).toBe(false);
    expect(ruleAllows({ verbs: ['*'], nonResourceURLs: ['/metrics'] }, { verb: 'get', path: '/metrics' })).toBe(true);
    expect(ruleAllows({ verbs: ['get'], nonResourceURLs: ['/metrics'] }, req('get', '', 'metrics'))).toBe(false);
  });
});

const GRAPH = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader, labels: {agg: "yes"}}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader, labels: {agg: "yes", deep: "yes"}}
rules:
  - {apiGroups: [""], resources: [secrets], verbs: [get]}
---
# Aggregated: the controller copied both sources' rules in (by name order), then a hand-added one.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: aggregate, labels: {top: "yes"}}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {agg: "yes"}}]
rules:
  - {apiGroups: [""], resources: [pods], verbs: [get, list]}
  - {apiGroups: [""], resources: [secrets], verbs: [get]}
  - {apiGroups: [""], resources: [nodes], verbs: [get]}
---
# Aggregates the aggregate: provenance follows the chain down.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: top}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {top: "yes"}}]
rules:
  - {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-writer, namespace: a}
rules:
  - {apiGroups: [""], resources: [configmaps], verbs: [update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: sa-cm, namespace: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-writer}
subjects:
  - {kind: ServiceAccount, name: app}            # namespace defaults to the binding's
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-aggregate, namespace: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: aggregate}
subjects:
  - {kind: Group, name: devs}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: sa-without-namespace}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
  - {kind: ServiceAccount, name: app}            # matches nobody in a ClusterRoleBinding
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb-to-role}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-writer}
subjects:
  - {kind: User, name: carol}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sas-pods}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
  - {kind: Group, name: "system:serviceaccounts:a"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: anonymous-top}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: top}
subjects:
  - {kind: Group, name: "system:unauthenticated"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: user-named-like-sa}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
  - {kind: User, name: "system:serviceaccount:c:robot"}
  - {kind: Mystery, name: "x"}
`;

describe('RbacModel: bindings, subjects and scopes', () => {
  const snapshot = snapshotFromYaml(GRAPH);
  const model = rbacModel(snapshot);
  const sa = (ns: string, n: string) => serviceAccountPrincipal(ns, n);

  it('is built once per snapshot', () => expect(rbacModel(snapshot)).toBe(model));

  it('defaults a RoleBinding\'s ServiceAccount namespace to the binding\'s', () => {
    expect(model.authorize(sa('a', 'app'), req('update', '', 'configmaps', '', 'x', 'a')).allowed).toBe(true);
    expect(model.authorize(sa('b', 'app'), req('update', '', 'configmaps', '', 'x', 'a')).allowed).toBe(false);
  });

  it('limits a RoleBinding to its namespace, also when it references a ClusterRole', () => {
    const devs = { user: 'dave', groups: ['devs'] };
    expect(model.authorize(devs, req('get', '', 'pods', '', '', 'b')).allowed).toBe(true);
    expect(model.authorize(devs, req('get', '', 'pods', '', '', 'a')).allowed).toBe(false);
    expect(model.authorize(devs, req('get', '', 'pods', '', '', '')).allowed).toBe(false);
  });

  it('ignores a ClusterRoleBinding\'s ServiceAccount without namespace', () => {
    expect(model.authorize(sa('default', 'app'), req('get', '', 'secrets', '', 's')).allowed).toBe(false);
    expect(model.authorize(sa('a', 'app'), req('get', '', 'secrets', '', 's')).allowed).toBe(false);
  });

  it('never resolves a ClusterRoleBinding to a Role', () => {
    const b = model.bindings.find((x) => x.name === 'crb-to-role')!;
    expect(b.role).toBeUndefined();
    expect(model.authorize(userPrincipal('carol'), req('update', '', 'configmaps', '', 'x', 'a')).allowed).toBe(false);
  });

  it('matches ServiceAccounts through their groups, and users named like ServiceAccounts', () => {
    const d = model.authorize(sa('a', 'anything'), req('list', '', 'pods', '', '', 'z'));
    expect(d.allowed).toBe(true);
    expect(d.grant?.binding.name).toBe('all-sas-pods');
    expect(d.grant?.viaGroup).toBe('system:serviceaccounts:a');
    expect(model.authorize(sa('c', 'robot'), req('get', '', 'pods')).allowed).toBe(true);
    expect(model.authorize(userPrincipal('system:serviceaccount:c:robot'), req('get', '', 'pods')).allowed).toBe(true);
  });

  it('gives system:anonymous the grants of system:unauthenticated only', () => {
    expect(model.authorize(userPrincipal('system:anonymous'), req('get', '', 'secrets', '', 'x')).allowed).toBe(true);
    expect(model.authorize(userPrincipal('alice'), req('get', '', 'secrets', '', 'x')).allowed).toBe(false);
  });

  it('records the aggregation source of each stored rule, following nested aggregation', () => {
    const agg = model.clusterRole('aggregate')!;
    expect(agg.aggregated).toBe(true);
    expect(agg.aggregatedFrom).toEqual([['pod-reader'], ['secret-reader'], []]);
    expect(model.clusterRole('top')!.aggregatedFrom).toEqual([['aggregate', 'secret-reader']]);
    expect(model.clusterRole('pod-reader')!.aggregatedFrom).toBeUndefined();
  });

  it('uses an aggregated role\'s stored rules, not what its sources hold', () => {
    // `nodes` was hand-added to the aggregate: the authorizer honours it.
    expect(model.authorize({ user: 'dave', groups: ['devs'] }, req('get', '', 'nodes', '', 'n', 'b')).allowed).toBe(true);
  });

  it('lists every grant of a principal with its provenance', () => {
    const grants = model.grantsOf(sa('a', 'app'));
    expect(grants.map((g) => `${g.binding.name}:${g.role.name}:${g.ruleIndex}:${g.viaGroup ?? ''}`).sort()).toEqual([
      'all-sas-pods:pod-reader:0:system:serviceaccounts:a',
      'sa-cm:cm-writer:0:',
    ]);
  });
});

describe('reachesNamespace: what a RoleBinding can grant', () => {
  const rule = (apiGroups: string[], resources: string[], verbs = ['get']) => ({ apiGroups, resources, verbs });
  it('built-in cluster-scoped resources (and their subresources) only: nothing', () => {
    expect(reachesNamespace(rule([''], ['nodes', 'nodes/proxy', 'persistentvolumes']))).toBe(false);
    expect(reachesNamespace(rule(['rbac.authorization.k8s.io'], ['clusterroles', 'clusterrolebindings'], ['get', 'escalate']))).toBe(false);
  });
  it('anything namespaced, a wildcard, a custom resource, or Namespaces themselves: something', () => {
    expect(reachesNamespace(rule([''], ['nodes', 'pods']))).toBe(true);
    expect(reachesNamespace(rule([''], ['namespaces']))).toBe(true);
    expect(reachesNamespace(rule(['*'], ['nodes']))).toBe(true);
    expect(reachesNamespace(rule([''], ['*']))).toBe(true);
    expect(reachesNamespace(rule(['example.com'], ['widgets']))).toBe(true);
  });
  it('bind on clusterroles: checked in the RoleBinding\'s namespace', () => {
    expect(reachesNamespace(rule(['rbac.authorization.k8s.io'], ['clusterroles'], ['bind']))).toBe(true);
    expect(reachesNamespace(rule(['rbac.authorization.k8s.io'], ['clusterroles'], ['*']))).toBe(true);
  });
});

describe('matchProbe', () => {
  it('reports the verbs and the names a rule grants', () => {
    expect(matchProbe(rule(['get', 'list', 'delete'], [''], ['secrets']), { verbs: ['get', 'list', 'watch'], group: '', resource: 'secrets' })).toMatchObject({
      verbs: ['get', 'list'],
      resource: 'secrets',
    });
    const named = matchProbe(rule(['get', 'list'], [''], ['secrets'], ['a']), { verbs: ['get', 'list', 'watch'], group: '', resource: 'secrets' });
    expect(named?.resourceNames).toEqual(['a']);
  });

  it('drops create when the rule is limited by name (create carries no name)', () => {
    expect(matchProbe(rule(['create'], [''], ['pods'], ['p']), { verbs: ['create'], group: '', resource: 'pods' })).toBeUndefined();
    expect(matchProbe(rule(['create'], [''], ['pods/exec'], ['p']), { verbs: ['create'], group: '', resource: 'pods', subresource: 'exec' })?.resourceNames).toEqual(['p']);
  });

  it('keeps create limited by name when the rule also allows patch (server-side apply creates the named object)', () => {
    const probe = { verbs: ['create'], group: '', resource: 'pods' };
    expect(matchProbe(rule(['create', 'patch'], [''], ['pods'], ['p']), probe)).toMatchObject({ verbs: ['create'], resourceNames: ['p'] });
    expect(matchProbe(rule(['*'], [''], ['pods'], ['p']), probe)).toMatchObject({ verbs: ['create'], resourceNames: ['p'] });
    // deletecollection never carries a name.
    expect(matchProbe(rule(['deletecollection', 'patch'], [''], ['events'], ['e']), { verbs: ['deletecollection'], group: '', resource: 'events' })).toBeUndefined();
  });

  it('honours the probed names', () => {
    const probe = { verbs: ['update'], group: '', resource: 'configmaps', names: ['coredns'] };
    expect(matchProbe(rule(['update'], [''], ['configmaps'], ['other']), probe)).toBeUndefined();
    expect(matchProbe(rule(['update'], [''], ['configmaps'], ['coredns', 'x']), probe)?.resourceNames).toEqual(['coredns']);
    expect(matchProbe(rule(['update'], [''], ['configmaps']), probe)?.resourceNames).toBeUndefined();
  });

  it('finds wildcards: * verbs, * groups, * and */sub resources', () => {
    expect(matchProbe(rule(['*'], ['*'], ['*']), { verbs: ['create'], group: '', resource: 'pods', subresource: 'exec' })?.verbs).toEqual(['create']);
    expect(matchProbe(rule(['create'], [''], ['*/exec']), { verbs: ['create'], group: '', resource: 'pods', subresource: 'exec' })).toBeDefined();
    expect(matchProbe(rule(['create'], [''], ['pods/*']), { verbs: ['create'], group: '', resource: 'pods', subresource: 'exec' })).toBeUndefined();
  });
});

describe('RbacModel cost', () => {
  // Counted, not timed: how many times the model reads a binding's or role's
  // fields while answering one question per binding. An index by subject keeps
  // the reads per question constant; a scan of every binding would make them
  // grow with n, so the total would grow with n².
  it('grows with the number of bindings, not its square', () => {
    let reads = 0;
    const counted = <T extends object>(o: T): T =>
      new Proxy(o, {
        get(target, key, receiver) {
          reads++;
          return Reflect.get(target, key, receiver);
        },
      });
    const readsFor = (n: number) => {
      const clusterRoles: K8sObject[] = [];
      const roleBindings: K8sObject[] = [];
      for (let i = 0; i < n; i++) {
        clusterRoles.push(counted({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `r${i}` }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }));
        roleBindings.push(
          counted({
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: `b${i}`, namespace: `ns${i % 50}` },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `r${i}` },
            subjects: [{ kind: 'ServiceAccount', name: `sa${i}` }],
          }),
        );
      }
      reads = 0;
      const m = new RbacModel({ roles: [], clusterRoles, roleBindings, clusterRoleBindings: [] });
      for (let i = 0; i < n; i++) expect(m.authorize(serviceAccountPrincipal(`ns${i % 50}`, `sa${i}`), req('get', '', 'pods', '', 'p', `ns${i % 50}`)).allowed).toBe(true);
      return reads;
    };
    const small = readsFor(200);
    const large = readsFor(2000);
    expect(small).toBeGreaterThan(0);
    // Linear: 10× the bindings and questions, about 10× the reads (quadratic would be 100×).
    expect(large / small).toBeLessThan(15);
  });
});
