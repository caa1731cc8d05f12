import type { ControlSummary, Result, ScanResult } from '../engine/result.ts';
import { SEVERITIES, type Severity } from '../engine/types.ts';
import { Budget, length } from './budget.ts';
import { escapeMarkdown, markdownCode, showInvisible } from './escape.ts';
import { baselineOf, formatScore, namespaceOf, namespaceScope, placedLabel, scanTarget, severityRank, worstFirst } from './view.ts';
import { scoredControls } from '../engine/score.ts';

/**
 * The `summary` format: a Markdown digest for CI, to append to a job summary or post as a
 * pull-request comment. Its length depends on the number of controls, not on the cluster's
 * size: the full Markdown report lists every finding and every namespace (12 MB at 2,000 Pods,
 * 60 MB at 10,000), while GitHub takes at most 1 MiB per job summary and 65,536 characters per
 * comment. The digest never exceeds SUMMARY_MAX_CHARS: when its lists would, their last rows
 * give way to a line saying how many were left out.
 *
 * It reads the results once, without the full reports' view of every finding (0.8 s at 10,000
 * Pods), and orders failing controls as the full reports do: by severity, then failed checks.
 * With a baseline, the new findings come first: in a pull request, they are what changed.
 * Cluster text goes through escapeMarkdown (prose, cells) or markdownCode (names, ids).
 */

/** GitHub's limit on a pull-request or issue comment, in characters; a job summary takes more (1 MiB). */
export const SUMMARY_MAX_CHARS = 65_536;

/** Failing subjects named per control. */
const EXAMPLES = 3;
/** New findings listed when the scan has a baseline. */
const NEW_LISTED = 20;
/** The longest reason shown for a control that was not assessed. */
const REASON_CHARS = 300;

const count = (n: number) => n.toLocaleString('en');

interface Failing {
  control: ControlSummary;
  subjects: Set<string>;
  namespaces: Set<string>;
  fresh: number;
  /** Failed checks whose own severity is not the control's (a finding may be raised or lowered), by severity. */
  other: Map<Severity, number>;
}

