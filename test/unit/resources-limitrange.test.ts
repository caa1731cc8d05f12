import { describe, expect, it } from 'vitest';
import { parseManifests, snapshotFromObjects } from '../../src/collect/manifests.ts';
import { evaluate } from '../../src/engine/run.ts';
import control from '../../checks/hardening/pod-resources-missing.ts';

const yaml = `
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: limited}
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 256Mi}
      defaultRequest: {cpu: 100m, memory: 128Mi}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: limited}
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0
`;

describe('pod-resources-missing and LimitRange defaults on Pods', () => {
  it('a Pod of a manifest is yet to be created: the LimitRange gives it its defaults', () => {
    const { results } = evaluate(snapshotFromObjects(parseManifests(yaml, 'm')), [control]);
    expect(results.map((r) => r.status)).toEqual(['pass']);
  });

  it('a Pod read from the cluster was admitted already: the LimitRange counts for nothing', () => {
    const { results } = evaluate(snapshotFromObjects(parseManifests(yaml, 'm'), { asCluster: true }), [control]);
    const fails = results.filter((r) => r.status === 'fail');
    expect(fails.map((r) => r.path).sort()).toEqual([
      'spec.containers[0].resources.limits.cpu',
      'spec.containers[0].resources.limits.memory',
      'spec.containers[0].resources.requests.cpu',
      'spec.containers[0].resources.requests.memory',
    ]);
    expect(fails.find((r) => r.path!.endsWith('requests.cpu'))!.message).toBe('Container "app" (containers) has no cpu request: LimitRange "defaults" sets a default, but only in Pods created after it.');
  });
});
