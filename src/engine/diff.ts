/**
 * History: compare a scan with an earlier one by what identifies a finding
 * (control id, subject, path, container: the fingerprint's fields, with
 * containers by name rather than index; see identity() below), each finding
 * of the earlier scan continued by at most one of the later (pairFindings):
 * one that moved within its list with the same text, or to the Pod its
 * controller replaced its Pod with, is the same finding.
 *
 * A finding is a `fail` or `waived` result. Against a baseline, each finding of
 * the current scan is `new` or `unchanged`. A failing finding that the baseline
 * had only as waived is new: its waiver lapsed or was taken away, and a gate on
 * new failures (`--fail-on-new`, `diff --fail-on`) must see it. So is one
 * whose severity rose (a grant of one named Secret widened to every Secret:
 * medium to high): a gate on new findings at or above a severity must see what
 * now reaches it. A finding of the baseline that is
 * gone is `fixed` only when its control ran again and assessed its subject —
 * when the control was not run, was not applicable to the whole scan, or could
 * not be assessed (for the whole scan or for that subject), it is listed apart
 * as not re-assessed, never as fixed. A finding of the current scan that the
 * baseline could not assess counts as new: what was not seen is never taken
 * to have been there.
 */
import { sourceKey, type BaselineComparison, type BaselineFinding, type Result, type ScanResult } from './result.ts';
import { compareResults } from './run.ts';
import { SEVERITIES, type Severity } from './types.ts';
import { WAIVER_EXPIRED_ID } from './waivers.ts';

export function isFinding(r: Pick<Result, 'status'>): boolean {
  return r.status === 'fail' || r.status === 'waived';
}

export interface Diff {
  before: { startedAt: string; file?: string };
  after: { startedAt: string; file?: string };
  /** Findings of `after` not in `before`. */
  new: Result[];
  /** Findings in both (as `after` reports them). */
  unchanged: Result[];
  /** Findings of `before` that `after` assessed again and no longer reports. */
  fixed: BaselineFinding[];
  /** Findings of `before` that are gone from `after` without their control having assessed their subject again. */
  notReassessed: BaselineFinding[];
}

/**
 * What makes two findings the same finding across scans: the fingerprint's fields, but with a container addressed
 * by its name rather than its place. Adding a container before the others (a sidecar an injector puts first, an
 * init container) shifts every index after it; the fingerprint, which names the index in its path, would call each
 * finding of the containers after it new and fixed at once. Container names are unique within a pod.
 */
function identity(r: Pick<Result, 'controlId' | 'subject' | 'path' | 'container'>): string {
  return [r.controlId, r.subject.kind, r.subject.namespace ?? '', r.subject.name, containerPath(r), r.container ?? ''].join('\u0000');
}

function containerPath(r: Pick<Result, 'path' | 'container'>): string {
  return r.container && r.path ? r.path.replace(CONTAINER_AT, (_m, list: string) => `${list}[name=${r.container}]`) : (r.path ?? '');
}

const CONTAINER_AT = /\b(initContainers|containers|ephemeralContainers)\[\d+\]/;

/** A list index left in a path once its container is named (containerPath). */
const LIST_INDEX = /\[\d+\]/;

/**
 * The same, with what moves without the problem changing taken out, for findings whose text is also the same:
 * - every other list index (`env[3]`, `volumeMounts[1]`, `volumes[2]`, a binding's `subjects[0]`, a rule's place):
 *   an entry added before the one a finding is about shifts it, and the entry (an environment variable, a volume,
 *   a binding's subject) is named in the finding's message, not by its place;
 * - a Pod's generated name: the containers an admission webhook adds, and ephemeral ones, are reported on the Pod
 *   (the first of its controller's by name), and a Pod its controller replaces (a restart, an eviction, a rollout)
 *   comes back under another name: `<replicaset>-<5 characters>`, the ReplicaSet itself `<deployment>-<pod-template-hash>`.
 */
function looseIdentity(r: Pick<Result, 'controlId' | 'subject' | 'path' | 'container'>): string {
  const path = containerPath(r).replace(/\[\d+\]/g, '[]');
  return [r.controlId, r.subject.kind, r.subject.namespace ?? '', podBase(r.subject), path, r.container ?? ''].join('\u0000');
}

/**
 * The name a controller's Pod is generated from, or the name itself. Kubernetes generates names with a suffix of five
 * characters from `bcdfghjklmnpqrstvwxz2456789` (apimachinery's rand.String), and a ReplicaSet's with its template's
 * hash in the same alphabet (rand.SafeEncodeString), so a suffix of other characters is part of a name given by hand.
 */
function podBase(s: Result['subject']): string {
  if (s.kind !== 'Pod') return s.name;
  const m = GENERATED_POD.exec(s.name);
  return m ? `${m[1]}-\u0001` : s.name;
}

