import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ScanResult } from '../engine/result.ts';
import { STATUSES } from '../engine/types.ts';
import { gzipBase64 } from './bytes.ts';
import { jsonForScript } from './escape.ts';
import { barChart, stackedChart } from './svg.ts';
import { loadTemplate, newEnvironment, templatePath } from './templates.ts';
import { buildView, type ReportView } from './view.ts';

/**
 * The auditor's report: one self-contained HTML file. CSS and JavaScript are
 * inlined from templates/report.css and templates/report.js; a Content
 * Security Policy allows that one script (by its SHA-256) and nothing else —
 * no other script, no event handler attribute, no network request of any kind.
 *
 * Escaping: Handlebars' `{{…}}` escapes & < > " ' ` = for element content and
 * quoted attributes, and the template uses `{{{…}}}` only for markup built
 * here (charts, whose labels svg.ts escapes; the CSS and script files; the
 * JSON island, escaped by jsonForScript).
 */

const env = newEnvironment();
env.registerHelper('join', (v: unknown) => (Array.isArray(v) ? v.join(', ') : ''));
env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
env.registerPartial(
  'scoreTable',
  `{{#if rows.length}}
  <div class="table-wrap">
  <table>
    <thead><tr><th>{{keyLabel}}</th><th class="num">Score</th><th>Grade</th><th class="num">Critical</th><th class="num">High</th><th class="num">Medium</th><th class="num">Low</th><th class="num">Info</th><th class="num">Waived</th><th class="num">Not assessed</th><th class="num">Passing</th></tr></thead>
    <tbody>
    {{#each rows}}<tr><td><a href="#findings" data-filter="{{../filter}}" data-value="{{key}}" title="Show these findings">{{label}}</a></td><td class="num">{{scoreText}}</td><td><span class="grade grade-{{grade}}">{{grade}}</span></td><td class="num{{#unless failedBySeverity.critical}} zero{{/unless}}">{{failedBySeverity.critical}}</td><td class="num{{#unless failedBySeverity.high}} zero{{/unless}}">{{failedBySeverity.high}}</td><td class="num{{#unless failedBySeverity.medium}} zero{{/unless}}">{{failedBySeverity.medium}}</td><td class="num{{#unless failedBySeverity.low}} zero{{/unless}}">{{failedBySeverity.low}}</td><td class="num{{#unless failedBySeverity.info}} zero{{/unless}}">{{failedBySeverity.info}}</td><td class="num{{#unless waived}} zero{{/unless}}">{{waived}}</td><td class="num{{#unless notAssessed}} zero{{/unless}}">{{notAssessed}}</td><td class="num">{{pass}}</td></tr>{{/each}}
    </tbody>
  </table>
  </div>
  {{else}}
  <p class="empty">No results to group.</p>
  {{/if}}`,
);

env.registerPartial(
  'goneTable',
  `{{#if rows.length}}
  <div class="table-wrap">
  <table>
    <caption>{{caption}}</caption>
    <thead><tr><th>Control</th><th>Severity</th><th>Subject</th><th>Field</th><th>Finding</th></tr></thead>
    <tbody>{{#each rows}}<tr><td><code>{{controlId}}</code></td><td><span class="sev sev-{{severity}}">{{severity}}</span></td><td>{{subject}}</td><td>{{#if path}}<code>{{path}}</code>{{/if}}</td><td>{{message}}</td></tr>{{/each}}</tbody>
  </table>
  </div>
  {{else}}{{#if empty}}<p class="empty">{{empty}}</p>{{/if}}{{/if}}`,
);

