import Table from 'cli-table3';
import { scoredControls } from '../engine/score.ts';
import type { ScanResult } from '../engine/result.ts';
import { showInvisible } from './escape.ts';
import { buildView } from './view.ts';

/** Terminal output: the worst findings first, then one summary line. Control characters from the cluster are made visible. */
export function renderTable(result: ScanResult, opts: { color?: boolean; maxRows?: number } = {}): string {
  const view = buildView(result);
  const color = opts.color ?? false;
  const paint = (code: number, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const sevColor: Record<string, number> = { critical: 31, high: 31, medium: 33, low: 36, info: 37 };
  const t = new Table({
    head: ['Severity', 'Control', 'Subject', 'Finding'],
    style: { head: color ? ['bold'] : [], border: color ? ['grey'] : [] },
    wordWrap: true,
    colWidths: [10, 28, 36, 60],
  });
  let rows = 0;
  const maxRows = opts.maxRows ?? 200;
  let hidden = 0;
  for (const c of view.failing) {
    for (const f of c.findings) {
      if (rows >= maxRows) {
        hidden++;
        continue;
      }
      rows++;
      t.push([paint(sevColor[f.severity] ?? 0, f.severity), c.id, clean(f.subject), clean(f.message) + (f.status === 'waived' ? ' (waived)' : '')]);
    }
  }
  const lines: string[] = [];
  if (rows > 0) lines.push(t.toString());
  if (hidden > 0) lines.push(`… and ${hidden} more findings (use --format md, html or json for all of them)`);
  for (const c of view.notAssessed) lines.push(`not assessed: ${c.id} — ${clean(c.reason ?? c.notAssessed[0]?.reason ?? '')}`);
  lines.push(summaryLine(result));
  return lines.join('\n') + '\n';
}

/** Longest cell text in the terminal table: word-wrapping is quadratic in a cell's longest word. The other formats print everything. */
const MAX_CELL = 300;

function clean(s: string): string {
  const one = showInvisible(s).replace(/\r\n|\r|\n/g, ' ⏎ ');
  const chars = [...one];
  return chars.length > MAX_CELL ? `${chars.slice(0, MAX_CELL - 1).join('')}…` : one;
}

/** One line: score, failing counts by severity, not-assessed count. Also what the CronJob prints to its log. */
export function summaryLine(result: ScanResult): string {
  const s = result.summary;
  const sev = Object.entries(s.failedBySeverity)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  // The score is taken over the controls with a pass or a fail: say how many, so that a scan that could assess few is not read as a whole.
  const score = s.score === null ? 'n/a' : `${s.score}/100 (${s.grade}) from ${scoredControls(result.controls)} of ${result.controls.length} controls`;
  return (
    `score ${score}; ${s.controls.fail} of ${result.controls.length} controls failing` +
    (sev ? ` (${sev} findings)` : '') +
    `; ${s.controls['not-assessed']} not assessed`
  );
}
