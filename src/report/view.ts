import { sourceKey, type ControlSummary, type Result, type ScanResult, type ScoreEntry, type StatusCounts } from '../engine/result.ts';
import { GRADES, SEVERITY_WEIGHTS, scoredControls } from '../engine/score.ts';
import { SEVERITIES, STATUSES, type Severity, type Status } from '../engine/types.ts';
import { allControls } from '../engine/registry.ts';
import { showInvisible } from './escape.ts';
import { insightSections, type InsightSection } from './insights.ts';

/**
 * The view-model every human-facing renderer shares: the ScanResult arranged
 * for reading (findings grouped by control, worst first; controls grouped by
 * CIS section, namespace and area). No verdict is computed here: statuses,
 * counts and scores are the engine's; this only orders, groups and labels.
 *
 * Text that came from the cluster has its invisible and bidirectional control
 * characters made visible here (showInvisible), once; each renderer then
 * escapes it for its own context.
 */

/** A waiver as issue 8 will attach it to a result; read defensively so older scans render. */
export interface WaiverView {
  owner: string;
  reason: string;
  expires: string;
}

export interface FindingView {
  /** Stable anchor inside the document. */
  anchor: string;
  controlId: string;
  /** The finding's severity when it differs from its control's (a finding may be raised or lowered), else ''. */
  ownSeverity: string;
  controlTitle: string;
  area: string;
  severity: Severity;
  status: Status;
  subject: string;
  kind: string;
  /** Empty for cluster-scoped subjects. */
  namespace: string;
  name: string;
  path: string;
  container: string;
  message: string;
  observed: string;
  expected: string;
  remediation: string;
  fingerprint: string;
  waiver?: WaiverView;
  /** With a baseline: whether the baseline had this finding. */
  change?: 'new' | 'unchanged';
}

/** A baseline finding that is gone (fixed) or was not assessed again. */
export interface GoneFindingView {
  controlId: string;
  severity: Severity;
  subject: string;
  path: string;
  message: string;
}

export interface BaselineView {
  startedAt: string;
  file: string;
  new: number;
  unchanged: number;
  fixed: GoneFindingView[];
  notReassessed: GoneFindingView[];
}

/** A waiver the scan was given (ScanResult.waivers, issue 8), whether or not it matched anything. */
export interface WaiverReportView {
  id: string;
  controls: string;
  subject: string;
  owner: string;
  reason: string;
  expires: string;
  source: string;
  status: string;
  matched: number;
}

export interface NotAssessedView {
  controlId: string;
  controlTitle: string;
  severity: Severity;
  subject: string;
  /** True when the whole control could not run (its subject is the cluster). */
  whole: boolean;
  reason: string;
  permission: string;
  manual: boolean;
}

export interface ControlView extends ControlSummary {
  anchor: string;
  findings: FindingView[];
  notAssessed: NotAssessedView[];
  /** Set for controls that cannot be decided through the API. */
  manual: boolean;
  cis: string[];
  pss: string[];
  links: string[];
  /** Namespaces of the failing subjects, sorted (cluster-scoped subjects are in none). */
  namespaces: string[];
  /** How many subjects fail and where, in words: "3 failing subjects in 2 namespaces". */
  scope: string;
}

/** A failing control as the Top risks list shows it: ranked by its worst failed check, which may be raised above the control's severity. */
export interface RiskView extends ControlView {
  /** The highest severity among its failed checks, and how many have it. */
  worstSeverity: Severity;
  worstCount: number;
  /** When that is not the control's own severity: how many checks have it, in words (`13 of 15 failed checks`); else ''. */
  raisedNote: string;
}

export function riskOf(c: ControlView): RiskView {
  let worst: Severity | undefined;
  let count = 0;
  let failed = 0;
  for (const f of c.findings) {
    if (f.status !== 'fail') continue;
    failed++;
    const rank = worst === undefined ? -1 : severityRank(f.severity) - severityRank(worst);
    if (rank < 0) {
      worst = f.severity;
      count = 1;
    } else if (rank === 0) count++;
  }
  worst ??= c.severity;
  const raisedNote = worst === c.severity ? '' : `${count} of ${failed} failed ${failed === 1 ? 'check' : 'checks'}`;
  return { ...c, worstSeverity: worst, worstCount: count, raisedNote };
}

