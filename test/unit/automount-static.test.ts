/**
 * pod-automount-token in a static scan (`scan -f`): "no binding grants the account anything" is a claim about the
 * whole cluster, which a set of files cannot make (README, static mode: judgements about absence are not applicable).
 */
import { describe, expect, it } from 'vitest';
import control from '../../checks/hardening/pod-automount-token.ts';
import { parseManifests, snapshotFromObjects } from '../../src/collect/manifests.ts';
import { evaluate } from '../../src/engine/run.ts';

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: shop}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      serviceAccountName: app
      containers:
        - name: app
          image: registry.example.com/app:1.0
`;

const BINDING = `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-view, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
`;

function run(yaml: string, asCluster: boolean) {
  const snapshot = snapshotFromObjects(parseManifests(yaml, 'test.yaml'), { asCluster });
  return evaluate(snapshot, [control]).results.filter((r) => r.subject?.kind === 'Deployment');
}

describe('pod-automount-token in a static scan', () => {
  it('does not claim that no binding grants the account anything when the bindings are not among the files', () => {
    const [r] = run(DEPLOYMENT, false);
    expect(r!.status).toBe('not-applicable');
    expect(r!.message).toMatch(/static scan sees only the bindings among the files/);
  });

  it('passes when a binding among the files names the account', () => {
    expect(run(DEPLOYMENT + BINDING, false).map((r) => r.status)).toEqual(['pass']);
  });

  it('still fails on a cluster where no binding names the account', () => {
    expect(run(DEPLOYMENT, true).map((r) => r.status)).toEqual(['fail']);
  });

  it('passes in a static scan when the pod spec turns automount off', () => {
    const off = DEPLOYMENT.replace('serviceAccountName: app', 'serviceAccountName: app\n      automountServiceAccountToken: false');
    expect(run(off, false).map((r) => r.status)).toEqual(['pass']);
  });
});
