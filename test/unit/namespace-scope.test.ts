// Scans limited by namespace (-n, --exclude-namespace) read only some namespaces' objects. A control may then not
// claim that something exists nowhere — a binding granting an account, a Pod Security label, an agent, the control
// plane's mirror pods — and a count of bindings is a lower bound. Each case: the whole cluster, then limited scopes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/collect/manifests.ts';
import { KIND_KEYS } from '../../src/collect/kinds.ts';
import { selectControls } from '../../src/engine/registry.ts';
import { evaluate } from '../../src/engine/run.ts';
import type { Result } from '../../src/engine/result.ts';
import { managedControlPlane, nodeInventory } from '../../src/model/managed.ts';
import { whoCan } from '../../src/model/rbac.ts';
import type { SnapshotExtras } from '../../src/collect/extras.ts';
import { Snapshot, groupByKind } from '../../src/model/snapshot.ts';

type Scope = { namespaces?: string[]; excludedNamespaces?: string[] };

/** A cluster's objects as a scan with this scope reads them: namespaced objects and Namespaces of the namespaces in scope. */
function snapshotOf(yaml: string, scope: Scope, extras?: SnapshotExtras): Snapshot {
  const inScope = (ns: string) => (!scope.namespaces || scope.namespaces.includes(ns)) && !scope.excludedNamespaces?.includes(ns);
  const all = parseManifests(yaml, 'cluster.yaml');
  const kept = all.filter((o) => (o.kind === 'Namespace' ? inScope(o.metadata.name) : !o.metadata.namespace || inScope(o.metadata.namespace)));
  const { objects } = groupByKind(kept);
  for (const k of KIND_KEYS) objects[k] ??= [];
  return new Snapshot({ source: 'cluster', objects, serverVersion: { gitVersion: 'v1.37.2', major: '1', minor: '37' }, ...scope, ...(extras ? { extras } : {}) });
}

function run(control: string, yaml: string, scope: Scope, extras?: SnapshotExtras): Result[] {
  return evaluate(snapshotOf(yaml, scope, extras), selectControls([control]), {}, { passes: 'list' }).results;
}

const of = (results: Result[], name: string) => results.filter((r) => r.subject.name === name).map((r) => r.status);

const NS = (name: string, labels = '{}') => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${labels}}\n---\n`;

// ServiceAccount victim/runner, mounted by a Deployment in its namespace; its only grant is a RoleBinding in payments.
const RUNNER = `${NS('victim')}${NS('payments')}apiVersion: v1
kind: ServiceAccount
metadata: {name: runner, namespace: victim}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: runner, namespace: victim}
spec:
  selector: {matchLabels: {app: runner}}
  template:
    metadata: {labels: {app: runner}}
    spec: {serviceAccountName: runner, containers: [{name: c, image: r:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: payments}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: runner-reads-payments, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}
subjects: [{kind: ServiceAccount, name: runner, namespace: victim}]
`;

const LIMITED: Scope[] = [{ namespaces: ['victim'] }, { excludedNamespaces: ['payments'] }];

describe('a ServiceAccount granted only in a namespace the scan did not read', () => {
  it('rbac-workload-token-risk: not assessed, never passed', () => {
    expect(of(run('rbac-workload-token-risk', RUNNER, {}), 'runner')).toEqual(['fail']);
    for (const scope of LIMITED) {
      const results = run('rbac-workload-token-risk', RUNNER, scope);
      expect(of(results, 'runner'), JSON.stringify(scope)).toEqual(['not-assessed']);
      expect(results[0]!.message).toMatch(/^The scan (limited to namespace\(s\) victim|excluded namespace\(s\) payments): no binding read grants ServiceAccount victim\/runner a risky permission, but a RoleBinding in a namespace not read may/);
    }
    expect(of(run('rbac-workload-token-risk', RUNNER, { namespaces: ['victim', 'payments'] }), 'runner')).toEqual(['fail']);
  });

  it('pod-automount-token: not assessed, never failed as "bound by nothing"', () => {
    expect(of(run('pod-automount-token', RUNNER, {}), 'runner')).toEqual(['pass']);
    for (const scope of LIMITED) expect(of(run('pod-automount-token', RUNNER, scope), 'runner'), JSON.stringify(scope)).toEqual(['not-assessed']);
    // Without any binding anywhere, the whole cluster read: the token is not needed.
    const unbound = RUNNER.split('---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding')[0]!;
    expect(of(run('pod-automount-token', unbound, {}), 'runner')).toEqual(['fail']);
  });

  it('whoCan: mountedBy only where the namespace was read, and a note that the listing is partial', () => {
    const full = whoCan(snapshotOf(RUNNER, {}));
    expect(full.subjects.find((s) => s.key === 'ServiceAccount:victim/runner')?.mountedBy).toEqual([{ kind: 'Deployment', namespace: 'victim', name: 'runner', how: 'automount' }]);
    expect(full.notes.some((n) => n.includes('not read'))).toBe(false);
    const limited = whoCan(snapshotOf(RUNNER, { namespaces: ['payments'] }));
    const runner = limited.subjects.find((s) => s.key === 'ServiceAccount:victim/runner')!;
    expect(runner.mountedBy).toBeUndefined();
    expect(limited.notes).toContain('The scan limited to namespace(s) payments: the RoleBindings of the namespaces not read are not included, so a subject may hold more than is listed here, and one granted only there is missing.');
  });
});

describe('rbac-wildcard: a ClusterRole bound only in a namespace the scan did not read', () => {
  const YAML = `${NS('default')}${NS('hostile')}apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: everything}
