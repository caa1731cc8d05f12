/**
 * `k8s-audit diff before.json after.json`: what changed between two saved
 * scans, as a terminal table, Markdown or JSON. The comparison itself is
 * src/engine/diff.ts; this only lays it out.
 */
import Table from 'cli-table3';
import { diffCounts, diffLine, type Diff } from '../engine/diff.ts';
import type { BaselineFinding, Result } from '../engine/result.ts';
import { escapeMarkdown, markdownCode, showInvisible } from '../report/escape.ts';
import { prettyJsonChunks } from '../report/json-chunks.ts';

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

function renderMarkdown(d: Diff): string {
  const out = [
    '# k8s-audit: changes between two scans',
    '',
    `Before: ${escapeMarkdown(d.before.startedAt)}${d.before.file ? ` (${markdownCode(d.before.file)})` : ''}  `,
    `After: ${escapeMarkdown(d.after.startedAt)}${d.after.file ? ` (${markdownCode(d.after.file)})` : ''}`,
    '',
    `**${d.new.length} new**, ${d.unchanged.length} unchanged, **${d.fixed.length} fixed**${d.notReassessed.length ? `, ${d.notReassessed.length} not re-assessed` : ''}.`,
  ];
  for (const [key, title] of SECTIONS) {
    const rows: (Result | BaselineFinding)[] = d[key];
    out.push('', `## ${title} (${rows.length})`, '');
    if (rows.length === 0) {
      out.push('None.');
      continue;
    }
    out.push('| Severity | Control | Subject | Where | Finding |', '|---|---|---|---|---|');
    for (const r of rows as Row[]) {
      out.push(
        `| ${r.severity} | ${markdownCode(r.controlId)} | ${escapeMarkdown(subject(r))} | ${markdownCode(where(r))} | ${escapeMarkdown(r.message)}${r.status === 'waived' ? ' (waived)' : ''} |`,
      );
    }
  }
  return out.join('\n') + '\n';
}