/**
 * The five failing controls to fix first: by the worst of their failed checks (rbac-workload-token-risk is high, and
 * critical for a token that can read Secrets from a privileged pod), then by how many checks fail at it, then as the
 * failing controls are ordered.
 */
export function topRisksOf(failing: ControlView[]): RiskView[] {
  return failing
    .filter((c) => c.status === 'fail')
    .map(riskOf)
    .sort((a, b) => severityRank(a.worstSeverity) - severityRank(b.worstSeverity) || b.worstCount - a.worstCount || worstFirst(a, b))
    .slice(0, 5);
}

export interface CisRow {
  section: string;
  control: ControlView;
}

export interface CisSection {
  /** e.g. `5.2` */
  id: string;
  title: string;
  chapter: string;
  chapterTitle: string;
  rows: CisRow[];
  /** Controls of this section by status. */
  counts: StatusCounts;
}

export interface ScoreRow extends ScoreEntry {
  key: string;
  label: string;
  scoreText: string;
  /** Failing findings by severity in this slice. */
  failedBySeverity: Record<Severity, number>;
  waived: number;
  notAssessed: number;
}

export interface MetaRow {
  label: string;
  value: string;
}

export interface ReportView {
  result: ScanResult;
  title: string;
  generatedAt: string;
  target: string;
  /**
   * What the scan could see, for the page header next to the score: the identity it read as and the
   * namespaces it was limited to or left out ("" for the parts that do not apply).
   */
  readScope: { identity: string; namespaces: string };
  scoreText: string;
  grade: string;
  /** How many controls the score is taken over (those with a passing or failing subject). */
  scoredControls: number;
  failing: ControlView[];
  notAssessed: ControlView[];
  passing: ControlView[];
  notApplicable: ControlView[];
  controls: ControlView[];
  topRisks: RiskView[];
  findings: FindingView[];
  findingCount: number;
  waived: FindingView[];
  /** The waivers given to the scan, active and expired. */
  waiverReports: WaiverReportView[];
  /** The comparison with a baseline scan, when one was given. */
  baseline?: BaselineView;
  notAssessedItems: NotAssessedView[];
  /** Failing controls that could not assess some of their subjects (their status is `fail`), and how many subjects. */
  partlyAssessed: { controls: number; subjects: number };
  severityCounts: { severity: Severity; count: number }[];
  resultCounts: { status: Status; count: number }[];
  controlCounts: { status: Status; count: number }[];
  cis: CisSection[];
  unmappedToCis: ControlView[];
  byNamespace: ScoreRow[];
  byArea: ScoreRow[];
  insights: InsightSection[];
  meta: MetaRow[];
  collection: { kind: string; state: string; count: number; note: string }[];
  scoring: {
    weights: { severity: Severity; weight: number }[];
    grades: { grade: string; min: number }[];
  };
  /** Facets for the filters: every value that occurs among the findings. */
  facets: { severities: Severity[]; areas: string[]; namespaces: string[]; statuses: Status[] };
}

const SEVERITY_RANK = new Map(SEVERITIES.map((s, i) => [s, i]));

export function severityRank(s: Severity): number {
  return SEVERITY_RANK.get(s) ?? 99;
}

/** CIS Kubernetes Benchmark v1.12 chapter and section titles, for the framework view. */
export const CIS_TITLES: Record<string, string> = {
  '1': 'Control Plane Components',
  '1.1': 'Control Plane Node Configuration Files',
  '1.2': 'API Server',
  '1.3': 'Controller Manager',
  '1.4': 'Scheduler',
  '2': 'etcd',
  '3': 'Control Plane Configuration',
  '3.1': 'Authentication and Authorization',
  '3.2': 'Logging',
  '4': 'Worker Nodes',
  '4.1': 'Worker Node Configuration Files',
  '4.2': 'Kubelet',
  '4.3': 'kube-proxy',
  '5': 'Policies',
  '5.1': 'RBAC and Service Accounts',
  '5.2': 'Pod Security Standards',
  '5.3': 'Network Policies and CNI',
  '5.4': 'Secrets Management',
  '5.5': 'Extensible Admission Control',
  '5.6': 'General Policies',
};

