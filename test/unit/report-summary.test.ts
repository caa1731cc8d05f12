import { describe, expect, it } from 'vitest';
import type { ControlSummary, Result, ScanResult } from '../../src/engine/result.ts';
import { controlStatus, summarize } from '../../src/engine/run.ts';
import { emptyCounts } from '../../src/engine/score.ts';
import { SEVERITIES, type Severity } from '../../src/engine/types.ts';
import { escapeMarkdown } from '../../src/report/escape.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { summaryLine } from '../../src/report/table.ts';
import { renderSummary, SUMMARY_MAX_CHARS } from '../../src/report/summary.ts';
import { buildView } from '../../src/report/view.ts';
import { hostileResult, PAYLOADS, scenarioResult, workflowResult } from '../fixtures/report/results.ts';
import { prose, separators, tables } from '../helpers/markdown.ts';

/** The rows of the table under a `### ` heading (header and rule left out). */
function rowsUnder(md: string, heading: string): string[] {
  const at = md.indexOf(`\n### ${heading}`);
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const next = md.indexOf('\n### ', at + 1);
  return tables(md.slice(at, next < 0 ? undefined : next))[0]!.slice(2);
}

function wellFormed(md: string) {
  for (const t of tables(md)) {
    expect(t[1]).toMatch(/^\|(\s*:?-{3,}:?\s*\|)+$/);
    const n = separators(t[0]!);
    for (const row of t) expect(separators(row), row).toBe(n);
  }
  for (const line of prose(md)) for (const m of line.matchAll(/<[^>]*>?/g)) expect(m[0], line).toMatch(/^<\/?sub>$/);
  const headings = prose(md).filter((l) => /^ {0,3}#{1,6}(\s|$)/.test(l));
  expect(headings[0]).toMatch(/^## k8s-audit: /);
  for (const h of headings.slice(1)) expect(h).toMatch(/^### (Failing controls|New since the baseline \(\d[\d,]*\)|Not assessed \(\d[\d,]*( controls?, and [\d,]+ subjects? of [\d,]+ failing controls?)?\))$/);
  expect(md.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
}

/** A result with `controls` failing controls, each failing on `subjects` subjects, with long hostile names. */
function largeResult(controlCount: number, subjects: number, opts: { notAssessed?: number; fresh?: boolean } = {}): ScanResult {
  const severities: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
  const controls: ControlSummary[] = [];
  const results: Result[] = [];
  const long = (i: number) => `${PAYLOADS[i % PAYLOADS.length]}-${'x|`<'.repeat(60)}`;
  for (let c = 0; c < controlCount; c++) {
    const id = `x-control-${String(c).padStart(4, '0')}`;
    controls.push({ id, title: `Control ${c} ${long(c)}`, area: 'general', severity: severities[c % 5]!, description: '', rationale: '', references: {}, status: 'pass', counts: emptyCounts() });
    for (let i = 0; i < subjects; i++) {
      results.push({
        controlId: id,
        status: 'fail',
        severity: severities[c % 5]!,
        subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: `ns-${i % 50}`, name: `app-${i}-${long(i)}` },
        message: `Message ${long(i)}`,
        fingerprint: `${c}-${i}`,
        ...(opts.fresh ? { change: 'new' as const } : {}),
      });
    }
  }
  for (let c = 0; c < (opts.notAssessed ?? 0); c++) {
    const id = `x-unread-${c}`;
    controls.push({ id, title: `Unread ${c}`, area: 'general', severity: 'high', description: '', rationale: '', references: {}, status: 'pass', counts: emptyCounts(), reason: `Could not read ${long(c).repeat(20)}` });
    results.push({ controlId: id, status: 'not-assessed', severity: 'high', subject: { apiVersion: 'v1', kind: 'Cluster', name: 'cluster' }, message: 'x', fingerprint: `na-${c}` });
  }
  for (const c of controls) {
    for (const r of results) if (r.controlId === c.id) c.counts[r.status]++;
    c.status = controlStatus(c.counts);
  }
  const result: ScanResult = {
    schemaVersion: '1.2',
    tool: { name: 'k8s-audit', version: '0.1.0' },
    scan: { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, timings: { collectMs: 1, evaluateMs: 0 }, source: 'cluster', context: `ctx ${long(0)}`, collection: [] },
    summary: summarize(controls, results),
    controls,
    results,
  };
  if (opts.fresh) result.baseline = { startedAt: '2025-12-01T00:00:00.000Z', new: results.filter((r) => r.status === 'fail').length, unchanged: 0, fixed: [], notReassessed: [] };
  return result;
}

describe('summary: the demo scan', () => {
  const result = scenarioResult('demo');
  const md = renderSummary(result);

  it('is well-formed Markdown with its own headings only', () => wellFormed(md));

  it('gives the score, the counts and every failing control, worst first as the full reports order them', () => {
    // The controls the score is taken over: those with a passing or failing subject, counted here from the results.
    const scored = result.controls.filter((c) => c.counts.pass + c.counts.fail > 0).length;
    expect(scored).toBeLessThan(result.controls.length);
    expect(md.split('\n')[0]).toBe(
      `## k8s-audit: ${escapeMarkdown(result.scan.context ?? 'cluster')} — score ${result.summary.score} / 100, grade ${result.summary.grade} (from ${scored} of ${result.controls.length} controls)`,
    );
    expect(md).toContain(`**${result.summary.controls.fail} of ${result.controls.length} controls failing**, ${result.summary.results.fail} failed checks`);
    const ids = rowsUnder(md, 'Failing controls').map((r) => /\(`([a-z0-9-]+)`\)/.exec(r)![1]);
    expect(ids).toEqual(buildView(result).failing.filter((c) => c.status === 'fail').map((c) => c.id));
    expect(md).not.toContain('### New since the baseline');
    // The same count in the one-line summary, the HTML scorecard and the Markdown report's headline.
    expect(summaryLine(result)).toMatch(new RegExp(`^score ${result.summary.score}/100 \\(${result.summary.grade}\\) from ${scored} of ${result.controls.length} controls; `));
    expect(renderHtml(result)).toContain(`<p class="small">From the ${scored} of ${result.controls.length} controls with a passing or failing subject</p>`);
    expect(renderMarkdown(result).split('\n')[2]).toContain(`, from the ${scored} of ${result.controls.length} controls with a passing or failing subject (`);
  });

  it('counts failed checks, distinct subjects and namespaces per control, and names the first subjects', () => {
    for (const row of rowsUnder(md, 'Failing controls')) {
      const id = /\(`([a-z0-9-]+)`\)/.exec(row)![1]!;
      const fails = result.results.filter((r) => r.controlId === id && r.status === 'fail');
      const cells = row.split(' | ');
      expect(cells[2], id).toBe(fails.length.toLocaleString('en'));
      const subjects = [...new Set(fails.map((r) => (r.subject.namespace ? `${r.subject.kind} ${r.subject.namespace}/${r.subject.name}` : `${r.subject.kind} ${r.subject.name}`)))];
      expect(cells[3], id).toBe(String(subjects.length));
      const namespaces = new Set(fails.map((r) => (r.subject.kind === 'Namespace' ? r.subject.name : (r.subject.namespace ?? ''))).filter(Boolean));
      expect(cells[4], id).toBe(namespaces.size ? String(namespaces.size) : '–');
      expect(cells[5], id).toContain(`\`${subjects[0]}\``);
      expect(cells[5]!.endsWith(', … |'), id).toBe(subjects.length > 3);
    }
  });

  it('is a small part of the full Markdown report', () => {
    expect(md.length * 5).toBeLessThan(renderMarkdown(result).length);
  });
});

describe('summary: hostile strings', () => {
  const result = hostileResult();
  const md = renderSummary(result);

  it('is well-formed Markdown with its own headings only', () => wellFormed(md));

  it('shows payloads as inert text', () => {
    const text = prose(md).join('\n');
    expect(text).not.toContain('<script');
    expect(text).not.toContain('<img');
    expect(text).not.toMatch(/\]\(javascript:/);
    expect(md).not.toContain('\u202e');
    // The not-assessed control, with its reason and the permission to grant.
    const na = rowsUnder(md, 'Not assessed (1)');
    expect(na).toHaveLength(1);
    expect(na[0]).toContain('Could not read');
    expect(na[0]).toContain('list ');
  });
});

describe('summary: a baseline', () => {
  const result = workflowResult();
  const md = renderSummary(result);

  it('is well-formed Markdown with its own headings only', () => wellFormed(md));

  it('counts and lists the new findings, per control too', () => {
    const fresh = result.results.filter((r) => r.status === 'fail' && r.change === 'new');
    expect(fresh.length).toBeGreaterThan(0);
    expect(md).toContain(`**${result.baseline!.new} new**, ${result.baseline!.unchanged} unchanged, ${result.baseline!.fixed.length} fixed`);
    const rows = rowsUnder(md, `New since the baseline (${fresh.length})`);
    const worstFirst = SEVERITIES.flatMap((sev) => fresh.filter((r) => r.severity === sev));
    expect(rows.map((r) => /^\| (\w+) \| `([a-z0-9-]+)`/.exec(r)!.slice(1).join(' '))).toEqual(worstFirst.map((r) => `${r.severity} ${r.controlId}`));
    const perControl = rowsUnder(md, 'Failing controls').map((r) => Number(r.split(' | ')[4]));
    expect(perControl.reduce((a, b) => a + b, 0)).toBe(fresh.length);
    // In a pull request the new findings are what changed: they come first.
    expect(md.indexOf('\n### New since the baseline')).toBeLessThan(md.indexOf('\n### Failing controls'));
    // Waived findings are counted in the headline, not listed as failing.
    expect(md).toMatch(/failed checks \([^)]*\), \d+ waived/);
  });

  it('says how many of the new findings are waived, since only the failing ones are listed', () => {
    const withNewWaived = { ...result, results: result.results.map((r) => (r.status === 'fail' && r.change === 'new' ? { ...r, status: 'waived' as const } : r)) };
    const waived = withNewWaived.results.filter((r) => r.status === 'waived' && r.change === 'new').length;
    expect(waived).toBeGreaterThan(0);
    const text = renderSummary(withNewWaived);
    expect(text).toContain(`**${result.baseline!.new} new** (${waived} of them waived), ${result.baseline!.unchanged} unchanged`);
    expect(text).not.toContain('### New since the baseline');
  });
});

describe('a failing control that could not assess some of its subjects', () => {
  // Its status is `fail` (a failure outranks what could not be read), so the subjects it could not assess
  // are not in its status: every report must count them, or they pass unnoticed.
  function partlyAssessed(): ScanResult {
    const result = scenarioResult('demo');
    const id = 'pod-privileged';
    const control = result.controls.find((c) => c.id === id)!;
    expect(control.status).toBe('fail');
    for (let i = 0; i < 3; i++) {
      result.results.push({
        controlId: id,
        status: 'not-assessed',
        severity: control.severity,
        subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'unread', name: `app-${i}` },
        message: 'The pod template of Deployment unread/app could not be read.',
        permission: 'list replicasets in namespace unread',
        fingerprint: `partly-${i}`,
      });
    }
    control.counts['not-assessed'] += 3;
    control.status = controlStatus(control.counts);
    result.summary = summarize(result.controls, result.results);
    return result;
  }
  const result = partlyAssessed();
  const control = result.controls.find((c) => c.id === 'pod-privileged')!;
  const notAssessedControls = result.controls.filter((c) => c.status === 'not-assessed').length;

  it('is counted and listed in the summary', () => {
    const md = renderSummary(result);
    wellFormed(md);
    expect(md).toContain(`; 3 subjects of 1 failing control not assessed.`);
    const rows = rowsUnder(md, `Not assessed (${notAssessedControls} controls, and 3 subjects of 1 failing control)`);
    expect(rows).toHaveLength(notAssessedControls + 1);
    expect(rows.at(-1)).toBe(
      `| ${escapeMarkdown(control.title)} (\`pod-privileged\`): 3 subjects not assessed; fails for others | The pod template of Deployment unread/app could not be read\\. | list replicasets in namespace unread |`,
    );
  });

  it('says so in the HTML and Markdown control sections and headlines', () => {
    const html = renderHtml(result);
    expect(html).toContain(`${control.counts.fail} failing · ${control.counts.pass} passing · 3 not assessed`);
    expect(html).toContain(`<strong>${notAssessedControls} control(s), and 3 subject(s) of 1 failing control(s), could not be assessed</strong>; none is counted as passing.`);
    const md = renderMarkdown(result);
    expect(md).toContain(`**Failing:** ${control.counts.fail} · **Passing:** ${control.counts.pass} · **Not assessed:** 3`);
    expect(md).toContain(`**${notAssessedControls} control(s) not assessed** and 3 subject(s) of 1 failing control(s), none counted as passing`);
  });

  it('is the headline when no control is wholly unassessed', () => {
    const only = partlyAssessed();
    only.controls = only.controls.filter((c) => c.status !== 'not-assessed');
    only.results = only.results.filter((r) => only.controls.some((c) => c.id === r.controlId));
    only.summary = summarize(only.controls, only.results);
    expect(renderSummary(only)).toContain('; **3 subjects of 1 failing control not assessed**.');
    expect(renderHtml(only)).toContain('<strong>3 subject(s) of 1 failing control(s) could not be assessed</strong> and are not counted as passing.');
    expect(renderMarkdown(only)).toContain('; **3 subject(s) of 1 failing control(s) not assessed**, not counted as passing');
  });
});

describe('a scan limited to some namespaces, or by an identity', () => {
  // Its score is over what it read: next to the score, the reports say what that was.
  it('says so next to the score, in the summary and the HTML report', () => {
    const result = scenarioResult('demo');
    const full = { html: renderHtml(result), md: renderSummary(result) };
    expect(full.html).toContain('<div class="scope">Read as <span class="mono">system:serviceaccount:k8s-audit:scanner</span></div>');
    expect(full.html).toContain('<div class="muted small">Security score</div>');
    expect(full.md.split('\n')[0]).toMatch(/^## k8s-audit: acme\\-prod — score /);

    const limited = scenarioResult('demo');
    limited.scan.namespaces = ['payments'];
    expect(renderSummary(limited).split('\n')[0]).toMatch(/^## k8s-audit: acme\\-prod \(only namespace payments\) — score /);
    const html = renderHtml(limited);
    expect(html).toContain('Read as <span class="mono">system:serviceaccount:k8s-audit:scanner</span> · <strong>only namespace payments</strong>');
    expect(html).toContain('<div class="muted small">Security score, only namespace payments</div>');

    const excluded = scenarioResult('demo');
    excluded.scan.excludedNamespaces = ['kube-system', 'team-legacy'];
    expect(renderSummary(excluded).split('\n')[0]).toContain('(all namespaces but kube\\-system, team\\-legacy)');
    expect(renderHtml(excluded)).toContain('<strong>all namespaces but kube-system, team-legacy</strong>');
  });
});

describe('summary: failed checks raised or lowered from their control\'s severity', () => {
  it('says in the control\'s row how many, so the headline\'s critical checks can be found', () => {
    const result = scenarioResult('demo');
    const control = result.controls.find((c) => c.status === 'fail' && c.severity === 'high' && c.counts.fail >= 3)!;
    const fails = result.results.filter((r) => r.controlId === control.id && r.status === 'fail');
    fails[0]!.severity = 'critical';
    fails[1]!.severity = 'critical';
    fails[2]!.severity = 'medium';
    result.summary = summarize(result.controls, result.results);
    const md = renderSummary(result);
    wellFormed(md);
    const row = rowsUnder(md, 'Failing controls').find((r) => r.includes(`(\`${control.id}\`)`))!;
    expect(row.startsWith('| high (2 critical, 1 medium) | ')).toBe(true);
    // Every critical failed check of the headline is in a critical row or counted in another row.
    const critical = rowsUnder(md, 'Failing controls').reduce((n, r) => {
      const [sev, , checks] = r.split(' | ');
      return n + (sev === '| critical' ? Number(checks!.replace(/,/g, '')) : Number(/(\d+) critical/.exec(sev!)?.[1] ?? 0));
    }, 0);
    expect(critical).toBe(result.summary.failedBySeverity.critical);
  });
});

describe('summary: bounded whatever the cluster', () => {
  it('stays within a pull-request comment, saying how many rows it left out', () => {
    const result = largeResult(400, 3, { notAssessed: 100, fresh: true });
    const md = renderSummary(result);
    wellFormed(md);
    expect(md.length).toBeGreaterThan(SUMMARY_MAX_CHARS - 2_000); // it used the room it had
    const rows = rowsUnder(md, 'Failing controls');
    const more = /… and ([\d,]+) more failing control\(s\)/.exec(rows.at(-1)!);
    expect(more).not.toBeNull();
    expect(rows.length - 1 + Number(more![1]!.replace(/,/g, ''))).toBe(400);
    expect(md.trimEnd().endsWith('</sub>')).toBe(true);
  });

  it('does not grow with the number of failing subjects', () => {
    const small = renderSummary(largeResult(3, 10));
    const large = renderSummary(largeResult(3, 20_000));
    expect(large.length).toBeLessThan(small.length + 50); // only the counts are longer
    expect(large).toContain('| 20,000 | 20,000 | 50 |');
    wellFormed(large);
  });
});
