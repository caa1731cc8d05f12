/**
 * `k8s-audit diff before.json after.json`: what changed between two saved
 * scans, as a terminal table, Markdown or JSON. The comparison itself is
 * src/engine/diff.ts; this only lays it out.
 */
import Table from 'cli-table3';
import { diffCounts, diffLine, type Diff } from '../engine/diff.ts';
import type { BaselineFinding, Result } from '../engine/result.ts';
import { Budget, length } from '../report/budget.ts';
import { escapeMarkdown, markdownCode, showInvisible } from '../report/escape.ts';
import { prettyJsonChunks } from '../report/json-chunks.ts';
import { SUMMARY_MAX_CHARS } from '../report/summary.ts';
import { severityRank } from '../report/view.ts';

export const DIFF_FORMATS = ['table', 'json', 'md'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

type Row = Pick<Result, 'controlId' | 'severity' | 'subject' | 'path' | 'container' | 'message' | 'fingerprint'> & { status?: Result['status'] };

function subject(r: Row): string {
  return `${r.subject.kind} ${r.subject.namespace ? `${r.subject.namespace}/` : ''}${r.subject.name}`;
}

function where(r: Row): string {
  return [r.path ?? '', r.container ? `container ${r.container}` : ''].filter(Boolean).join(', ');
}

/** Cluster text made safe for a terminal: control characters visible, one line, bounded. */
function cell(s: string): string {
  const one = showInvisible(s).replace(/\r\n|\r|\n/g, ' ⏎ ');
  const chars = [...one];
  return chars.length > 300 ? `${chars.slice(0, 299).join('')}…` : one;
}

const SECTIONS = [
  ['new', 'New findings'],
  ['fixed', 'Fixed'],
  ['notReassessed', 'Gone, but not re-assessed (not counted as fixed)'],
] as const;

function diffDocument(d: Diff) {
  return {
    before: d.before,
    after: d.after,
    counts: { new: d.new.length, unchanged: d.unchanged.length, fixed: d.fixed.length, notReassessed: d.notReassessed.length },
    new: d.new,
    fixed: d.fixed,
    notReassessed: d.notReassessed,
    unchanged: d.unchanged,
  };
}

/**
 * renderDiff's text in pieces: the JSON (which lists every finding of both scans in full) a
 * batch of findings at a time, so that two large scans' diff is never one string.
 */
export function* renderDiffChunks(d: Diff, format: DiffFormat): Generator<string> {
  if (format !== 'json') {
    yield renderDiff(d, format);
    return;
  }
  yield* prettyJsonChunks(diffDocument(d));
  yield '\n';
}

export function renderDiff(d: Diff, format: DiffFormat): string {
  if (format === 'json') return JSON.stringify(diffDocument(d), null, 2) + '\n';
  if (format === 'md') return renderMarkdown(d);
  const lines: string[] = [];
  for (const [key, title] of SECTIONS) {
    const rows: Row[] = d[key];
    if (rows.length === 0) continue;
    const t = new Table({ head: ['Severity', 'Control', 'Subject', 'Finding'], wordWrap: true, colWidths: [10, 28, 36, 60], style: { head: [], border: [] } });
    for (const r of rows) t.push([r.severity, r.controlId, cell(subject(r) + (where(r) ? ` (${where(r)})` : '')), cell(r.message + (r.status === 'waived' ? ' (waived)' : ''))]);
    lines.push(`${title} (${rows.length})`, t.toString());
  }
  lines.push(diffLine(diffCounts(d)));
  return lines.join('\n') + '\n';
}

/**
 * The longest `diff --format md` document, in characters: GitHub's limit on a pull-request comment, where a
 * diff's Markdown is usually posted. Each list gives its last rows way to a line saying how many were left out
 * (worst severity first, so what is cut is the least severe); `--format json` lists every finding.
 */
export const DIFF_MD_MAX_CHARS = SUMMARY_MAX_CHARS;

const count = (n: number) => n.toLocaleString('en');
/** Rows of each list that are always listed, whatever the lists before it hold. */
const ROWS_KEPT = 10;

function renderMarkdown(d: Diff, maxChars = DIFF_MD_MAX_CHARS): string {
  const head = [
    '# k8s-audit: changes between two scans',
    '',
    `Before: ${escapeMarkdown(d.before.startedAt)}${d.before.file ? ` (${markdownCode(d.before.file)})` : ''}  `,
    `After: ${escapeMarkdown(d.after.startedAt)}${d.after.file ? ` (${markdownCode(d.after.file)})` : ''}`,
    '',
    `**${d.new.length} new**, ${d.unchanged.length} unchanged, **${d.fixed.length} fixed**${d.notReassessed.length ? `, ${d.notReassessed.length} not re-assessed` : ''}.`,
  ];
  const note = ['', `Lists shortened to fit ${count(maxChars)} characters (a pull-request comment), most severe first: \`--format json\` lists every finding.`];
  const more = (n: number) => `| | … and ${count(n)} more | | | |`;
  const sections = SECTIONS.map(([key, title]) => {
    const sorted = [...(d[key] as Row[])].sort((a, b) => severityRank(a.severity) - severityRank(b.severity)); // stable: in result order within a severity
    const rows = sorted.map(markdownRow);
    const top = ['', `## ${title} (${rows.length})`, '', ...(rows.length ? ['| Severity | Control | Subject | Where | Finding |', '|---|---|---|---|---|'] : ['None.'])];
    return { rows, top, reserve: rows.length ? more(rows.length).length + 1 + length(rows.slice(0, ROWS_KEPT)) : 0 };
  });
  // Every section's heading, its first rows and room for its closing line are set aside first: a long list of new
  // findings cannot crowd the fixed ones out.
  let fixed = length(head) + length(note);
  for (const s of sections) fixed += length(s.top) + s.reserve;
  const budget = new Budget(maxChars - fixed);
  const body: string[] = [];
  for (const s of sections) {
    body.push(...s.top);
    budget.give(s.reserve);
    body.push(...budget.fit(s.rows, more));
  }
  return [...head, ...(budget.cut ? note : []), ...body].join('\n') + '\n';
}

function markdownRow(r: Row): string {
  return `| ${r.severity} | ${markdownCode(r.controlId)} | ${escapeMarkdown(subject(r))} | ${markdownCode(where(r))} | ${escapeMarkdown(r.message)}${r.status === 'waived' ? ' (waived)' : ''} |`;
}