/**
 * Up to this many findings the report is fully static: every finding is in
 * the markup, every control section open, and nothing needs JavaScript.
 * Above it (thousands of workloads) the report stays quick to open: control
 * sections start folded, each carries its first STATIC_ROWS findings as
 * markup (what a reader without JavaScript sees, with a note saying how many
 * more there are), and all findings travel as compact JSON rows that the
 * script pages in on demand and filters without touching the DOM. Those rows
 * are gzipped and base64-encoded into a data block of their own (ROWS_MARKER),
 * which the script unpacks with the browser's DecompressionStream: findings
 * repeat most of their text, so the rows of 10,000 Pods take 3 MB instead of
 * 55, and the page opens without the browser parsing that much markup. A
 * browser without DecompressionStream shows the static rows and no filters,
 * as without JavaScript.
 */
export const OPEN_FINDINGS_LIMIT = 1500;
export const STATIC_ROWS = 25;

/** One finding in the JSON island: positional to keep very large reports small. Order matters to templates/report.js. */
export type FindingRow = [
  anchor: string,
  status: string,
  namespace: string,
  subject: string,
  path: string,
  container: string,
  message: string,
  observed: string,
  expected: string,
  remediation: string,
  waiverOwner: string,
  waiverExpires: string,
  /** The finding's severity when it differs from its control's, else ''. */
  ownSeverity: string,
  /** `new` when a baseline did not have the finding, else ''. */
  change: string,
];
/** Namespaces drawn in the summary chart (worst first); the table lists all. */
export const CHART_NAMESPACES = 20;

let template: HandlebarsTemplateDelegate | undefined;
let assets: { css: string; script: string; scriptHash: string } | undefined;

function loadAssets() {
  const css = readFileSync(templatePath('report.css'), 'utf8');
  const script = readFileSync(templatePath('report.js'), 'utf8');
  const scriptHash = `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`;
  // The CSS sits inside <style>: it must never hold a closing tag.
  if (/<\/style/i.test(css) || /<\/script/i.test(script)) throw new Error('report assets must not contain closing tags');
  return { css, script, scriptHash };
}

function gradeClass(grade: string): string {
  return /^[A-F]$/.test(grade) ? `grade-${grade}` : 'grade-na';
}

function charts(view: ReportView) {
  const maxSev = Math.max(0, ...view.severityCounts.map((s) => s.count));
  const ns = view.byNamespace.slice(0, CHART_NAMESPACES);
  return {
    severity: barChart(
      'chart-severity',
      'Failed checks by severity',
      view.severityCounts.map((s) => ({ label: s.severity, value: s.count, cls: `sev-${s.severity}` })),
      maxSev,
    ),
    areas: barChart(
      'chart-areas',
      'Score by area (0–100)',
      view.byArea.map((a) => ({
        label: a.label,
        value: a.score ?? 0,
        valueText: a.score === null ? 'n/a' : `${a.scoreText} (${a.grade})`,
        cls: gradeClass(a.grade),
        href: '#areas',
      })),
      100,
    ),
    namespaces: barChart(
      'chart-namespaces',
      'Score by namespace (0–100)',
      ns.map((a) => ({
        label: a.label,
        value: a.score ?? 0,
        valueText: a.score === null ? 'n/a' : `${a.scoreText} (${a.grade})`,
        cls: gradeClass(a.grade),
        title: `${a.label}: ${a.scoreText} (${a.grade}), ${a.fail} failing, ${a.pass} passing`,
        href: '#namespaces',
      })),
      100,
    ),
    namespacesShown: ns.length,
    namespacesOmitted: view.byNamespace.length > ns.length,
    cis: stackedChart(
      'chart-cis',
      'CIS Benchmark sections: controls by status',
      view.cis.map((s) => ({
        label: `${s.id} ${s.title}`,
        href: '#framework',
        valueText: `${s.counts.pass}/${Object.values(s.counts).reduce((a, b) => a + b, 0)} pass`,
        segments: STATUSES.map((st) => ({ value: s.counts[st], cls: `st-${st}`, title: `${s.id} ${s.title}: ${s.counts[st]} ${st}` })),
      })),
    ),
  };
}

/** Stands in the rendered page where the packed finding rows go (large reports), so that they can be written in pieces. */
const ROWS_MARKER = '\u0000k8s-audit:report-rows\u0000';
/** Finding rows serialised at a time for the packed rows. */
const ROW_BATCH = 500;