/** Compare dotted section ids numerically: 5.2.10 after 5.2.9. */
export function compareSection(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10));
  const pb = b.split('.').map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (Number.isNaN(pa[i] ?? -1) ? 0 : (pa[i] ?? -1)) - (Number.isNaN(pb[i] ?? -1) ? 0 : (pb[i] ?? -1));
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Failing controls in the reports' order: by severity, then failed checks, then findings (failed and waived), then id. */
export function worstFirst(a: ControlSummary, b: ControlSummary): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    b.counts.fail - a.counts.fail ||
    b.counts.fail + (b.counts.waived ?? 0) - (a.counts.fail + (a.counts.waived ?? 0)) || // scans before waivers (1.0) count none
    cmpStr(a.id, b.id)
  );
}

/** What a scan was of, for titles: `manifests`, else the context, cluster or server. */
export function scanTarget(result: ScanResult): string {
  const scan = result.scan;
  return scan.source === 'manifests' ? 'manifests' : (scan.context ?? scan.cluster ?? scan.server ?? 'cluster');
}

/** The namespaces a scan was limited to (`-n`) or left out (`--exclude-namespace`), in words; "" when it read them all. */
export function namespaceScope(scan: Pick<ScanResult['scan'], 'namespaces' | 'excludedNamespaces'>): string {
  const list = (ns: string[]) => (ns.length > 5 ? `${ns.slice(0, 5).join(', ')} and ${ns.length - 5} more` : ns.join(', '));
  if (scan.namespaces?.length) return `only namespace${scan.namespaces.length === 1 ? '' : 's'} ${list(scan.namespaces)}`;
  if (scan.excludedNamespaces?.length) return `all namespaces but ${list(scan.excludedNamespaces)}`;
  return '';
}

