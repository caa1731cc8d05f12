import { hash } from 'node:crypto';
import { KINDS, permissionFor, type KindKey } from '../collect/kinds.ts';
import { PendingDataError, type Snapshot } from '../model/snapshot.ts';
import { cmp, type SubjectRef } from '../model/workloads.ts';
import { interpolate, quoteForSnippet } from './interpolate.ts';
import { stringPool } from './pool.ts';
import type { ControlSummary, PassTally, Result, StatusCounts, Summary } from './result.ts';
import { emptyCounts, score, type ScoreInput } from './score.ts';
import { SEVERITIES, type Control, type ControlOptions, type FindingInput, type Reporter, type Severity } from './types.ts';

/** The subject of results about the scan as a whole (a control that could not run at all). */
export const CLUSTER_SUBJECT: SubjectRef = Object.freeze({ apiVersion: 'v1', kind: 'Cluster', name: 'cluster' });

export type { PassTally } from './result.ts';

/** What becomes of passing results: `list` makes each a Result; `count` only tallies them per control and namespace. */
export type PassMode = 'list' | 'count';

export interface EvaluateOptions {
  /** Default `list`. */
  passes?: PassMode;
  /**
   * Controls already run by runEarly on a snapshot taken while collection was still
   * running; they are not run again. Their runs must have used the same pass mode and
   * control options.
   */
  early?: ReadonlyMap<Control, ControlRun>;
}

/**
 * Run one control on a snapshot taken mid-collection (SnapshotInput.pending). The run
 * counts only if the control touched nothing still being collected: then it saw exactly
 * what it would see on the finished snapshot, and its results are the same. Otherwise
 * (PendingDataError) it returns undefined and the control runs again at the end.
 */
export function runEarly(control: Control, snapshot: Snapshot, options: ControlOptions = {}, mode: PassMode = 'list'): ControlRun | undefined {
  try {
    return runControl(control, snapshot, options, mode);
  } catch (err) {
    if (err instanceof PendingDataError) return undefined;
    throw err;
  }
}

export interface Evaluation {
  controls: ControlSummary[];
  results: Result[];
  summary: Summary;
  /** With `passes: 'count'`: the passing results, counted per control and namespace (sorted by control id, then namespace, cluster-scoped first). */
  passes?: PassTally[];
}

/** The namespace summarize() files a subject's results under: a Namespace's own name, else its namespace; '' when cluster-scoped. */
export function namespaceKey(subject: SubjectRef): string {
  return (subject.kind === 'Namespace' ? subject.name : subject.namespace) ?? '';
}

/** A kind counts as readable when it was listed completely, is absent from the cluster, or came from manifests. */
function readable(snapshot: Snapshot, kind: KindKey): boolean {
  const state = snapshot.collection[kind].state;
  return state === 'ok' || state === 'not-found' || state === 'static';
}

export function fingerprint(controlId: string, subject: SubjectRef, path = '', container = ''): string {
  // One-shot crypto.hash: the same digest as createHash().update().digest(), a third of the cost per finding.
  return hash('sha256', [controlId, subject.kind, subject.namespace ?? '', subject.name, path, container].join('\u0000'), 'hex').slice(0, 16);
}

function fillData(subject: SubjectRef, f: { path?: string; container?: string; data?: Record<string, unknown> }) {
  return {
    kind: subject.kind,
    name: subject.name,
    namespace: subject.namespace ?? '',
    path: f.path ?? '',
    container: f.container ?? '',
    ...f.data,
  };
}

/** Quote data values for a remediation, but insert the control's own snippets (already inert) as they are. */
function verbatim(snippets: Record<string, string>): (value: string) => string {
  const own = new Set(Object.values(snippets));
  return (v) => (own.has(v) ? v : quoteForSnippet(v));
}

/** What running one control produced; opaque outside the engine (see runEarly). */
export interface ControlRun {
  results: Result[];
  /** In count mode: passes by namespace key ('' for cluster-scoped). */
  passes?: Map<string, number>;
  reason?: string;
  permissions?: string[];
}

