/**
 * Passes counted instead of listed (`evaluate(..., { passes: 'count' })`, the
 * CLI's default without --include-passes) must change nothing but the shape:
 * the same summary, control summaries, score and non-pass results, with each
 * control's passes per namespace as a tally of what list mode lists.
 */
import { describe, expect, it } from 'vitest';
import { parseManifests, snapshotFromFiles, snapshotFromObjects } from '../../src/collect/manifests.ts';
import { applyBaseline, diffScans } from '../../src/engine/diff.ts';
import { allControls, selectControls } from '../../src/engine/registry.ts';
import type { PassTally, Result, ScanResult } from '../../src/engine/result.ts';
import { evaluate, namespaceKey, summarize, type PassMode } from '../../src/engine/run.ts';
import { score } from '../../src/engine/score.ts';
import { applyWaivers, defaultWaivers, type Waiver } from '../../src/engine/waivers.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { render } from '../../src/report/index.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { evaluateSnapshot } from '../../src/scan.ts';
import { scanResultValidator } from '../helpers/schema.ts';
import { scenarioSnapshot } from '../helpers/snapshot.ts';

const repo = new URL('../../', import.meta.url).pathname;
const SERVER_VERSION = { gitVersion: 'v1.37.2', major: '1', minor: '37' };

function clusterSnapshot(scenario: string): Snapshot {
  return scenarioSnapshot(scenario, SERVER_VERSION);
}

/** A kube-apiserver static pod: the control-plane flag controls assess it in a static scan. */
const APISERVER = `apiVersion: v1
kind: Pod
metadata: { name: kube-apiserver, namespace: kube-system, labels: { component: kube-apiserver, tier: control-plane } }
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.37.1
    command: [kube-apiserver, --anonymous-auth=true, --authorization-mode=Node,RBAC, --profiling=false]
`;

const SNAPSHOTS: [string, () => Snapshot][] = [
  ['demo (as a cluster)', () => clusterSnapshot('demo')],
  ['hostile (as a cluster)', () => clusterSnapshot('hostile')],
  ['demo (static, scan -f)', () => snapshotFromFiles([`${repo}test/scenarios/demo`])],
  ['hostile (static, scan -f)', () => snapshotFromFiles([`${repo}test/scenarios/hostile`])],
  [
    'a kube-apiserver manifest alone (static)',
    () => snapshotFromObjects(parseManifests(APISERVER, 'kube-apiserver.yaml'), { asCluster: false }),
  ],
];

const nsOf = (t: { namespace?: string }) => t.namespace ?? '';
const key = (controlId: string, ns: string) => `${controlId}\u0000${ns}`;

/** Pass results of a listing scan, tallied the way count mode should. */
function tallyOf(results: readonly Result[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of results) if (r.status === 'pass') m.set(key(r.controlId, namespaceKey(r.subject)), (m.get(key(r.controlId, namespaceKey(r.subject))) ?? 0) + 1);
  return m;
}

function scanBoth(snapshot: Snapshot, at = '2026-03-15T00:00:00Z', controls = allControls()): Record<PassMode, ScanResult> {
  const one = (passes: PassMode) => {
    const r = evaluateSnapshot(snapshot, { controls, passes }, new Date(at));
    r.scan.durationMs = 0;
    r.scan.timings = { collectMs: 0, evaluateMs: 0 };
    return r;
  };
  return { list: one('list'), count: one('count') };
}

const WAIVERS: Waiver[] = [
  { id: 'w-active', controls: ['pod-privileged', 'pss-baseline-capabilities', 'pod-readonly-rootfs'], subject: { namespace: '*' }, owner: 'a@example.com', reason: 'test', expires: '2099-12-31', source: 'file' },
  { id: 'w-expired', controls: ['pod-resources-missing'], subject: { kind: 'Deployment' }, owner: 'b@example.com', reason: 'lapsed', expires: '2020-01-01', source: 'file' },
  ...defaultWaivers(),
];

