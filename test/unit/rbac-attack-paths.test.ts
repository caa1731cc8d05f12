import { describe, expect, it } from 'vitest';
import tokenRisk from '../../checks/rbac/rbac-workload-token-risk.ts';
import secretsRead from '../../checks/rbac/rbac-secrets-read.ts';
import { evaluate } from '../../src/engine/run.ts';
import { tokenMountOf } from '../../src/model/rbac.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

const RBAC = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
  - {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: readers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
  - {kind: ServiceAccount, name: reader, namespace: open}
  - {kind: ServiceAccount, name: reader, namespace: closed}
  - {kind: ServiceAccount, name: default, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: port-forwarder, namespace: closed}
rules:
  - {apiGroups: [""], resources: [pods/portforward], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: forwarder, namespace: closed}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: port-forwarder}
subjects:
  - {kind: ServiceAccount, name: forwarder}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: closed}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
# Isolation cancelled: a second policy admits everything.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: cancelled}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: cancelled}
spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: cancelled}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
  - {kind: ServiceAccount, name: reader}
`;

const pod = (ns: string, name: string, sa: string, extra = '') => `
---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${name}}${extra.includes('mirror') ? ', annotations: {kubernetes.io/config.mirror: abc}' : ''}}
spec:
  serviceAccountName: ${sa}
  containers: [{name: c, image: img${extra.includes('privileged') ? ', securityContext: {privileged: true}' : ''}}]
`;

function run(yaml: string) {
  return evaluate(snapshotFromYaml(yaml), [tokenRisk]).results;
}

describe('attack paths: risky ServiceAccount tokens in workloads', () => {
  const results = run(
    RBAC +
      pod('open', 'exposed', 'reader') +
      pod('closed', 'isolated', 'reader') +
      pod('closed', 'isolated-privileged', 'reader', 'privileged') +
      pod('closed', 'forwarder', 'forwarder') +
      pod('cancelled', 'allow-all', 'reader') +
      pod('kube-system', 'kube-apiserver-node', 'default', 'mirror'),
  );
  const of = (name: string) => results.find((r) => r.subject.name === name)!;

  it('takes the worst permission\'s severity, one level lower when namespace-scoped', () => {
    expect(of('isolated')).toMatchObject({ status: 'fail', severity: 'high' });
    expect(of('forwarder')).toMatchObject({ status: 'fail', severity: 'low' });
  });

  it('raises it one level for exposed pods and says why', () => {
    expect(of('exposed')).toMatchObject({ status: 'fail', severity: 'critical', data: { exposed: true } });
    expect(of('exposed').message).toMatch(/ingress is open/);
    expect(of('isolated-privileged')).toMatchObject({ severity: 'critical' });
    expect(of('isolated-privileged').message).toMatch(/privileged container c/);
    // A policy that allows all cancels the isolation of another.
    expect(of('allow-all')).toMatchObject({ status: 'fail', severity: 'high', data: { exposed: true } });
  });

  it('names the grant chain in the finding', () => {
    expect(of('isolated').data!.grants).toBe('read-secrets cluster-wide: ClusterRoleBinding readers → ClusterRole secret-reader rules[0]');
  });

  it('passes mirror pods of static pods, which get no token', () => {
    expect(of('kube-apiserver-node').status).toBe('pass');
  });

  it('leaves the per-binding controls at the control\'s severity', () => {
    const bindings = evaluate(snapshotFromYaml(RBAC + pod('open', 'exposed', 'reader')), [secretsRead]).results.filter((r) => r.status === 'fail');
    expect(bindings.map((r) => r.severity)).toEqual(['high', 'high', 'high', 'high']);
  });
});

describe('token mounts', () => {
  const sa = (automount?: boolean) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x' }, ...(automount === undefined ? {} : { automountServiceAccountToken: automount }) });
  it('lets the pod\'s setting win over the ServiceAccount\'s, and defaults to mounting', () => {
    expect(tokenMountOf({ containers: [] }, undefined)).toBe('automount');
    expect(tokenMountOf({ containers: [] }, sa(false))).toBeUndefined();
    expect(tokenMountOf({ containers: [], automountServiceAccountToken: true }, sa(false))).toBe('automount');
    expect(tokenMountOf({ containers: [], automountServiceAccountToken: false }, sa(true))).toBeUndefined();
  });
  it('sees projected serviceAccountToken volumes', () => {
    const spec = { containers: [], automountServiceAccountToken: false, volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }] };
    expect(tokenMountOf(spec, undefined)).toBe('projected');
  });
});