export function renderHtml(result: ScanResult): string {
  return [...renderHtmlChunks(result)].join('');
}

/**
 * renderHtml's text in pieces whose concatenation is byte for byte the same: for a large
 * report, the page around the packed rows, and the rows a block at a time (serialised a
 * batch at a time, gzipped and base64-encoded as they go). At 10,000 Pods the rows are tens
 * of megabytes of JSON; they are never one string.
 */
export function* renderHtmlChunks(result: ScanResult): Generator<string> {
  template ??= loadTemplate(env, 'report.html.hbs');
  assets ??= loadAssets();
  const view = buildView(result);
  const large = view.findingCount > OPEN_FINDINGS_LIMIT;
  const data: Record<string, unknown> = {
    schemaVersion: result.schemaVersion,
    findingCount: view.findingCount,
    facets: view.facets,
  };
  let rows: [controlId: string, rows: FindingRow[]][] | undefined;
  if (large) {
    data.staticRows = STATIC_ROWS;
    rows = view.failing.map((c) => [
      c.id,
      c.findings.map(
        (f): FindingRow => [f.anchor, f.status, f.namespace, f.subject, f.path, f.container, f.message, f.observed, f.expected, f.remediation, f.waiver?.owner ?? '', f.waiver?.expires ?? '', f.ownSeverity, f.change === 'new' ? 'new' : ''],
      ),
    ]);
  }
  const page = template({
    ...view,
    failing: large
      ? view.failing.map((c) => ({ ...c, findings: c.findings.slice(0, STATIC_ROWS), hiddenCount: Math.max(0, c.findings.length - STATIC_ROWS), totalCount: c.findings.length }))
      : view.failing,
    openFindings: !large,
    statusLegend: STATUSES,
    charts: charts(view),
    css: assets.css,
    script: assets.script,
    scriptHash: assets.scriptHash,
    data: jsonForScript(data),
    rows: rows ? ROWS_MARKER : undefined,
  });
  if (!rows) {
    yield page;
    return;
  }
  const at = page.indexOf(ROWS_MARKER);
  if (at < 0 || page.indexOf(ROWS_MARKER, at + 1) >= 0) throw new Error('report.html.hbs must place {{{rows}}} exactly once');
  yield page.slice(0, at);
  yield* gzipBase64(rowsJson(rows));
  yield page.slice(at + ROWS_MARKER.length);
}

/**
 * `{"<control>":[row,…],…}` in pieces, a batch of rows at a time: what JSON.stringify gives for the
 * whole object, but in ASCII (`\u` escapes for the rest). It is base64 in the page, so it needs no
 * escaping for a script element; ASCII because the browser decodes it to text about four times as
 * fast (at 10,000 Pods Chromium unpacked the rows in 0.9 s instead of 1.9 s, for 5,725 characters
 * that were not ASCII).
 */
function* rowsJson(rows: [controlId: string, rows: FindingRow[]][]): Generator<string> {
  yield '{';
  for (let i = 0; i < rows.length; i++) {
    const [id, list] = rows[i]!;
    if (i) yield ',';
    yield asciiJson(JSON.stringify(id));
    yield ':[';
    for (let j = 0; j < list.length; j += ROW_BATCH) {
      const batch = asciiJson(JSON.stringify(list.slice(j, j + ROW_BATCH)));
      if (j) yield ','; // on its own: see renderJsonChunks
      yield batch.slice(1, -1);
    }
    yield ']';
  }
  yield '}';
}

const NOT_ASCII = /[^\u0000-\u007f]/;
const NOT_ASCII_ALL = /[^\u0000-\u007f]/g;

/** JSON text with every character beyond ASCII as a `\u` escape (a pair's halves each: JSON.parse joins them). */
export function asciiJson(json: string): string {
  return NOT_ASCII.test(json) ? json.replace(NOT_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}
