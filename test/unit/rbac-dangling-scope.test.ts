import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/collect/manifests.ts';
import { selectControls } from '../../src/engine/registry.ts';
import { evaluate } from '../../src/engine/run.ts';
import { whoCan } from '../../src/model/rbac.ts';
import { Snapshot, groupByKind } from '../../src/model/snapshot.ts';

// A ClusterRoleBinding to ServiceAccounts in two namespaces, as a scan limited by namespace reads it: the
// ServiceAccounts of a namespace it did not read are unknown, not missing.
const YAML = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: viewer}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: builder-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: viewer}
subjects:
  - {kind: ServiceAccount, name: builder, namespace: ci}
`;

function snapshotOf(scope: { namespaces?: string[]; excludedNamespaces?: string[] }): Snapshot {
  const all = parseManifests(YAML, 'x.yaml');
  const keep = (ns: string | undefined) => !ns || ((!scope.namespaces || scope.namespaces.includes(ns)) && !scope.excludedNamespaces?.includes(ns));
  const { objects } = groupByKind(all.filter((o) => keep(o.metadata.namespace)));
  for (const k of ['serviceaccounts', 'clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'] as const) objects[k] ??= [];
  return new Snapshot({ source: 'cluster', objects, ...scope });
}

function scan(scope: { namespaces?: string[]; excludedNamespaces?: string[] }) {
  return evaluate(snapshotOf(scope), selectControls(['rbac-dangling-binding'])).results;
}

describe('rbac-dangling-binding in a scan limited by namespace', () => {
  it('passes when the ServiceAccount\'s namespace was read and it exists', () => {
    expect(scan({}).map((r) => r.status)).toEqual(['pass']);
    expect(scan({ namespaces: ['ci'] }).map((r) => r.status)).toEqual(['pass']);
  });

  it('is not assessed, not failed, when the namespace was outside --namespace or excluded', () => {
    for (const scope of [{ namespaces: ['shop'] }, { excludedNamespaces: ['ci'] }]) {
      const results = scan(scope);
      expect(results.map((r) => r.status)).toEqual(['not-assessed']);
      expect(results[0]!.message).toContain('ci/builder');
    }
  });

  it('whoCan leaves out whether it exists, rather than saying it does not', () => {
    const builder = (scope: { namespaces?: string[] }) => whoCan(snapshotOf(scope)).subjects.find((x) => x.key === 'ServiceAccount:ci/builder');
    expect(builder({})?.exists).toBe(true);
    expect(builder({ namespaces: ['shop'] })).toBeDefined();
    expect(builder({ namespaces: ['shop'] })?.exists).toBeUndefined();
  });
});