/** Run one control; never throws: a control that fails to run is not-assessed with the error as its reason. */
function runControl(control: Control, snapshot: Snapshot, options: ControlOptions, mode: PassMode): ControlRun {
  const { meta } = control;
  const notAssessedWhole = (reason: string, permissions?: string[]): ControlRun & { reason: string } => {
    const r: Result = {
      controlId: meta.id,
      status: 'not-assessed',
      severity: meta.severity,
      subject: CLUSTER_SUBJECT,
      message: reason,
      fingerprint: fingerprint(meta.id, CLUSTER_SUBJECT),
    };
    if (permissions?.length) r.permission = permissions.join('; ');
    return permissions?.length ? { results: [r], reason, permissions } : { results: [r], reason };
  };

  if (meta.manual) return notAssessedWhole(`Manual: ${meta.manual}`);

  const inapplicable = control.inapplicable?.(options);
  if (inapplicable) {
    return { results: [{ controlId: meta.id, status: 'not-applicable', severity: meta.severity, subject: CLUSTER_SUBJECT, message: inapplicable, fingerprint: fingerprint(meta.id, CLUSTER_SUBJECT) }] };
  }

  const isStatic = snapshot.source === 'manifests';
  if (isStatic && meta.static && 'needsCluster' in meta.static) {
    const message = `Static scan: ${meta.static.needsCluster}`;
    return { results: [{ controlId: meta.id, status: 'not-applicable', severity: meta.severity, subject: CLUSTER_SUBJECT, message, fingerprint: fingerprint(meta.id, CLUSTER_SUBJECT) }] };
  }

  const unreadable = control.reads.filter((k) => !readable(snapshot, k));
  if (unreadable.length > 0) {
    const parts = unreadable.map((k) => {
      const c = snapshot.collection[k];
      return `${KINDS[k].resource}${KINDS[k].group ? '.' + KINDS[k].group : ''}: ${c.state}${c.reason ? ` (${c.reason})` : ''}`;
    });
    const permissions = unreadable
      .filter((k) => ['forbidden', 'not-collected'].includes(snapshot.collection[k].state))
      .map((k) => snapshot.collection[k].permission ?? permissionFor(KINDS[k]));
    return notAssessedWhole(`Could not read ${parts.join('; ')}`, permissions);
  }

  const results: Result[] = [];
  const tally = mode === 'count' ? new Map<string, number>() : undefined;
  // One copy of each message and path the control repeats across subjects (containers and images of the
  // same name, the same field): at 10,000 Pods the JSON scan peaked 30-40 MB lower (five alternating runs),
  // in the same time.
  const share = stringPool();
  const base = (subject: SubjectRef) => ({ controlId: meta.id, severity: meta.severity, subject });
  const reporter: Reporter = {
    pass: tally
      ? (subject) => {
          const ns = namespaceKey(subject);
          tally.set(ns, (tally.get(ns) ?? 0) + 1);
        }
      : (subject, detail = {}) => {
          const r: Result = { ...base(subject), status: 'pass', message: 'Compliant', fingerprint: fingerprint(meta.id, subject, detail.path, detail.container) };
          if (detail.path) r.path = detail.path;
          if (detail.container) r.container = detail.container;
          results.push(r);
        },
    fail(subject, f: FindingInput) {
      const template = meta.messages[f.messageId];
      if (template === undefined) throw new Error(`unknown messageId "${f.messageId}"`);
      const remediation = f.remediationId === undefined ? meta.remediation : meta.remediations?.[f.remediationId];
      if (remediation === undefined) throw new Error(`unknown remediationId "${f.remediationId}"`);
      const data = fillData(subject, f);
      const r: Result = {
        ...base(subject),
        ...(f.severity ? { severity: f.severity } : {}),
        status: 'fail',
        messageId: f.messageId,
        message: share(interpolate(template, data)),
        remediation: f.snippets ? interpolate(remediation, { ...data, ...f.snippets }, verbatim(f.snippets)) : interpolate(remediation, data, quoteForSnippet),
        fingerprint: fingerprint(meta.id, subject, f.path, f.container),
      };
      if (f.path) r.path = share(f.path);
      if (f.container) r.container = f.container;
      if (f.data) r.data = f.data;
      if (f.observed !== undefined) r.observed = f.observed;
      if (f.expected !== undefined) r.expected = f.expected;
      results.push(r);
    },
    notApplicable(subject, reason) {
      results.push({ ...base(subject), status: 'not-applicable', message: reason, fingerprint: fingerprint(meta.id, subject) });
    },
    notAssessed(subject, reason, permission) {
      const r: Result = { ...base(subject), status: 'not-assessed', message: reason, fingerprint: fingerprint(meta.id, subject) };
      if (permission) r.permission = permission;
      results.push(r);
    },
  };
  try {
    control.evaluate(snapshot, reporter, options);
  } catch (err) {
    if (err instanceof PendingDataError) throw err; // a snapshot taken mid-collection: run it again on the finished one
    return notAssessedWhole(`Control failed to run: ${(err as Error).message}`);
  }
  const passed = tally ? sum(tally.values()) : 0;
  const out = isStatic ? staticResults(control, results, passed) : results;
  return tally ? { results: out, passes: tally } : { results: out };
}

