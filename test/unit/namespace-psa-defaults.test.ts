// A namespace without a pod-security.kubernetes.io/enforce label gets the API server's default level: privileged
// unless the PodSecurity defaults of its AdmissionConfiguration set another (e.g. `defaults: {enforce: baseline}`),
// and those defaults are not visible through the API. The controls may report the missing label, but may not claim
// what the namespace admits. (Reproduced on a kube-apiserver v1.37.2 with `defaults.enforce: baseline`: a privileged Pod
// is refused in an unlabelled namespace, and labelling it enforce=baseline changes nothing.)
import { describe, expect, it } from 'vitest';
import { selectControls } from '../../src/engine/registry.ts';
import { evaluate } from '../../src/engine/run.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

const V137 = { serverVersion: { gitVersion: 'v1.37.2', major: '1', minor: '37' } };

const cluster = `
apiVersion: v1
kind: Namespace
metadata: {name: plain}
---
apiVersion: v1
kind: Pod
metadata: {name: priv, namespace: plain}
spec:
  containers: [{name: c, image: registry.example.com/app:1.0, securityContext: {privileged: true}}]
`;

function results(control: string) {
  return evaluate(snapshotFromYaml(cluster, V137), selectControls([control]), {}, { passes: 'list' }).results;
}

describe('an unlabelled namespace: the cluster default is not claimed', () => {
  it('namespace-psa-enforce reports the missing label without saying any pod is admitted', () => {
    const [r] = results('namespace-psa-enforce');
    expect(r!.status).toBe('fail');
    expect(r!.message).not.toMatch(/any pod is admitted/);
    expect(r!.message).toMatch(/default level/);
    expect(r!.message).toMatch(/not visible through the API/);
  });

  it('namespace-psa-enforce-violated does not say the namespace enforces privileged', () => {
    const ns = results('namespace-psa-enforce-violated').find((r) => r.subject.kind === 'Namespace')!;
    expect(ns.status).toBe('not-applicable');
    expect(ns.message).not.toMatch(/enforces privileged/);
    expect(ns.message).toMatch(/no enforce label/);
  });

  it('cluster-policy-mechanism says what it saw: labels, not what namespaces enforce', () => {
    const [r] = results('cluster-policy-mechanism');
    expect(r!.status).toBe('fail');
    expect(r!.message).not.toMatch(/no namespace enforces/);
    expect(r!.message).toMatch(/no namespace has a Pod Security enforce label above privileged/);
  });
});
