import { describe, expect, it } from 'vitest';
import { impactAt } from '../../src/model/psa-posture.ts';
import { evaluatePssLevel, pssVersionFor } from '../../src/model/pss.ts';
import type { PodSpec } from '../../src/model/k8s.ts';
import { snapshotFromYaml } from '../helpers/snapshot.ts';

// impactAt memoises PSS evaluations (and pss.ts its pod views). Pods that differ in
// anything the admission reads — a field of the spec, or an annotation — must each
// get their own answer, the one evaluatePssLevel gives them alone.
const pod = (name: string, opts: { privileged?: boolean; annotation?: string } = {}) => `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: shop
${opts.annotation ? `  annotations: {container.apparmor.security.beta.kubernetes.io/app: "${opts.annotation}"}\n` : ''}spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext: {privileged: ${opts.privileged ? 'true' : 'false'}}
`;

const yaml = [
  `apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {pod-security.kubernetes.io/enforce-version: v1.29}}`,
  pod('a-clean'),
  pod('b-clean'),
  pod('c-privileged', { privileged: true }),
  pod('d-clean'),
  pod('e-apparmor-unconfined', { annotation: 'unconfined' }),
  pod('f-apparmor-default', { annotation: 'runtime/default' }),
].join('\n---\n');

describe('impactAt memoises without mixing different pods', () => {
  const snapshot = snapshotFromYaml(yaml, { serverVersion: { gitVersion: 'v1.37.2', major: '1', minor: '37' } });
  const version = pssVersionFor(snapshot.get('namespaces', undefined, 'shop')?.metadata.labels, snapshot.serverVersion).version;

  it('gives every Pod the answer evaluatePssLevel gives it alone', () => {
    const impact = impactAt(snapshot, 'shop', 'baseline');
    const expected = snapshot
      .inNamespace('pods', 'shop')
      .filter((p) => !evaluatePssLevel(p.metadata, p.spec as PodSpec, 'spec', 'baseline', version).allowed)
      .map((p) => p.metadata.name);
    expect(impact.pods.map((p) => p.name)).toEqual(expected);
    // The privileged container and the unconfined AppArmor annotation fail; their identical-spec siblings do not.
    expect(expected).toEqual(['c-privileged', 'e-apparmor-unconfined']);
    const reasons = Object.fromEntries(impact.pods.map((p) => [p.name, p.checks]));
    expect(reasons).toEqual({ 'c-privileged': ['privileged'], 'e-apparmor-unconfined': ['appArmorProfile'] });
  });

  it('is stable when asked again, in either order of levels', () => {
    const first = impactAt(snapshot, 'shop', 'restricted');
    const again = impactAt(snapshot, 'shop', 'restricted');
    expect(again).toEqual(first);
    expect(first.pods.map((p) => p.name)).toEqual(['a-clean', 'b-clean', 'c-privileged', 'd-clean', 'e-apparmor-unconfined', 'f-apparmor-default']);
  });
});