export function renderSummary(result: ScanResult): string {
  const s = result.summary;
  const scan = result.scan;
  const failing = new Map<string, Failing>();
  for (const c of result.controls) if (c.status === 'fail') failing.set(c.id, { control: c, subjects: new Set(), namespaces: new Set(), fresh: 0, other: new Map() });
  const fresh: Result[] = [];
  const unassessed = new Map<string, Result[]>();
  for (const r of result.results) {
    if (r.status === 'fail') {
      const f = failing.get(r.controlId);
      if (f) {
        f.subjects.add(placedLabel(r, result.scan.sources));
        const ns = namespaceOf(r);
        if (ns) f.namespaces.add(ns);
        if (r.change === 'new') f.fresh++;
        if (r.severity !== f.control.severity) f.other.set(r.severity, (f.other.get(r.severity) ?? 0) + 1);
      }
      if (r.change === 'new') fresh.push(r);
    } else if (r.status === 'not-assessed') {
      const list = unassessed.get(r.controlId);
      if (list) list.push(r);
      else unassessed.set(r.controlId, [r]);
    }
  }

  const head: string[] = [];
  const target = scanTarget(result);
  const score =
    s.score === null ? 'score n/a' : `score ${formatScore(s.score)} / 100, grade ${escapeMarkdown(s.grade)} (from ${count(scoredControls(result.controls))} of ${count(result.controls.length)} controls)`;
  // A scan limited by -n or --exclude-namespace is scored over what it read: the heading says so next to the score.
  const scope = namespaceScope(scan);
  head.push(`## k8s-audit: ${escapeMarkdown(clip(target, 200))}${scope ? ` (${escapeMarkdown(clip(scope, 300))})` : ''} — ${score}`, '');
  const bySeverity = SEVERITIES.filter((sev) => (s.failedBySeverity[sev] ?? 0) > 0).map((sev) => `${count(s.failedBySeverity[sev])} ${sev}`);
  const notAssessed = result.controls.filter((c) => c.status === 'not-assessed');
  // A control that fails is `fail` even when it could not assess some of its subjects: those go unsaid in its
  // status and its row, so they are counted here and listed under Not assessed with the rest.
  const partly = result.controls.filter((c) => c.status === 'fail' && (c.counts['not-assessed'] ?? 0) > 0);
  const partlySubjects = partly.reduce((n, c) => n + c.counts['not-assessed'], 0);
  head.push(
    `**${count(s.controls.fail)} of ${count(result.controls.length)} controls failing**, ${count(s.results.fail)} failed checks` +
      (bySeverity.length ? ` (${bySeverity.join(', ')})` : '') +
      (s.results.waived ? `, ${count(s.results.waived)} waived` : '') +
      (notAssessed.length ? `; **${count(notAssessed.length)} not assessed**, not counted as passing` : '') +
      (partly.length
        ? `; ${notAssessed.length ? '' : '**'}${count(partlySubjects)} subject${partlySubjects === 1 ? '' : 's'} of ${count(partly.length)} failing control${partly.length === 1 ? '' : 's'} not assessed${notAssessed.length ? '' : '**'}`
        : '') +
      '.',
  );
  const baseline = baselineOf(result);
  // New findings include waived ones (a new waived finding is new too); only the failing ones are listed below.
  const newWaived = result.results.filter((r) => r.status === 'waived' && r.change === 'new').length;
  if (baseline) {
    head.push(
      '',
      `Since the baseline scan of ${escapeMarkdown(baseline.startedAt)}: **${count(baseline.new)} new**${newWaived ? ` (${count(newWaived)} of them waived)` : ''}, ${count(baseline.unchanged)} unchanged, ${count(baseline.fixed.length)} fixed` +
        (baseline.notReassessed.length ? `, ${count(baseline.notReassessed.length)} not re-assessed` : '') +
        '.',
    );
  }
  const about = [
    `${result.tool.name} ${result.tool.version}`,
    scan.source === 'manifests' ? 'manifest files' : scan.serverVersion ? `Kubernetes ${scan.serverVersion.gitVersion}` : '',
    scan.namespaces?.length ? (scan.namespaces.length > 3 ? `${scan.namespaces.length} namespaces` : `namespaces ${scan.namespaces.join(', ')}`) : '',
    scan.startedAt,
  ].filter(Boolean);
  const foot = ['', `<sub>${escapeMarkdown(clip(about.join(' · '), 400))}. Every finding, with its evidence and remediation, is in the JSON, HTML and Markdown reports.</sub>`, ''];

  const budget = new Budget(SUMMARY_MAX_CHARS - length(head) - length(foot));
  const body: string[] = [];

  if (fresh.length > 0) {
    fresh.sort((a, b) => severityRank(a.severity) - severityRank(b.severity)); // stable: the engine's order within a severity
    const listed = fresh.slice(0, NEW_LISTED);
    const table = ['', `### New since the baseline (${count(fresh.length)})`, '', '| Severity | Control | Subject | Finding |', '|---|---|---|---|'];
    if (budget.take(length(table))) {
      body.push(...table);
      const rows = listed.map((r) => `| ${r.severity} | ${markdownCode(r.controlId)} | ${markdownCode(placedLabel(r, result.scan.sources))} | ${escapeMarkdown(clip(r.message, REASON_CHARS))} |`);
      const more = fresh.length - listed.length;
      body.push(...budget.fit(rows, (left) => `| | … and ${count(left)} more | | |`, more));
    }
  }

  const failingControls = [...failing.values()].sort((a, b) => worstFirst(a.control, b.control));
  if (failingControls.length > 0) {
    const withNew = baseline !== undefined;
    const table = [
      '',
      '### Failing controls',
      '',
      `| Severity | Control | Failed checks | Subjects | ${withNew ? 'New | ' : ''}Namespaces | First failing subjects |`,
      `|---|---|---:|---:|${withNew ? '---:|' : ''}---:|---|`,
    ];
    if (budget.take(length(table))) {
      body.push(...table);
      const rows = failingControls.map((f) => controlRow(f, withNew));
      body.push(...budget.fit(rows, (left) => `| | … and ${count(left)} more failing control(s) | | | ${withNew ? '| ' : ''}| |`));
    }
  } else {
    const line = ['', 'No control failed.'];
    budget.take(length(line));
    body.push(...line);
  }

  if (notAssessed.length > 0 || partly.length > 0) {
    const title =
      partly.length === 0
        ? `${count(notAssessed.length)}`
        : `${count(notAssessed.length)} control${notAssessed.length === 1 ? '' : 's'}, and ${count(partlySubjects)} subject${partlySubjects === 1 ? '' : 's'} of ${count(partly.length)} failing control${partly.length === 1 ? '' : 's'}`;
    const table = ['', `### Not assessed (${title})`, '', '| Control | Why | Permission that would let it be assessed |', '|---|---|---|'];
    if (budget.take(length(table))) {
      body.push(...table);
      const row = (c: ControlSummary, scope: string) => {
        const rs = unassessed.get(c.id) ?? [];
        const why = c.reason ?? rs[0]?.message ?? '';
        const permissions = c.permissions?.length ? c.permissions : [...new Set(rs.map((r) => r.permission ?? '').filter(Boolean))];
        return `| ${escapeMarkdown(c.title)} (${markdownCode(c.id)})${scope} | ${escapeMarkdown(clip(why, REASON_CHARS))} | ${escapeMarkdown(clip(permissions.join('; '), REASON_CHARS))} |`;
      };
      const rows = [
        ...notAssessed.map((c) => row(c, '')),
        ...partly.map((c) => {
          const n = c.counts['not-assessed'];
          return row(c, `: ${count(n)} subject${n === 1 ? '' : 's'} not assessed; fails for others`);
        }),
      ];
      body.push(...budget.fit(rows, (left) => `| … and ${count(left)} more | | |`));
    }
  }

  return [...head, ...body, ...foot].join('\n');
}

function controlRow(f: Failing, withNew: boolean): string {
  const c = f.control;
  const first = [...f.subjects].slice(0, EXAMPLES).map((x) => markdownCode(clip(showInvisible(x), 120)));
  const examples = first.join(', ') + (f.subjects.size > first.length ? ', …' : '');
  const fresh = withNew ? `${count(f.fresh)} | ` : '';
  // The headline counts failed checks by their own severity: a row whose checks were raised (or lowered) says how many,
  // so that the critical ones the headline counts can be found in the table.
  const other = SEVERITIES.filter((sev) => f.other.has(sev)).map((sev) => `${count(f.other.get(sev)!)} ${sev}`);
  return `| ${c.severity}${other.length ? ` (${other.join(', ')})` : ''} | ${escapeMarkdown(c.title)} (${markdownCode(c.id)}) | ${count(c.counts.fail)} | ${count(f.subjects.size)} | ${fresh}${f.namespaces.size ? count(f.namespaces.size) : '–'} | ${examples} |`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