/** `kind namespace/name`, or `kind name` for cluster-scoped subjects. */
export function subjectLabel(r: Pick<Result, 'subject'>): string {
  const s = r.subject;
  return s.namespace ? `${s.kind} ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

export function formatValue(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return '(unset)';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? 'n/a' : String(score);
}

/** The waiver on a result, when issue 8's engine attached one. */
export function waiverOf(r: Result, opts: { raw?: boolean } = {}): WaiverView | undefined {
  const w = (r as Result & { waiver?: Partial<Record<keyof WaiverView, unknown>> }).waiver;
  if (!w || typeof w !== 'object') return undefined;
  const str = opts.raw ? (v: unknown) => (v === undefined || v === null ? '' : String(v)) : clean;
  return { owner: str(w.owner), reason: str(w.reason), expires: str(w.expires) };
}

/** The namespace a result belongs to: a Namespace subject's own name, else the subject's namespace ("" when cluster-scoped). */
export function namespaceOf(r: Pick<Result, 'subject'>): string {
  return r.subject.kind === 'Namespace' ? r.subject.name : (r.subject.namespace ?? '');
}

/** ScanResult.waivers, read defensively: scans from before waivers existed have none, and odd entries are skipped. */
export function waiverReportsOf(result: ScanResult): WaiverReportView[] {
  const list: unknown = (result as { waivers?: unknown }).waivers;
  if (!Array.isArray(list)) return [];
  return (list as unknown[])
    .filter((w): w is Record<string, unknown> => typeof w === 'object' && w !== null)
    .map((w) => {
      const subject = (typeof w.subject === 'object' && w.subject !== null ? w.subject : {}) as Record<string, unknown>;
      const subjectText = ['kind', 'namespace', 'name']
        .filter((k) => typeof subject[k] === 'string' && subject[k] !== '')
        .map((k) => `${k}=${String(subject[k])}`)
        .join(', ');
      return {
        id: clean(w.id),
        controls: clean(Array.isArray(w.controls) ? w.controls.join(', ') : ''),
        subject: clean(subjectText || 'any'),
        owner: clean(w.owner),
        reason: clean(w.reason),
        expires: clean(w.expires ?? 'never'),
        source: clean(w.source),
        status: clean(w.status),
        matched: typeof w.matched === 'number' ? w.matched : 0,
      };
    });
}

function clean(v: unknown): string {
  return showInvisible(v === undefined || v === null ? '' : String(v));
}

function anchorPart(s: string): string {
  return s.replace(/[^a-zA-Z0-9_-]/g, '-');
}

/** "3 failing subjects in 2 namespaces", "4 failing cluster-scoped subjects", "5 failing subjects: 4 cluster-scoped, 1 in 1 namespace". */
function failingScope(findings: readonly FindingView[]): string {
  const subjects = new Map<string, string>(); // subject → namespace ('' when cluster-scoped)
  for (const f of findings) if (f.status === 'fail') subjects.set(`${f.kind}\u0000${f.namespace}\u0000${f.name}`, f.namespace);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const namespaced = [...subjects.values()].filter((ns) => ns !== '');
  const namespaces = new Set(namespaced).size;
  const clusterScoped = subjects.size - namespaced.length;
  if (clusterScoped === 0) return `${plural(subjects.size, 'failing subject')} in ${plural(namespaces, 'namespace')}`;
  if (namespaced.length === 0) return `${plural(subjects.size, 'failing cluster-scoped subject')}`;
  return `${plural(subjects.size, 'failing subject')}: ${clusterScoped} cluster-scoped, ${namespaced.length} in ${plural(namespaces, 'namespace')}`;
}

/** A subject as reports name it, with the file and line it was read from in a static scan (scan.sources). */
export function placedLabel(r: Pick<Result, 'subject'>, sources: ScanResult['scan']['sources']): string {
  const at = sources?.[sourceKey(r.subject)];
  return at ? `${subjectLabel(r)} (${at.file}:${at.line})` : subjectLabel(r);
}

function findingView(r: Result, c: ControlSummary | undefined, sources: ScanResult['scan']['sources']): FindingView {
  const f: FindingView = {
    anchor: `f-${anchorPart(r.fingerprint)}`,
    controlId: r.controlId,
    controlTitle: c?.title ?? r.controlId,
    area: c?.area ?? 'general',
    severity: r.severity,
    ownSeverity: c && r.severity !== c.severity ? r.severity : '',
    status: r.status,
    subject: clean(placedLabel(r, sources)),
    kind: clean(r.subject.kind),
    namespace: clean(namespaceOf(r)),
    name: clean(r.subject.name),
    path: clean(r.path ?? ''),
    container: clean(r.container ?? ''),
    message: clean(r.message),
    observed: clean(formatValue(r.observed)),
    expected: clean(formatValue(r.expected)),
    remediation: clean(r.remediation ?? ''),
    fingerprint: r.fingerprint,
  };
  const w = waiverOf(r);
  if (w) f.waiver = w;
  if (r.change === 'new' || r.change === 'unchanged') f.change = r.change;
  return f;
}

function goneView(b: { controlId: string; severity: Severity; subject: Result['subject']; path?: string; message: string }): GoneFindingView {
  return { controlId: b.controlId, severity: b.severity, subject: clean(subjectLabel(b)), path: clean(b.path ?? ''), message: clean(b.message) };
}

/** The baseline comparison (`--baseline`), when the scan has one. */
export function baselineOf(result: ScanResult): BaselineView | undefined {
  const b = result.baseline;
  if (!b) return undefined;
  return {
    startedAt: clean(b.startedAt),
    file: clean(b.file ?? ''),
    new: b.new,
    unchanged: b.unchanged,
    fixed: (b.fixed ?? []).map(goneView),
    notReassessed: (b.notReassessed ?? []).map(goneView),
  };
}

function emptySeverity(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

function emptyStatus(): StatusCounts {
  return { pass: 0, fail: 0, waived: 0, 'not-assessed': 0, 'not-applicable': 0 };
}

function scoreRows(entries: Record<string, ScoreEntry>, results: Result[], keyOf: (r: Result) => string | undefined, label: (k: string) => string): ScoreRow[] {
  const extra = new Map<string, { sev: Record<Severity, number>; waived: number; notAssessed: number }>();
  for (const r of results) {
    const k = keyOf(r);
    if (k === undefined || !(k in entries)) continue;
    let e = extra.get(k);
    if (!e) extra.set(k, (e = { sev: emptySeverity(), waived: 0, notAssessed: 0 }));
    if (r.status === 'fail') e.sev[r.severity]++;
    else if (r.status === 'waived') e.waived++;
    else if (r.status === 'not-assessed') e.notAssessed++;
  }
  return Object.entries(entries)
    .map(([key, s]) => {
      const e = extra.get(key);
      return {
        ...s,
        key: clean(key),
        label: clean(label(key)),
        scoreText: formatScore(s.score),
        failedBySeverity: e?.sev ?? emptySeverity(),
        waived: e?.waived ?? 0,
        notAssessed: e?.notAssessed ?? 0,
      };
    })
    .sort((a, b) => (a.score ?? 101) - (b.score ?? 101) || b.fail - a.fail || cmpStr(a.key, b.key));
}

const views = new WeakMap<ScanResult, ReportView>();

/**
 * The view of a scan result, built once per result object: `--history` renders the same result as HTML and
 * Markdown, and at 10,000 Pods building the view of every finding takes about 0.3 s. A ScanResult is not changed
 * once rendering starts; renderers treat the view as read-only.
 */
export function buildView(result: ScanResult): ReportView {
  let view = views.get(result);
  if (!view) views.set(result, (view = makeView(result)));
  return view;
}

function makeView(result: ScanResult): ReportView {
  const registry = new Map(allControls().map((c) => [c.meta.id, c.meta]));
  const summaries = new Map(result.controls.map((c) => [c.id, c]));
  const byControl = new Map<string, Result[]>();
  for (const r of result.results) {
    let list = byControl.get(r.controlId);
    if (!list) byControl.set(r.controlId, (list = []));
    list.push(r);
  }

  const controls: ControlView[] = result.controls.map((c) => {
    const rs = byControl.get(c.id) ?? [];
    const findings = rs.filter((r) => r.status === 'fail' || r.status === 'waived').map((r) => findingView(r, c, result.scan.sources));
    const manual = Boolean(registry.get(c.id)?.manual);
    const notAssessed = rs
      .filter((r) => r.status === 'not-assessed')
      .map(
        (r): NotAssessedView => ({
          controlId: c.id,
          controlTitle: c.title,
          severity: c.severity,
          subject: clean(placedLabel(r, result.scan.sources)),
          whole: r.subject.kind === 'Cluster',
          reason: clean(r.message),
          permission: clean(r.permission ?? ''),
          manual,
        }),
      );
    return {
      ...c,
      reason: c.reason === undefined ? undefined : clean(c.reason),
      permissions: c.permissions?.map(clean),
      anchor: `c-${anchorPart(c.id)}`,
      findings,
      notAssessed,
      manual,
      cis: [...(c.references.cis ?? [])].sort(compareSection),
      pss: c.references.pss ?? [],
      links: c.references.links ?? [],
      namespaces: [...new Set(findings.filter((f) => f.status === 'fail' && f.namespace).map((f) => f.namespace))].sort(cmpStr),
      scope: failingScope(findings),
    } as ControlView;
  });

  // Every control with a failure or a waived failure, whatever its status: a control that also could not assess
  // some subject is not-assessed, and its waived findings must still be listed (waivers are never hidden).
  const failing = controls.filter((v) => v.findings.length > 0).sort(worstFirst);
  const findings = failing.flatMap((c) => c.findings);

  // Framework view: every control under each CIS section it cites.
  const sections = new Map<string, CisSection>();
  for (const c of controls) {
    for (const id of c.cis) {
      const parts = id.split('.');
      // 5.2.2 sits in section 5.2; etcd's 2.1 … 2.7 are recommendations of chapter 2 itself.
      const sectionId = parts.length >= 3 ? `${parts[0]}.${parts[1]}` : (parts[0] ?? id);
      const chapter = parts[0] ?? id;
      let s = sections.get(sectionId);
      if (!s) {
        sections.set(
          sectionId,
          (s = { id: sectionId, title: CIS_TITLES[sectionId] ?? '', chapter, chapterTitle: sectionId === chapter ? '' : (CIS_TITLES[chapter] ?? ''), rows: [], counts: emptyStatus() }),
        );
      }
      s.rows.push({ section: id, control: c });
    }
  }
  const cis = [...sections.values()].sort((a, b) => compareSection(a.id, b.id));
  for (const s of cis) {
    s.rows.sort((a, b) => compareSection(a.section, b.section) || cmpStr(a.control.id, b.control.id));
    for (const id of new Set(s.rows.map((r) => r.control.id))) s.counts[summaries.get(id)!.status]++;
  }

  const s = result.summary;
  const scan = result.scan;
  const target = scanTarget(result);
  const meta: MetaRow[] = [
    { label: 'Cluster', value: scan.cluster ?? '' },
    { label: 'Context', value: scan.context ?? '' },
    { label: 'API server', value: scan.server ?? '' },
    { label: 'Server version', value: scan.serverVersion ? `${scan.serverVersion.gitVersion}${scan.serverVersion.platform ? ` (${scan.serverVersion.platform})` : ''}` : '' },
    {
      label: 'Identity',
      value: scan.identity ? `${scan.identity.username}${scan.identity.groups.length ? ` (groups: ${scan.identity.groups.join(', ')})` : ''}` : '',
    },
    { label: 'Source', value: scan.source === 'manifests' ? 'manifest files (static)' : 'live cluster' },
    ...(scan.files?.length ? [{ label: 'Files', value: scan.files.join(', ') }] : []),
    ...(result.baseline ? [{ label: 'Baseline', value: `${result.baseline.file ? `${result.baseline.file}, ` : ''}scan of ${result.baseline.startedAt}` }] : []),
    { label: 'Namespaces', value: scan.namespaces?.length ? scan.namespaces.join(', ') : 'all' },
    ...(scan.excludedNamespaces?.length ? [{ label: 'Excluded namespaces', value: scan.excludedNamespaces.join(', ') }] : []),
    { label: 'Started', value: scan.startedAt },
    {
      label: 'Duration',
      value: `${(scan.durationMs / 1000).toFixed(1)} s (collection ${(scan.timings.collectMs / 1000).toFixed(1)} s, evaluation ${(scan.timings.evaluateMs / 1000).toFixed(1)} s)`,
    },
    { label: 'Tool', value: `${result.tool.name} ${result.tool.version}` },
    { label: 'Result schema', value: result.schemaVersion },
    { label: 'Controls run', value: String(result.controls.length) },
  ]
    .filter((m) => m.value !== '')
    .map((m) => ({ label: m.label, value: clean(m.value) }));

  const notAssessedControls = controls.filter((v) => v.status === 'not-assessed');
  const notAssessedItems = controls.flatMap((c) => c.notAssessed);
  const partly = controls.filter((c) => c.status === 'fail' && c.counts['not-assessed'] > 0);

  return {
    result,
    title: `Kubernetes security audit — ${clean(target)}`,
    generatedAt: scan.startedAt,
    target: clean(target),
    readScope: { identity: clean(scan.identity?.username ?? ''), namespaces: clean(namespaceScope(scan)) },
    scoreText: formatScore(s.score),
    scoredControls: scoredControls(result.controls),
    grade: s.grade,
    failing,
    notAssessed: notAssessedControls,
    passing: controls.filter((v) => v.status === 'pass'),
    notApplicable: controls.filter((v) => v.status === 'not-applicable'),
    controls,
    topRisks: topRisksOf(failing),
    findings,
    findingCount: findings.length,
    waived: findings.filter((f) => f.status === 'waived'),
    waiverReports: waiverReportsOf(result),
    baseline: baselineOf(result),
    notAssessedItems,
    partlyAssessed: { controls: partly.length, subjects: partly.reduce((n, c) => n + c.counts['not-assessed'], 0) },
    severityCounts: SEVERITIES.map((sev) => ({ severity: sev, count: s.failedBySeverity[sev] ?? 0 })),
    resultCounts: STATUSES.map((st) => ({ status: st, count: s.results[st] ?? 0 })),
    controlCounts: STATUSES.map((st) => ({ status: st, count: s.controls[st] ?? 0 })),
    cis,
    unmappedToCis: controls.filter((c) => c.cis.length === 0),
    byNamespace: scoreRows(
      s.byNamespace,
      result.results,
      (r) => namespaceOf(r) || undefined,
      (k) => k,
    ),
    byArea: scoreRows(
      s.byArea,
      result.results,
      (r) => summaries.get(r.controlId)?.area,
      (k) => k,
    ),
    insights: insightSections(result),
    meta,
    collection: scan.collection.map((c) => ({
      kind: c.kind,
      state: c.state,
      count: c.count,
      note: clean([c.reason ?? '', c.permission ? `needs: ${c.permission}` : ''].filter(Boolean).join(' — ')),
    })),
    scoring: {
      weights: SEVERITIES.map((sev) => ({ severity: sev, weight: SEVERITY_WEIGHTS[sev] })),
      grades: GRADES.map(([min, grade]) => ({ grade, min })),
    },
    facets: {
      severities: SEVERITIES.filter((sev) => findings.some((f) => f.severity === sev)),
      areas: [...new Set(findings.map((f) => f.area))].sort(cmpStr),
      namespaces: [...new Set(findings.map((f) => f.namespace))].sort(cmpStr),
      statuses: STATUSES.filter((st) => findings.some((f) => f.status === st)),
    },
  };
}