const GENERATED_POD = /^(.+?)(?:-[bcdfghjklmnpqrstvwxz2456789]{1,10})?-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

/** A finding's message, with its Pod's name (which looseIdentity takes out) taken out too. */
function looseMessage(r: Pick<Result, 'subject' | 'message'>): string {
  return r.subject.kind === 'Pod' && r.subject.name ? r.message.split(r.subject.name).join('\u0001') : r.message;
}

/**
 * Pair each finding of `after` with the finding of `before` it continues, each used once: first one at the same
 * place with the same text; then one that moved within its list, or to its controller's new Pod, with the same text;
 * then one at the same place whose text changed (an image's new tag, the wording of a newer k8s-audit), unless that
 * place is a list entry, which another entry can take (a binding's subject counts when it is the same subject). Pairing the
 * same text first keeps an entry added before another from taking that one's place: the added entry is new, the
 * other unchanged.
 */
function pairFindings(before: readonly Result[], after: readonly Result[]): Map<Result, Result> {
  const left = new Set(before);
  const paired = new Map<Result, Result>();
  const ids = new Map<Result, string>();
  const id = (r: Result) => {
    let k = ids.get(r);
    if (k === undefined) ids.set(r, (k = identity(r)));
    return k;
  };
  // The third pass pairs by place, so only where the place names the thing: a container (by name), an object's field,
  // a binding's subject that is still the same subject. A list entry's place (`subjects[0]`, `env[2]`, `volumes[1]`)
  // alone does not: a binding whose subject was replaced by another (cluster-admin taken from a ServiceAccount and
  // given to system:authenticated), an environment variable or a volume replaced by another, is a new finding there.
  const keys: ((r: Result) => string | undefined)[] = [
    (r) => `${id(r)}\u0000${r.message}`,
    (r) => `${looseIdentity(r)}\u0000${looseMessage(r)}`,
    (r) => {
      if (!LIST_INDEX.test(containerPath(r))) return id(r);
      const grantee = (r.observed as { grantee?: unknown } | null | undefined)?.grantee;
      return grantee && typeof grantee === 'object' ? `${id(r)}\u0000${JSON.stringify(grantee)}` : undefined;
    },
  ];
  for (const key of keys) {
    const candidates = new Map<string, Result[]>();
    for (const b of left) {
      const k = key(b);
      if (k === undefined) continue;
      const list = candidates.get(k);
      if (list) list.push(b);
      else candidates.set(k, [b]);
    }
    for (const a of after) {
      if (paired.has(a)) continue;
      const k = key(a);
      const b = k === undefined ? undefined : candidates.get(k)?.shift();
      if (!b) continue;
      paired.set(a, b);
      left.delete(b);
    }
  }
  return paired;
}

function subjectKey(controlId: string, s: Result['subject']): string {
  return [controlId, s.kind, s.namespace ?? '', s.name].join('\u0000');
}

function baselineFinding(r: Result): BaselineFinding {
  const f: BaselineFinding = { controlId: r.controlId, severity: r.severity, subject: r.subject, message: r.message, fingerprint: r.fingerprint };
  if (r.path) f.path = r.path;
  if (r.container) f.container = r.container;
  return f;
}

/** What a comparison reads of the earlier scan (a whole ScanResult, or readBaseline's findings only). */
export type Earlier = { scan: { startedAt: string; source?: ScanResult['scan']['source']; server?: string }; results: readonly Result[] };

/**
 * Why two scans are not of the same cluster, or undefined: both name the API server they read, and not the same one.
 * What one cluster runs and the other does not is not fixed, so nothing gone is called fixed then.
 */
export function otherCluster(before: Pick<Earlier, 'scan'>, after: Pick<ScanResult, 'scan'>): string | undefined {
  const [a, b] = [before.scan.server, after.scan.server];
  if (a === undefined || b === undefined || a === b) return undefined;
  return `the scans read different API servers (${a}, then ${b}): findings of the first that the second does not have are listed as not re-assessed, not as fixed`;
}

