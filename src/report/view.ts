import type { ControlSummary, Result, ScanResult } from '../engine/result.ts';
import { SEVERITIES, type Severity } from '../engine/types.ts';

/**
 * The view-model every human-facing renderer shares: the ScanResult arranged
 * for reading (findings grouped by control, worst first). No verdict is
 * computed here; it only orders and groups what the engine decided.
 */
export interface ControlView extends ControlSummary {
  findings: Result[];
  notAssessed: Result[];
}

export interface ReportView {
  result: ScanResult;
  title: string;
  generatedAt: string;
  target: string;
  failing: ControlView[];
  notAssessed: ControlView[];
  passing: ControlView[];
  notApplicable: ControlView[];
  severityCounts: { severity: Severity; count: number }[];
}

const SEVERITY_RANK = new Map(SEVERITIES.map((s, i) => [s, i]));

export function severityRank(s: Severity): number {
  return SEVERITY_RANK.get(s) ?? 99;
}

export function buildView(result: ScanResult): ReportView {
  const byControl = new Map<string, Result[]>();
  for (const r of result.results) {
    let list = byControl.get(r.controlId);
    if (!list) byControl.set(r.controlId, (list = []));
    list.push(r);
  }
  const views: ControlView[] = result.controls.map((c) => {
    const rs = byControl.get(c.id) ?? [];
    return { ...c, findings: rs.filter((r) => r.status === 'fail' || r.status === 'waived'), notAssessed: rs.filter((r) => r.status === 'not-assessed') };
  });
  const bySeverity = (a: ControlView, b: ControlView) => severityRank(a.severity) - severityRank(b.severity) || b.findings.length - a.findings.length || (a.id < b.id ? -1 : 1);
  const target = result.scan.source === 'manifests' ? 'manifests' : (result.scan.context ?? result.scan.server ?? 'cluster');
  return {
    result,
    title: `k8s-audit report — ${target}`,
    generatedAt: result.scan.startedAt,
    target,
    failing: views.filter((v) => v.status === 'fail' || v.status === 'waived').sort(bySeverity),
    notAssessed: views.filter((v) => v.status === 'not-assessed'),
    passing: views.filter((v) => v.status === 'pass'),
    notApplicable: views.filter((v) => v.status === 'not-applicable'),
    severityCounts: SEVERITIES.map((s) => ({ severity: s, count: result.summary.failedBySeverity[s] })),
  };
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
