import { describe, expect, it } from 'vitest';
import { bindingsOfAccount, isMirrorPod, resolveAutomount, serviceAccountNameOf } from '../../src/model/serviceaccounts.ts';
import type { PodSpec } from '../../src/model/k8s.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

const spec = (extra: Partial<PodSpec>): PodSpec => ({ containers: [{ name: 'c', image: 'x:1' }], ...extra });

describe('serviceAccountNameOf', () => {
  it('prefers serviceAccountName, then the deprecated field, then default', () => {
    expect(serviceAccountNameOf(spec({ serviceAccountName: 'a', serviceAccount: 'b' }))).toBe('a');
    expect(serviceAccountNameOf(spec({ serviceAccount: 'b' }))).toBe('b');
    expect(serviceAccountNameOf(spec({}))).toBe('default');
    expect(serviceAccountNameOf(spec({ serviceAccountName: '' }))).toBe('default');
  });
});

describe('resolveAutomount', () => {
  const snapshot = snapshotFromYaml(`
apiVersion: v1
kind: ServiceAccount
metadata: {name: "off", namespace: ns}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: "on", namespace: ns}
automountServiceAccountToken: true
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: unset, namespace: ns}
`);

  it('lets the pod spec override the ServiceAccount in both directions', () => {
    expect(resolveAutomount(snapshot, 'ns', spec({ serviceAccountName: 'off', automountServiceAccountToken: true }))).toMatchObject({ mounted: true, source: 'pod' });
    expect(resolveAutomount(snapshot, 'ns', spec({ serviceAccountName: 'on', automountServiceAccountToken: false }))).toMatchObject({ mounted: false, source: 'pod' });
  });

  it('falls back to the ServiceAccount, then to true', () => {
    expect(resolveAutomount(snapshot, 'ns', spec({ serviceAccountName: 'off' }))).toMatchObject({ mounted: false, source: 'serviceaccount' });
    expect(resolveAutomount(snapshot, 'ns', spec({ serviceAccountName: 'on' }))).toMatchObject({ mounted: true, source: 'serviceaccount' });
    expect(resolveAutomount(snapshot, 'ns', spec({ serviceAccountName: 'unset' }))).toMatchObject({ mounted: true, source: 'default' });
  });

  it('says when the ServiceAccount does not exist', () => {
    expect(resolveAutomount(snapshot, 'ns', spec({ serviceAccountName: 'ghost' }))).toMatchObject({ mounted: true, source: 'serviceaccount-missing' });
    // Same name, other namespace: not found either.
    expect(resolveAutomount(snapshot, 'other', spec({ serviceAccountName: 'off' }))).toMatchObject({ source: 'serviceaccount-missing' });
  });
});

describe('bindingsOfAccount', () => {
  const snapshot = snapshotFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: local, namespace: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cross, namespace: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: worker, namespace: a}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: by-user}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, name: "system:serviceaccount:c:robot", apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ns-group}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: Group, name: "system:serviceaccounts:d", apiGroup: rbac.authorization.k8s.io}
  - {kind: Group, name: "system:serviceaccounts", apiGroup: rbac.authorization.k8s.io}
  - {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}
`);

  const names = (ns: string, name: string) => bindingsOfAccount(snapshot, ns, name).map((b) => `${b.kind}/${b.namespace ?? ''}/${b.name}`);

  it('defaults a RoleBinding subject to the binding namespace', () => {
    expect(names('a', 'app')).toEqual(['RoleBinding/a/local']);
    expect(names('b', 'app')).toEqual([]);
  });

  it('finds bindings in other namespaces, and by User name', () => {
    expect(names('a', 'worker')).toEqual(['RoleBinding/b/cross']);
    expect(names('c', 'robot')).toEqual(['ClusterRoleBinding//by-user']);
  });

  it('does not count grants to groups of accounts or to everyone', () => {
    expect(names('d', 'anything')).toEqual([]);
    expect(names('e', 'default')).toEqual([]);
  });
});

describe('isMirrorPod', () => {
  it('recognises the mirror annotation on Pods only', () => {
    expect(isMirrorPod('Pod', { name: 'x', annotations: { 'kubernetes.io/config.mirror': 'h' } })).toBe(true);
    expect(isMirrorPod('Pod', { name: 'x' })).toBe(false);
    expect(isMirrorPod('Deployment', { name: 'x', annotations: { 'kubernetes.io/config.mirror': 'h' } })).toBe(false);
  });
});
