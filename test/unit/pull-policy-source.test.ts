import { describe, expect, it } from 'vitest';
import { parseManifests, snapshotFromObjects } from '../../src/collect/manifests.ts';
import { evaluate } from '../../src/engine/run.ts';
import control from '../../checks/hardening/pod-image-pull-policy.ts';

// A Deployment as the API server stores it: imagePullPolicy defaulted from the tag (SetDefaults_Container), though
// its author never wrote one.
const yaml = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0
          imagePullPolicy: IfNotPresent
`;

describe('pod-image-pull-policy: where the policy comes from', () => {
  it("read from the cluster, a policy may be the API server's default: it is not said to be written", () => {
    const { results } = evaluate(snapshotFromObjects(parseManifests(yaml, 'm'), { asCluster: true }), [control]);
    expect(results.map((r) => r.message)).toEqual([
      'Container "app" (containers) pulls the tag-referenced image "registry.example.com/app:1.0" with imagePullPolicy IfNotPresent (as stored: written, or defaulted by the API server).',
    ]);
  });

  it('in a manifest, a policy is as written', () => {
    const { results } = evaluate(snapshotFromObjects(parseManifests(yaml, 'm')), [control]);
    expect(results[0]!.message).toContain('with imagePullPolicy IfNotPresent (as written).');
  });
});
