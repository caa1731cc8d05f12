// The API server's PodSecurity configuration may exempt runtime classes; it is not visible through the API.
// Reproduced on kube-apiserver v1.37.2 with `exemptions: {runtimeClasses: [kata-exempt]}`: a privileged Pod with
// runtimeClassName kata-exempt is admitted into a namespace enforcing baseline, and raising the label to restricted
// is answered with no warning. A finding may not say flatly that such a Pod "will be refused".
import { describe, expect, it } from 'vitest';
import { selectControls } from '../../src/engine/registry.ts';
import { evaluate } from '../../src/engine/run.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

const V137 = { serverVersion: { gitVersion: 'v1.37.2', major: '1', minor: '37' } };

const cluster = `
apiVersion: v1
kind: Namespace
metadata: {name: rc, labels: {pod-security.kubernetes.io/enforce: baseline}}
---
apiVersion: v1
kind: Pod
metadata: {name: priv-kata, namespace: rc}
spec:
  runtimeClassName: kata-exempt
  containers: [{name: c, image: registry.example.com/app:1.0, securityContext: {privileged: true}}]
---
apiVersion: v1
kind: Pod
metadata: {name: priv, namespace: rc}
spec:
  containers: [{name: c, image: registry.example.com/app:1.0, securityContext: {privileged: true}}]
`;

describe('namespace-psa-enforce-violated and runtime classes', () => {
  it('says a Pod of a runtime class is refused unless that class is exempt', () => {
    const { results } = evaluate(snapshotFromYaml(cluster, V137), selectControls(['namespace-psa-enforce-violated']), {}, { passes: 'list' });
    const kata = results.find((r) => r.subject.name === 'priv-kata')!;
    expect(kata.status).toBe('fail');
    expect(kata.message).toMatch(/will be refused when next created, unless the API server's PodSecurity configuration exempts runtime class "kata-exempt"/);
    const plain = results.find((r) => r.subject.name === 'priv')!;
    expect(plain.message).toMatch(/will be refused when next created\.$/);
  });
});
