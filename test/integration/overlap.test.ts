// Evaluation overlapped with collection (src/scan.ts EarlyEvaluation) against the real
// control plane: a scan gives what a plain evaluation of the data it collected gives.
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/collect/kubeconfig.ts';
import { allControls } from '../../src/engine/registry.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { evaluateSnapshot, scanCluster } from '../../src/scan.ts';
import { applyObjects, createNamespace, deleteNamespace, testKubeconfig } from '../cluster/fixtures.ts';

describe('overlapped evaluation', () => {
  let ns: string;
  beforeAll(async () => {
    // A namespace of our own: namespaces other test files are deleting change between two scans.
    ns = await createNamespace('overlap');
    const objects = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { privileged: true } }] } } } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'edit-all', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }] },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'open', namespace: ns }, spec: { podSelector: {}, ingress: [{}] } },
    ];
    await applyObjects(testKubeconfig(), objects.map((object, i) => ({ object, source: `overlap.test.ts#${i}` })) as never, { context: 'admin' });
  });
  afterAll(async () => {
    if (ns) await deleteNamespace(ns);
  });

  it('gives the scan a plain evaluation of the same data gives', async () => {
    const target = await resolveTarget({ kubeconfig: testKubeconfig(), context: 'admin' });
    let snapshot: Snapshot | undefined;
    const opts = { controls: allControls(), passes: 'count' as const, extras: {}, namespaces: [ns] };
    const overlapped = await scanCluster(target, { ...opts, onSnapshot: (s) => (snapshot = s) });
    // The same collected data evaluated after collection, as without the overlap (two scans could see the
    // cluster change in between: controllers still tidying up after earlier test files).
    const plain = evaluateSnapshot(snapshot!, opts);
    expect(plain.scan.timings.earlyEvaluateMs).toBeUndefined();
    // How much ran early depends on timing (a small cluster's last list may finish at once);
    // test/unit/early-evaluation.test.ts covers the early runs themselves.
    expect(overlapped.scan.timings.earlyEvaluateMs).toBeGreaterThanOrEqual(0);
    for (const key of ['summary', 'controls', 'results', 'passes', 'insightsSkipped'] as const) {
      expect(isDeepStrictEqual(overlapped[key], plain[key]), key).toBe(true);
    }
    for (const key of Object.keys({ ...overlapped.insights, ...plain.insights })) {
      expect(overlapped.insights?.[key], `insight ${key}`).toEqual(plain.insights?.[key]);
    }
    expect(overlapped.results.length).toBeGreaterThan(0);
  });

  it('can be turned off (overlap: false evaluates everything after collection)', async () => {
    const target = await resolveTarget({ kubeconfig: testKubeconfig(), context: 'admin' });
    const plain = await scanCluster(target, { controls: allControls(), passes: 'count', extras: {}, namespaces: [ns], overlap: false });
    expect(plain.scan.timings.earlyEvaluateMs).toBe(0);
    expect(plain.results.length).toBeGreaterThan(0);
  });
});