describe.each(SNAPSHOTS)('counted passes ≡ listed passes: %s', (_name, make) => {
  const snapshot = make();

  it('evaluate: the same summary, control summaries and non-pass results; tallies equal the listed passes', () => {
    const list = evaluate(snapshot, allControls());
    const count = evaluate(snapshot, allControls(), {}, { passes: 'count' });
    expect(list.passes).toBeUndefined();
    expect(count.passes).toBeDefined();
    expect(count.results.filter((r) => r.status === 'pass')).toEqual([]);

    expect(count.summary).toEqual(list.summary);
    expect(JSON.stringify(count.summary)).toBe(JSON.stringify(list.summary));
    expect(count.controls).toEqual(list.controls);
    expect(count.results).toEqual(list.results.filter((r) => r.status !== 'pass'));

    const tallies = count.passes!;
    expect(new Map(tallies.map((t) => [key(t.controlId, nsOf(t)), t.count]))).toEqual(tallyOf(list.results));
    expect(tallies.every((t) => t.count >= 1 && t.namespace !== '')).toBe(true);
    // Sorted by control id, then namespace with cluster-scoped ('') first, and each pair once.
    const keys = tallies.map((t) => [t.controlId, nsOf(t)] as const);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    expect(keys).toEqual(sorted);
    expect(new Set(keys.map(([c, n]) => key(c, n))).size).toBe(keys.length);
  });

  it('scan results: the same JSON but for results and passes; both validate against the schema', () => {
    const { list, count } = scanBoth(snapshot);
    const validate = scanResultValidator();
    for (const r of [list, count]) {
      const ok = validate(JSON.parse(JSON.stringify(r)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
    const { results: lr, passes: lp, ...restList } = list;
    const { results: cr, passes: cp, ...restCount } = count;
    expect(lp).toBeUndefined();
    expect(Object.keys(count)).toEqual(Object.keys(list).flatMap((k) => (k === 'results' ? ['results', 'passes'] : [k])));
    expect(restCount).toEqual(restList);
    expect(cr).toEqual(lr.filter((r) => r.status !== 'pass'));
    expect(cp!.reduce((n, t) => n + t.count, 0)).toBe(lr.filter((r) => r.status === 'pass').length);
  });

  it('with waivers applied (active, expired and the defaults): the same summary and controls', () => {
    const { list, count } = scanBoth(snapshot);
    const now = new Date('2026-03-15T12:00:00Z');
    const wl = applyWaivers(list, WAIVERS, now);
    const wc = applyWaivers(count, WAIVERS, now);
    expect(wc.summary).toEqual(wl.summary);
    expect(JSON.stringify(wc.summary)).toBe(JSON.stringify(wl.summary));
    expect(wc.controls).toEqual(wl.controls);
    expect(wc.waivers).toEqual(wl.waivers);
    expect(wc.results).toEqual(wl.results.filter((r) => r.status !== 'pass'));
    expect(wc.passes).toEqual(count.passes);
    // recount's summary is summarize's over the waived results and the counted passes.
    expect(wc.summary).toEqual(summarize(wc.controls, wc.results, wc.passes));
  });

  it('the human-facing reports are the same whichever way passes were kept', () => {
    const now = new Date('2026-03-15T12:00:00Z');
    const { list, count } = scanBoth(snapshot);
    const wl = applyWaivers(list, WAIVERS, now);
    const wc = applyWaivers(count, WAIVERS, now);
    for (const format of ['html', 'md', 'sarif', 'table'] as const) expect(render(wc, format), format).toBe(render(wl, format));
  });
});

describe('counted passes are what the score is made of', () => {
  const snapshot = clusterSnapshot('demo');
  const { list, count } = scanBoth(snapshot);

  it('the score is not null, equals list mode, and would not without the tallies', () => {
    expect(count.summary.score).not.toBeNull();
    expect(count.summary.score).toBe(list.summary.score);
    expect(count.summary.results.pass).toBeGreaterThan(0);
    expect(count.summary.results.pass).toBe(list.results.filter((r) => r.status === 'pass').length);
    // Without its tallies the count-mode result scores as if nothing passed: the tallies carry the score.
    const without = summarize(count.controls, count.results);
    expect(without.score).not.toBe(list.summary.score);
    expect(without.results.pass).toBe(0);
    expect(summarize(count.controls, count.results, count.passes)).toEqual(list.summary);
  });

  it('namespaces and areas with nothing but passes are scored too', () => {
    const passOnlyNs = Object.entries(list.summary.byNamespace).filter(([, e]) => e.fail === 0 && e.pass > 0);
    expect(passOnlyNs.length).toBeGreaterThan(0);
    for (const [ns, e] of passOnlyNs) expect(count.summary.byNamespace[ns]).toEqual(e);
  });

  it('covers Namespace subjects (their own name) and cluster-scoped subjects (no namespace)', () => {
    const nsSubjectPasses = list.results.filter((r) => r.status === 'pass' && r.subject.kind === 'Namespace');
    expect(nsSubjectPasses.length).toBeGreaterThan(0);
    const r = nsSubjectPasses[0]!;
    expect(count.passes!.find((t) => t.controlId === r.controlId && t.namespace === r.subject.name)).toBeDefined();
    const clusterScoped = list.results.filter((x) => x.status === 'pass' && !x.subject.namespace && x.subject.kind !== 'Namespace');
    expect(clusterScoped.length).toBeGreaterThan(0);
    const c = clusterScoped[0]!;
    expect(count.passes!.find((t) => t.controlId === c.controlId && t.namespace === undefined)).toBeDefined();
  });

  it('score() takes a count: n passes counted are n passes listed', () => {
    const listed = [...Array.from({ length: 7 }, () => ({ controlId: 'a', status: 'pass' as const, severity: 'high' as const })), { controlId: 'a', status: 'fail' as const, severity: 'high' as const }, { controlId: 'b', status: 'pass' as const, severity: 'low' as const }];
    const counted = [{ controlId: 'b', status: 'pass' as const, severity: 'low' as const, count: 1 }, { controlId: 'a', status: 'fail' as const, severity: 'high' as const }, { controlId: 'a', status: 'pass' as const, severity: 'high' as const, count: 7 }];
    expect(score(counted)).toEqual(score(listed));
    expect(score(counted).pass).toBe(8);
  });
});

const POD = (name: string, ns: string, privileged: boolean) => `---
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${ns} }
spec:
  containers: [{ name: main, image: registry.example/app:1.0, securityContext: { privileged: ${privileged} } }]
`;

describe('static scans: a control that only passed is not "nothing to check"', () => {
  it('pod-privileged over compliant Pods: pass in both modes, no not-applicable result when the passes are counted', () => {
    const snapshot = snapshotFromObjects(parseManifests(POD('a', 'apps', false) + POD('b', 'apps', false), 'pods.yaml'), { asCluster: false });
    const controls = selectControls(['pod-privileged']);
    const list = evaluate(snapshot, controls);
    const count = evaluate(snapshot, controls, {}, { passes: 'count' });
    expect(list.controls[0]!.status).toBe('pass');
    expect(count.controls[0]!.status).toBe('pass');
    expect(count.results).toEqual([]);
    expect(count.passes).toEqual([{ controlId: 'pod-privileged', namespace: 'apps', count: 2 }]);
    expect(count.summary).toEqual(list.summary);
    // The files hold nothing rbac-wildcard reads: that is still said, in both modes.
    const rbac = evaluate(snapshot, selectControls(['rbac-wildcard']), {}, { passes: 'count' });
    expect(rbac.results.map((r) => [r.status, r.message])).toEqual([['not-applicable', 'Static scan: the files hold nothing this control checks (it reads Role, RoleBinding, ClusterRole, ClusterRoleBinding).']]);
    expect(rbac.passes).toEqual([]);
  });
});

describe('baselines with counted passes', () => {
  const CONTROLS = selectControls(['pod-privileged']);
  const scan = (yaml: string, at: string, passes: PassMode) =>
    evaluateSnapshot(snapshotFromObjects(parseManifests(yaml, 'x.yaml'), { asCluster: true }), { controls: CONTROLS, passes }, new Date(at));
  const BEFORE_YAML = POD('a', 'team', true) + POD('b', 'team', true);
  const AFTER_YAML = POD('a', 'team', true) + POD('b', 'team', false) + POD('c', 'team', true);

  it('a finding whose subject now passes (counted, not listed) is fixed, as in list mode', () => {
    for (const beforeMode of ['list', 'count'] as const) {
      const before = scan(BEFORE_YAML, '2026-03-01T00:00:00Z', beforeMode);
      const listed = diffScans(before, scan(AFTER_YAML, '2026-03-02T00:00:00Z', 'list'));
      const counted = diffScans(before, scan(AFTER_YAML, '2026-03-02T00:00:00Z', 'count'));
      expect(counted).toEqual(listed);
      expect(counted.fixed.map((f) => f.subject.name)).toEqual(['b']);
      expect(counted.new.map((f) => f.subject.name)).toEqual(['c']);
      expect(counted.unchanged.map((f) => f.subject.name)).toEqual(['a']);
      expect(counted.notReassessed).toEqual([]);
    }
  });

  it('a finding whose control was not assessed this time is not re-assessed, never fixed', () => {
    const before = scan(BEFORE_YAML, '2026-03-01T00:00:00Z', 'count');
    const after = scan(AFTER_YAML, '2026-03-02T00:00:00Z', 'count');
    const blind: ScanResult = structuredClone(after);
    blind.results = blind.results
      .filter((r) => r.controlId !== 'pod-privileged')
      .concat([{ controlId: 'pod-privileged', status: 'not-assessed', severity: 'critical', subject: { apiVersion: 'v1', kind: 'Cluster', name: 'cluster' }, message: 'Could not read pods', fingerprint: '0000000000000000' }]);
    blind.passes = [];
    const d = diffScans(before, blind);
    expect(d.fixed).toEqual([]);
    expect(d.notReassessed.map((f) => f.subject.name)).toEqual(['a', 'b']);
  });

  it('applyBaseline keeps the tallies', () => {
    const before = scan(BEFORE_YAML, '2026-03-01T00:00:00Z', 'count');
    const after = scan(AFTER_YAML, '2026-03-02T00:00:00Z', 'count');
    const marked = applyBaseline(after, before, 'before.json');
    expect(marked.passes).toEqual([{ controlId: 'pod-privileged', namespace: 'team', count: 1 }]);
    expect(marked.baseline).toMatchObject({ new: 1, unchanged: 1 });
    expect(marked.baseline!.fixed.map((f) => f.subject.name)).toEqual(['b']);
  });
});

describe('JUnit with counted passes', () => {
  it('one passing test case per control and namespace; tests, failures, errors and skipped stay coherent', () => {
    const { list, count } = scanBoth(clusterSnapshot('demo'));
    const xml = renderJunit(count);
    const listed = renderJunit(list);
    const attr = (doc: string, name: string) => Number(new RegExp(`<testsuites[^>]* ${name}="(\\d+)"`).exec(doc)![1]);
    const cases = (doc: string) => doc.match(/<testcase\b/g)!.length;
    const tallies: PassTally[] = count.passes!;
    expect(cases(xml)).toBe(count.results.length + tallies.length);
    expect(attr(xml, 'tests')).toBe(cases(xml));
    for (const n of ['failures', 'errors']) expect(attr(xml, n), n).toBe(attr(listed, n));
    const skipped = (doc: string) => [...doc.matchAll(/<testsuite [^>]* skipped="(\d+)"/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(skipped(xml)).toBe(skipped(listed));
    expect(attr(listed, 'tests') - attr(xml, 'tests')).toBe(list.results.filter((r) => r.status === 'pass').length - tallies.length);
    // Each suite's tests attribute counts its own test cases.
    for (const suite of xml.split('<testsuite ').slice(1)) {
      expect(Number(/^[^>]* tests="(\d+)"/.exec(suite)![1])).toBe((suite.match(/<testcase\b/g) ?? []).length);
    }
    const names = [...xml.matchAll(/<testcase name="(\d+) passing (subjects?)(?: in namespace ([^"]+)|, cluster-scoped)" classname="k8s-audit\.[a-z-]+\.([a-z0-9-]+)" time="0"\/>/g)];
    expect(names).toHaveLength(tallies.length);
    expect(names.map((m) => ({ controlId: m[4], ...(m[3] ? { namespace: m[3] } : {}), count: Number(m[1]) }))).toEqual(tallies);
    expect(names.every((m) => (m[1] === '1') === (m[2] === 'subject'))).toBe(true);
  });
});