function sum(ns: Iterable<number>): number {
  let n = 0;
  for (const x of ns) n += x;
  return n;
}

/**
 * Static mode, after a control ran on the files: with `static.ifAbsent`, what it
 * could not assess for the scan as a whole becomes not-applicable with that
 * reason; a control that found nothing to check (no results, and no passes
 * counted instead of listed: `counted`) says so in a result of its own.
 */
function staticResults(control: Control, results: Result[], counted: number): Result[] {
  const { meta } = control;
  const ifAbsent = meta.static && 'ifAbsent' in meta.static ? meta.static.ifAbsent : undefined;
  const out = results.map((r): Result => {
    if (!ifAbsent || r.status !== 'not-assessed' || r.subject.kind !== CLUSTER_SUBJECT.kind) return r;
    const changed: Result = { ...r, status: 'not-applicable', message: `Static scan: ${ifAbsent}` };
    delete changed.permission;
    return changed;
  });
  if (out.length > 0 || counted > 0) return out;
  const reads = control.reads.map((k) => KINDS[k].kind).join(', ');
  const message = `Static scan: the files hold nothing this control checks${reads ? ` (it reads ${reads})` : ''}.`;
  return [{ controlId: meta.id, status: 'not-applicable', severity: meta.severity, subject: CLUSTER_SUBJECT, message, fingerprint: fingerprint(meta.id, CLUSTER_SUBJECT) }];
}

/**
 * A control's status from its results: `fail` if anything failed; otherwise
 * `not-assessed` if anything could not be assessed (never a pass over what was
 * not seen); otherwise `waived` if failures were all waived; `pass` if something
 * passed; `not-applicable` when there was nothing to check.
 */
export function controlStatus(c: StatusCounts): ControlSummary['status'] {
  if (c.fail > 0) return 'fail';
  if (c['not-assessed'] > 0) return 'not-assessed';
  if (c.waived > 0) return 'waived';
  if (c.pass > 0) return 'pass';
  return 'not-applicable';
}

export function compareResults(a: Result, b: Result): number {
  return (
    cmp(a.controlId, b.controlId) ||
    cmp(a.subject.namespace ?? '', b.subject.namespace ?? '') ||
    cmp(a.subject.kind, b.subject.kind) ||
    cmp(a.subject.name, b.subject.name) ||
    cmp(a.path ?? '', b.path ?? '') ||
    cmp(a.container ?? '', b.container ?? '') ||
    cmp(a.status, b.status)
  );
}