/** Compare two scans. Pure; lists are sorted like results (control id, namespace, kind, name, path). */
export function diffScans(before: Earlier, after: ScanResult, files: { before?: string; after?: string } = {}): Diff {
  const beforeFindings = before.results.filter(isFinding);
  const afterFindings = after.results.filter(isFinding);
  const paired = pairFindings(beforeFindings, afterFindings);
  const continued = new Set(paired.values());

  // What `after` could not assess: whole controls (absent, or not-assessed for the cluster) and single subjects.
  const ran = new Map(after.controls.map((c) => [c.id, c]));
  const notAssessedSubjects = new Set<string>();
  const notAssessedWhole = new Set<string>();
  for (const r of after.results) {
    if (r.status !== 'not-assessed') continue;
    if (r.subject.kind === 'Cluster') notAssessedWhole.add(r.controlId);
    else notAssessedSubjects.add(subjectKey(r.controlId, r.subject));
  }

  const out: Diff = {
    before: { startedAt: before.scan.startedAt, ...(files.before ? { file: files.before } : {}) },
    after: { startedAt: after.scan.startedAt, ...(files.after ? { file: files.after } : {}) },
    new: [],
    unchanged: [],
    fixed: [],
    notReassessed: [],
  };
  for (const r of afterFindings) {
    const earlier = paired.get(r);
    const unchanged = earlier !== undefined && !(r.status === 'fail' && earlier.status === 'waived') && !moreSevere(r.severity, earlier.severity);
    (unchanged ? out.unchanged : out.new).push(r);
  }
  const gone = beforeFindings.filter((r) => !continued.has(r)).sort(compareResults);
  const inScope = scopeOf(after);
  // A scan of files compared with a scan of a cluster saw only the objects in its files: the cluster's other objects
  // (kube-system's pods, the namespaces no file defines) were not looked at, so their findings are not fixed.
  const elsewhere = otherCluster(before, after) !== undefined;
  const inFiles = after.scan.source === 'manifests' && before.scan.source !== 'manifests' ? new Set(Object.keys(after.scan.sources ?? {})) : undefined;
  for (const r of gone) {
    // A control that is not-applicable as a whole (a static scan's control-plane controls, say) assessed nothing.
    // An expired waiver is judged whenever waivers are applied: gone, it was renewed or deleted (no control runs it).
    const assessed =
      r.controlId === WAIVER_EXPIRED_ID
        ? after.waivers !== undefined
        : !elsewhere &&
          ran.has(r.controlId) &&
          ran.get(r.controlId)!.status !== 'not-applicable' &&
          !notAssessedWhole.has(r.controlId) &&
          !notAssessedSubjects.has(subjectKey(r.controlId, r.subject)) &&
          inScope(r) &&
          (!inFiles || inFiles.has(sourceKey(r.subject)));
    (assessed ? out.fixed : out.notReassessed).push(baselineFinding(r));
  }
  return out;
}

/** Whether a result's namespace was within a scan's --namespace / --exclude-namespace scope. */
function scopeOf(scan: ScanResult): (r: Result) => boolean {
  const only = scan.scan.namespaces?.length ? new Set(scan.scan.namespaces) : undefined;
  const excluded = new Set(scan.scan.excludedNamespaces ?? []);
  return (r) => {
    const ns = r.subject.kind === 'Namespace' ? r.subject.name : r.subject.namespace;
    if (!ns) return true;
    return (!only || only.has(ns)) && !excluded.has(ns);
  };
}

/**
 * Mark each finding of `result` as `new` or `unchanged` against `baseline`
 * and attach the comparison (counts, fixed and not re-assessed findings).
 * Pure: returns a new ScanResult.
 */
export function applyBaseline(result: ScanResult, baseline: Earlier, file?: string): ScanResult {
  const d = diffScans(baseline, result);
  const isNew = new Set(d.new);
  const results = result.results.map((r) => (isFinding(r) ? { ...r, change: isNew.has(r) ? ('new' as const) : ('unchanged' as const) } : r));
  const comparison: BaselineComparison = {
    startedAt: baseline.scan.startedAt,
    new: d.new.length,
    unchanged: d.unchanged.length,
    fixed: d.fixed,
    notReassessed: d.notReassessed,
  };
  if (file) comparison.file = file;
  return { ...result, results, baseline: comparison };
}

/** Whether `a` is a higher severity than `b`. */
function moreSevere(a: Severity, b: Severity): boolean {
  return SEVERITIES.indexOf(a) < SEVERITIES.indexOf(b);
}

/** Whether a result is at or above a severity threshold. */
export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}

/** One line: `2 new, 5 unchanged, 1 fixed since <date>` (and what was not re-assessed, when anything was). */
export function diffLine(d: { new: number; unchanged: number; fixed: number; notReassessed: number; since: string }): string {
  const parts = [`${d.new} new`, `${d.unchanged} unchanged`, `${d.fixed} fixed`];
  if (d.notReassessed) parts.push(`${d.notReassessed} not re-assessed`);
  return `${parts.join(', ')} since ${d.since}`;
}

/** diffLine's counts from a Diff. */
export function diffCounts(d: Diff): Parameters<typeof diffLine>[0] {
  return { new: d.new.length, unchanged: d.unchanged.length, fixed: d.fixed.length, notReassessed: d.notReassessed.length, since: d.before.startedAt };
}

/** diffLine's counts from the comparison attached to a result. */
export function comparisonCounts(c: BaselineComparison): Parameters<typeof diffLine>[0] {
  return { new: c.new, unchanged: c.unchanged, fixed: c.fixed.length, notReassessed: c.notReassessed.length, since: c.startedAt };
}
