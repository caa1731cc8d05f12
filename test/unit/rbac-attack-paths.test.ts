import { describe, expect, it } from 'vitest';
import tokenRisk from '../../checks/rbac/rbac-workload-token-risk.ts';
import secretsRead from '../../checks/rbac/rbac-secrets-read.ts';
import { evaluate } from '../../src/engine/run.ts';
import { tokenMountOf } from '../../src/model/rbac.ts';
import { workloads } from '../../src/model/workloads.ts';
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
${extra.includes('mirror') ? '' : '  volumes: [{name: kube-api-access-7xk2q, projected: {sources: [{serviceAccountToken: {path: token}}]}}]  # added by admission\n'}`;

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
    expect(of('exposed').message).toMatch(/no NetworkPolicy isolates its ingress/);
    expect(of('isolated-privileged')).toMatchObject({ severity: 'critical' });
    expect(of('isolated-privileged').message).toMatch(/privileged container c/);
    // A policy that allows all cancels the isolation of another.
    expect(of('allow-all')).toMatchObject({ status: 'fail', severity: 'high', data: { exposed: true } });
  });

  it('does not raise it for ingress no NetworkPolicy isolates when policies of another API may (Calico installed)', () => {
    const calico = `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: globalnetworkpolicies.crd.projectcalico.org}
spec: {group: crd.projectcalico.org, names: {plural: globalnetworkpolicies, kind: GlobalNetworkPolicy}, scope: Cluster, versions: [{name: v1, served: true, storage: true}]}
`;
    const withCalico = run(RBAC + pod('open', 'exposed', 'reader') + pod('cancelled', 'allow-all', 'reader') + calico);
    expect(withCalico.find((r) => r.subject.name === 'exposed')).toMatchObject({ status: 'fail', severity: 'high', data: { exposed: false } });
    // An allow-all NetworkPolicy rule opens it whatever else is installed.
    expect(withCalico.find((r) => r.subject.name === 'allow-all')).toMatchObject({ severity: 'high', data: { exposed: true } });
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
  const sa = (automount?: boolean) =>
    `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x, namespace: ns}\n${automount === undefined ? '' : `automountServiceAccountToken: ${automount}\n`}---\n`;
  const deployment = (spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: ns}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      serviceAccountName: x
      containers: [{name: c, image: "registry.example.com/c:1"}]
${spec.replace(/^/gm, '      ')}
`;
  const mountOf = (yaml: string) => {
    const snapshot = snapshotFromYaml(yaml);
    return tokenMountOf(snapshot, workloads(snapshot)[0]!);
  };
  const projected = (audience?: string) => `volumes:
- name: t
  projected: {sources: [{serviceAccountToken: {path: token${audience ? `, audience: "${audience}"` : ''}}}]}`;

  it("lets the pod's setting win over the ServiceAccount's, and defaults to mounting", () => {
    expect(mountOf(deployment(''))).toBe('automount');
    expect(mountOf(sa(false) + deployment(''))).toBeUndefined();
    expect(mountOf(sa(false) + deployment('automountServiceAccountToken: true'))).toBe('automount');
    expect(mountOf(sa(true) + deployment('automountServiceAccountToken: false'))).toBeUndefined();
  });

  it('sees projected serviceAccountToken volumes for the API server, not tokens for another audience', () => {
    expect(mountOf(sa(false) + deployment(projected()))).toBe('projected');
    expect(mountOf(sa(false) + deployment(projected('https://kubernetes.default.svc.cluster.local')))).toBe('projected');
    // EKS's IAM roles for service accounts, Vault: the API server refuses these tokens.
    expect(mountOf(sa(false) + deployment(projected('sts.amazonaws.com')))).toBeUndefined();
    expect(mountOf(sa(false) + deployment(projected('vault')))).toBeUndefined();
  });

  it('judges a Pod read from the cluster by the token volume admission gave it, not by its account now', () => {
    const pod = (volumes: string) => `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec:
  serviceAccountName: x
  containers: [{name: c, image: "registry.example.com/c:1"}]
${volumes}`;
    expect(mountOf(sa(true) + pod(''))).toBeUndefined();
    expect(mountOf(sa(false) + pod('  volumes: [{name: kube-api-access-abcde, projected: {sources: [{serviceAccountToken: {path: token}}]}}]'))).toBe('automount');
  });
});