/**
 * Run the controls over a snapshot: results sorted deterministically, per-control summaries and the scan summary.
 * With `passes: 'count'` passing results are not made at all, only counted per control and namespace
 * (`Evaluation.passes`); counts, statuses and the summary are the same as when they are listed.
 */
export function evaluate(snapshot: Snapshot, controls: readonly Control[], options: ControlOptions = {}, { passes: mode = 'list', early }: EvaluateOptions = {}): Evaluation {
  const results: Result[] = [];
  const summaries: ControlSummary[] = [];
  const tallies: PassTally[] | undefined = mode === 'count' ? [] : undefined;
  for (const control of [...controls].sort((a, b) => cmp(a.meta.id, b.meta.id))) {
    const run = early?.get(control) ?? runControl(control, snapshot, options, mode);
    const counts = emptyCounts();
    for (const r of run.results) counts[r.status]++;
    if (run.passes && tallies) {
      for (const ns of [...run.passes.keys()].sort(cmp)) {
        const count = run.passes.get(ns)!;
        counts.pass += count;
        tallies.push(ns ? { controlId: control.meta.id, namespace: ns, count } : { controlId: control.meta.id, count });
      }
    }
    const { meta } = control;
    const s: ControlSummary = {
      id: meta.id,
      title: meta.title,
      area: meta.area,
      severity: meta.severity,
      description: meta.description,
      rationale: meta.rationale,
      references: meta.references,
      status: controlStatus(counts),
      counts,
    };
    if (run.reason) s.reason = run.reason;
    if (run.permissions) s.permissions = run.permissions;
    summaries.push(s);
    for (const r of run.results) results.push(r);
  }
  results.sort(compareResults);
  const summary = summarize(summaries, results, tallies);
  return tallies ? { controls: summaries, results, summary, passes: tallies } : { controls: summaries, results, summary };
}

/**
 * Counts and scores over controls and results, and the passes counted instead of
 * listed (`passes`, the same summary as if each were a pass result); pure, also
 * used after waivers change statuses.
 */
export function summarize(controls: readonly ControlSummary[], results: readonly Result[], passes?: readonly PassTally[]): Summary {
  const resultCounts = emptyCounts();
  const controlCounts = emptyCounts();
  const failedBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const areaOf = new Map(controls.map((c) => [c.id, c.area]));
  const severityOf = new Map(controls.map((c) => [c.id, c.severity]));
  const byArea = new Map<string, ScoreInput[]>();
  const byNamespace = new Map<string, ScoreInput[]>();
  for (const r of results) {
    resultCounts[r.status]++;
    if (r.status === 'fail') failedBySeverity[r.severity]++;
    const area = areaOf.get(r.controlId) ?? 'general';
    push(byArea, area, r);
    const ns = namespaceKey(r.subject);
    if (ns) push(byNamespace, ns, r);
  }
  const counted: ScoreInput[] = [];
  for (const t of passes ?? []) {
    // A pass result carries its control's severity.
    const entry: ScoreInput = { controlId: t.controlId, status: 'pass', severity: severityOf.get(t.controlId) ?? 'info', count: t.count };
    counted.push(entry);
    resultCounts.pass += t.count;
    push(byArea, areaOf.get(t.controlId) ?? 'general', entry);
    if (t.namespace) push(byNamespace, t.namespace, entry);
  }
  for (const c of controls) controlCounts[c.status]++;
  const sev = (id: string) => severityOf.get(id);
  const overall = score(counted.length ? [...results, ...counted] : results, sev);
  return {
    score: overall.score,
    grade: overall.grade,
    results: resultCounts,
    controls: controlCounts,
    failedBySeverity,
    byArea: Object.fromEntries([...byArea.keys()].sort().map((k) => [k, score(byArea.get(k)!, sev)])),
    byNamespace: Object.fromEntries([...byNamespace.keys()].sort().map((k) => [k, score(byNamespace.get(k)!, sev)])),
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
