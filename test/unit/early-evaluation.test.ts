/**
 * Evaluation overlapped with collection (src/scan.ts EarlyEvaluation): controls and
 * insights run on a snapshot taken while one kind is still being read must give
 * exactly what they give on the finished snapshot, and anything that touches the
 * unfinished kind must be run again rather than see a partial cluster.
 */
import { describe, expect, it } from 'vitest';
import { KIND_KEYS, type KindKey } from '../../src/collect/kinds.ts';
import { INSIGHT_PROVIDERS, computeInsightEarly, computeInsights } from '../../src/engine/insights.ts';
import { allControls, kindsRead } from '../../src/engine/registry.ts';
import { evaluate, runEarly, type ControlRun, type PassMode } from '../../src/engine/run.ts';
import { defineControl, type Control } from '../../src/engine/types.ts';
import type { K8sObject } from '../../src/model/k8s.ts';
import { PendingDataError, Snapshot, type KindCollection } from '../../src/model/snapshot.ts';
import { scenarioSnapshot } from '../helpers/snapshot.ts';

const SERVER_VERSION = { gitVersion: 'v1.37.2', major: '1', minor: '37' };

function clusterSnapshot(scenario: string): Snapshot {
  return scenarioSnapshot(scenario, SERVER_VERSION);
}

/** The finished snapshot as it looked while `pending` (and the extras, if asked) were still being read. */
function midCollection(done: Snapshot, pending: KindKey, extrasPending = false): Snapshot {
  const objects: Partial<Record<KindKey, K8sObject[]>> = {};
  const collection: Partial<Record<KindKey, KindCollection>> = {};
  for (const k of KIND_KEYS) {
    if (k === pending) continue;
    objects[k] = done.list(k) as K8sObject[];
    collection[k] = done.collection[k];
  }
  return new Snapshot({
    source: 'cluster',
    objects,
    collection,
    serverVersion: SERVER_VERSION,
    pending: { kinds: [pending], extras: extrasPending },
    ...(done.extras && !extrasPending ? { extras: done.extras } : {}),
  });
}

function earlyRuns(snapshot: Snapshot, controls: readonly Control[], pending: KindKey, mode: PassMode) {
  const runs = new Map<Control, ControlRun>();
  let deferred = 0;
  for (const c of controls) {
    if (c.reads.includes(pending)) continue;
    const run = runEarly(c, snapshot, {}, mode);
    if (run) runs.set(c, run);
    else deferred++;
  }
  return { runs, deferred };
}

describe('a snapshot taken mid-collection', () => {
  const done = clusterSnapshot('demo');
  const early = midCollection(done, 'pods', true);

  it('throws PendingDataError for everything about the unfinished kind and the extras', () => {
    expect(() => early.list('pods')).toThrow(PendingDataError);
    expect(() => early.inNamespace('pods', 'default')).toThrow(PendingDataError);
    expect(() => early.get('pods', 'default', 'x')).toThrow(PendingDataError);
    expect(() => early.isComplete('pods')).toThrow(PendingDataError);
    expect(() => early.collection.pods).toThrow(PendingDataError);
    expect(() => Object.values(early.collection)).toThrow(PendingDataError);
    expect(() => early.extras).toThrow(PendingDataError);
  });

  it('serves the finished kinds as they are', () => {
    expect(early.list('namespaces')).toBe(done.list('namespaces'));
    expect(early.collection.roles).toEqual(done.collection.roles);
    expect(early.namespaceNames()).toEqual(done.namespaceNames());
  });
});

describe('controls run early give the results of the finished snapshot', () => {
  const controls = allControls();
  const read = kindsRead(controls);
  const providers = INSIGHT_PROVIDERS.filter((p) => p.reads.every((k) => read.includes(k)));

  for (const scenario of ['demo', 'hostile']) {
    const done = clusterSnapshot(scenario);
    for (const pending of ['pods', 'namespaces', 'rolebindings', 'networkpolicies', 'serviceaccounts', 'deployments'] as const) {
      for (const mode of ['count', 'list'] as const) {
        it(`${scenario}: ${pending} still being read, passes ${mode}`, () => {
          const plain = evaluate(done, controls, {}, { passes: mode });
          const { runs } = earlyRuns(midCollection(done, pending), controls, pending, mode);
          expect(runs.size).toBeGreaterThan(10);
          const overlapped = evaluate(done, controls, {}, { passes: mode, early: runs });
          expect(overlapped).toEqual(plain);

          const insightsEarly = new Map<string, { value: unknown } | { skipped: string }>();
          for (const p of providers) {
            if (p.reads.includes(pending)) continue;
            const out = computeInsightEarly(midCollection(done, pending), p);
            if (out) insightsEarly.set(p.key, out);
          }
          expect(computeInsights(done, providers, insightsEarly)).toEqual(computeInsights(done, providers));
        });
      }
    }
  }

  it('runs again, at the end, a control that reads the unfinished kind without declaring it', () => {
    const done = clusterSnapshot('demo');
    const sneaky = defineControl({
      meta: {
        id: 'test-sneaky',
        title: 'Counts Pods while declaring only Namespaces',
        area: 'general',
        severity: 'low',
        description: 'test',
        rationale: 'test',
        remediation: 'none',
        references: {},
        messages: { many: '{{n}} pods' },
      },
      reads: ['namespaces'],
      evaluate(snapshot, report) {
        const n = snapshot.list('pods').length;
        for (const ns of snapshot.list('namespaces')) {
          if (n > 0) report.fail({ apiVersion: 'v1', kind: 'Namespace', name: ns.metadata.name }, { messageId: 'many', data: { n } });
          else report.pass({ apiVersion: 'v1', kind: 'Namespace', name: ns.metadata.name });
        }
      },
    });
    expect(done.list('pods').length).toBeGreaterThan(0);
    const { runs, deferred } = earlyRuns(midCollection(done, 'pods'), [sneaky], 'pods', 'count');
    expect(deferred).toBe(1);
    expect(runs.size).toBe(0);
    const out = evaluate(done, [sneaky], {}, { passes: 'count', early: runs });
    expect(out.controls[0]!.status).toBe('fail');
    // Never a pass over what was not yet seen: had it run on the partial snapshot as if empty, it would pass.
    expect(out.results.every((r) => r.status === 'fail')).toBe(true);
  });

  it('defers a control that reads the extras while they are still being read', () => {
    const done = clusterSnapshot('demo');
    const needsExtras = controls.filter((c) => c.meta.id.startsWith('kubeconfig-'));
    expect(needsExtras.length).toBeGreaterThan(0);
    const { runs, deferred } = earlyRuns(midCollection(done, 'pods', true), needsExtras, 'pods', 'count');
    expect(runs.size).toBe(0);
    expect(deferred).toBe(needsExtras.length);
  });
});