rules: [{apiGroups: [""], resources: [pods], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: use-everything, namespace: hostile}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}
subjects: [{kind: User, name: mallory}]
`;
  it('keeps its severity and says the count covers the namespaces read', () => {
    const [full] = run('rbac-wildcard', YAML, {});
    expect(full).toMatchObject({ status: 'fail', severity: 'medium' });
    expect(full!.message).toMatch(/; bound by 1 binding\(s\)\.$/);
    const [limited] = run('rbac-wildcard', YAML, { namespaces: ['default'] });
    expect(limited).toMatchObject({ status: 'fail', severity: 'medium' });
    expect(limited!.message).toMatch(/; bound by 0 binding\(s\) in the namespaces read \(the RoleBindings of the others were not read\)\.$/);
    // Unbound with every namespace read: lowered, as before.
    const [unbound] = run('rbac-wildcard', YAML.split('---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding')[0]!, {});
    expect(unbound).toMatchObject({ status: 'fail', severity: 'low' });
  });
});

describe('cluster-wide claims of absence', () => {
  it('cluster-policy-mechanism: a namespace enforcing a level outside the scope may exist', () => {
    const YAML = `${NS('default')}${NS('payments', '{pod-security.kubernetes.io/enforce: restricted}')}`;
    expect(of(run('cluster-policy-mechanism', YAML, {}), 'cluster')).toEqual(['pass']);
    expect(of(run('cluster-policy-mechanism', YAML, { namespaces: ['payments'] }), 'cluster')).toEqual(['pass']);
    for (const scope of [{ namespaces: ['default'] }, { excludedNamespaces: ['payments'] }]) {
      const results = run('cluster-policy-mechanism', YAML, scope);
      expect(results.map((r) => r.status), JSON.stringify(scope)).toEqual(['not-assessed']);
      expect(results[0]!.message).toContain('none of the 1 namespace(s) read enforces a Pod Security level, but a namespace not read may');
    }
    expect(of(run('cluster-policy-mechanism', NS('default'), {}), 'cluster')).toEqual(['fail']);
  });

  it('detection-runtime-sensor: --exclude-namespace as -n; a sensor in scope still passes', () => {
    const falco = readFileSync(new URL('../checks/detection-runtime-sensor/pass.falco.yaml', import.meta.url), 'utf8');
    const ns = parseManifests(falco, 'falco.yaml').find((o) => o.kind === 'DaemonSet')!.metadata.namespace!;
    expect(run('detection-runtime-sensor', falco, {}).map((r) => r.status)).toEqual(['pass']);
    expect(run('detection-runtime-sensor', falco, { namespaces: [ns] }).map((r) => r.status)).toEqual(['pass']);
    for (const scope of [{ excludedNamespaces: [ns] }, { namespaces: ['default'] }]) {
      const results = run('detection-runtime-sensor', falco, scope);
      expect(results.map((r) => r.status), JSON.stringify(scope)).toEqual(['not-assessed']);
      expect(results[0]!.message).toMatch(/^The scan (excluded|limited to) namespace\(s\) .*; a sensor in a namespace not read would not be seen\.$/);
    }
  });

  it('kube-proxy-metrics-bind-address: kube-system excluded is not "no kube-proxy runs"', () => {
    const dir = new URL('../checks/kube-proxy-metrics-bind-address/', import.meta.url);
    const yaml = readFileSync(new URL('fail.config-wins-over-flag.yaml', dir), 'utf8');
    const extras = JSON.parse(readFileSync(new URL('fail.config-wins-over-flag.extras.json', dir), 'utf8')) as SnapshotExtras;
    expect(run('kube-proxy-metrics-bind-address', yaml, {}, extras).map((r) => r.status)).toContain('fail');
    const results = run('kube-proxy-metrics-bind-address', yaml, { excludedNamespaces: ['kube-system'] }, extras);
    expect(results.map((r) => r.status)).toEqual(['not-assessed']);
    expect(results[0]!.message).toBe('The scan excluded namespace(s) kube-system; kube-system, where kube-proxy runs, was not read.');
  });
});

describe('a node with a cloud providerID, and kube-system not read', () => {
  const base = readFileSync(new URL('../checks/apiserver-admission-always-pull-images/fail.not-enabled.yaml', import.meta.url), 'utf8');
  const YAML = base.replace('spec: {}', 'spec: {providerID: "aws:///eu-west-1a/i-0123456789abcdef0"}');

  it('is not taken for a managed control plane: the controls say kube-system was not read', () => {
    expect(YAML).not.toBe(base);
    expect(managedControlPlane(snapshotOf(YAML, {}))).toBeUndefined(); // the mirror pods are there
    expect(run('apiserver-admission-always-pull-images', YAML, {}).map((r) => r.status)).toEqual(['fail']);
    for (const scope of [{ namespaces: ['default'] }, { excludedNamespaces: ['kube-system'] }]) {
      expect(managedControlPlane(snapshotOf(YAML, scope)), JSON.stringify(scope)).toBeUndefined();
      const results = run('apiserver-admission-always-pull-images', YAML, scope);
      expect(results.map((r) => r.status), JSON.stringify(scope)).toEqual(['not-assessed']);
      expect(results[0]!.message).toMatch(/kube-system, where control-plane mirror pods live, was not read/);
    }
    // kube-system read and no mirror pod in it: the providerID is evidence again.
    const noMirror = YAML.replace(/---\napiVersion: v1\nkind: Pod\n[\s\S]*$/, '');
    expect(managedControlPlane(snapshotOf(noMirror, {}))?.provider.name).toBe('Amazon EKS');
  });

  it('the version controls say they cannot tell a managed control plane from a self-managed one', () => {
    for (const id of ['version-supported', 'version-patch-lag']) {
      // mirror pods read: self-managed (scanned while the release calendar is fresh, which version-patch-lag needs to pass)
      expect(run(id, YAML, {}, { collectedAt: '2026-10-20T00:00:00.000Z' }).map((r) => r.status), id).not.toContain('not-assessed');
      const limited = run(id, YAML, { namespaces: ['default'] });
      expect(limited.map((r) => r.status), id).toEqual(['not-assessed']);
      expect(limited[0]!.message).toMatch(/^The nodes suggest Amazon EKS \(providerID aws:\/\/… on node cp-1\), but kube-system's Pods were not read/);
      const noMirror = YAML.replace(/---\napiVersion: v1\nkind: Pod\n[\s\S]*$/, '');
      expect(run(id, noMirror, {}).map((r) => r.status), id).toEqual(['not-applicable']); // read, and none: managed
    }
  });

  it('the nodes insight names no provider when Pods were not read', () => {
    const snapshot = snapshotOf(YAML, {});
    const noPods = new Snapshot({
      source: 'cluster',
      objects: { nodes: snapshot.list('nodes') },
      collection: { pods: { kind: 'pods', state: 'forbidden', count: 0, reason: '403' } },
      serverVersion: { gitVersion: 'v1.37.2', major: '1', minor: '37' },
    } as ConstructorParameters<typeof Snapshot>[0]);
    expect(nodeInventory(noPods).managed).toBeUndefined();
    expect(nodeInventory(noPods).nodes.map((n) => n.provider)).toEqual(['aws']);
  });
});

describe('a control that needs an option not given', () => {
  it('pod-image-registry without --allowed-registries is not applicable even when workloads could not be read', () => {
    const forbidden = new Snapshot({
      source: 'cluster',
      objects: {},
      collection: { pods: { kind: 'pods', state: 'forbidden', count: 0, reason: '403', permission: 'list pods (cluster-wide)' } },
    } as ConstructorParameters<typeof Snapshot>[0]);
    const [r] = evaluate(forbidden, selectControls(['pod-image-registry']), {}, { passes: 'list' }).results;
    expect(r).toMatchObject({ status: 'not-applicable', message: 'No registry allowlist given: run the scan with --allowed-registries to assess image origins' });
    expect(r).not.toHaveProperty('permission');
    // With an allowlist, the unread Pods make it not assessed, with the permission.
    const [withList] = evaluate(forbidden, selectControls(['pod-image-registry']), { allowedRegistries: ['registry.example'] }, { passes: 'list' }).results;
    expect(withList).toMatchObject({ status: 'not-assessed', permission: expect.stringMatching(/^list pods \(cluster-wide\)/) });
  });
});

describe('cni-network-policy-support in a scan limited by namespace', () => {
  it('says that the namespaces where network plugins run may not have been read', () => {
    const full = run('cni-network-policy-support', NS('default'), {});
    expect(full.map((r) => r.status)).toEqual(['not-assessed']);
    expect(full[0]!.message).not.toContain('namespaces read');
    const [limited] = run('cni-network-policy-support', NS('default'), { namespaces: ['default'] });
    expect(limited!.message).toContain('in DaemonSets or Pods of the namespaces read (the scan limited to namespace(s) default; network plugins run in kube-system or a namespace of their own)');
  });
});
