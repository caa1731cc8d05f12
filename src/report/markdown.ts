import type { ScanResult } from '../engine/result.ts';
import { escapeMarkdown, markdownCode, markdownFence } from './escape.ts';
import type { Cell } from './insights.ts';
import { loadTemplate, newEnvironment } from './templates.ts';
import { buildView } from './view.ts';

/**
 * GitHub-flavoured Markdown: the HTML report's sections as text. Handlebars'
 * HTML escaping is switched off (noEscape) and every value goes through one
 * of the helpers below instead: `md` for prose and table cells (Markdown and
 * HTML punctuation escaped, `|` cannot split a cell, newlines folded), `code`
 * for inline code spans that survive backticks and pipes, `fence` for
 * remediation snippets.
 */

const env = newEnvironment();
env.registerHelper('md', (v: unknown) => escapeMarkdown(v));
env.registerHelper('code', (v: unknown) => markdownCode(v));
env.registerHelper('fence', (v: unknown) => markdownFence(v));
env.registerHelper('join', (v: unknown) => escapeMarkdown(Array.isArray(v) ? v.join(', ') : ''));
env.registerHelper('url', (v: unknown) => {
  // Reference links come from the control registry; still, only plain http(s) URLs become autolinks.
  const s = String(v ?? '');
  if (!/^https?:\/\/[^\s<>"`]+$/.test(s)) return escapeMarkdown(s);
  return `<${s}>`;
});
env.registerHelper('cell', (c: Cell) => {
  if (c.lines?.length) return c.lines.map((l) => escapeMarkdown(l)).join('<br>');
  return c.code ? markdownCode(c.text) : escapeMarkdown(c.text);
});
env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
env.registerPartial(
  'goneTable',
  `| Control | Severity | Subject | Field | Finding |
|---|---|---|---|---|
{{#each rows}}
| {{code controlId}} | {{severity}} | {{md subject}} | {{code path}} | {{md message}} |
{{/each}}`,
);
env.registerPartial(
  'scoreTable',
  `{{#if rows.length}}
| {{keyLabel}} | Score | Grade | Critical | High | Medium | Low | Info | Waived | Not assessed | Passing |
|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|
{{#each rows}}
| {{md label}} | {{scoreText}} | {{grade}} | {{failedBySeverity.critical}} | {{failedBySeverity.high}} | {{failedBySeverity.medium}} | {{failedBySeverity.low}} | {{failedBySeverity.info}} | {{waived}} | {{notAssessed}} | {{pass}} |
{{/each}}
{{else}}
No results to group.
{{/if}}`,
);

let template: HandlebarsTemplateDelegate | undefined;

export function renderMarkdown(result: ScanResult): string {
  template ??= loadTemplate(env, 'report.md.hbs', { noEscape: true });
  // Collapse the blank-line runs that template control lines leave behind.
  return template(buildView(result)).replace(/\n{3,}/g, '\n\n');
}
