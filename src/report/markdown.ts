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
/** One failing control's section of "Findings" (the `control` partial of report.md.hbs). */
let controlTemplate: HandlebarsTemplateDelegate | undefined;

/** Stands where each control's section goes when the page is rendered without them. */
const SECTION_MARKER = '\u0000k8s-audit:control-section\u0000';

export function renderMarkdown(result: ScanResult): string {
  return [...renderMarkdownChunks(result)].join('');
}

/**
 * renderMarkdown's text in pieces whose concatenation is byte for byte the same: the page
 * rendered with a marker for each failing control's section, then the sections one at a
 * time, then the rest. Blank-line runs that template control lines leave behind are
 * collapsed across the pieces as in the whole.
 */
export function* renderMarkdownChunks(result: ScanResult): Generator<string> {
  template ??= loadTemplate(env, 'report.md.hbs', { noEscape: true });
  controlTemplate ??= loadTemplate(env, 'report.md.control.hbs', { noEscape: true });
  const view = buildView(result);
  const collapse = blankLineCollapser();
  const page = template(view, { partials: { control: () => SECTION_MARKER } });
  const first = page.indexOf(SECTION_MARKER);
  if (first < 0) {
    yield* collapse(page);
    yield* collapse.end();
    return;
  }
  const markers = SECTION_MARKER.repeat(view.failing.length);
  if (page.slice(first, first + markers.length) !== markers || page.indexOf(SECTION_MARKER, first + markers.length) >= 0) {
    throw new Error('report.md.hbs must render the control partial once per failing control, with nothing between');
  }
  yield* collapse(page.slice(0, first));
  for (const control of view.failing) yield* collapse(controlTemplate(control));
  yield* collapse(page.slice(first + markers.length));
  yield* collapse.end();
}

/**
 * `text.replace(/\n{3,}/g, '\n\n')` over a text given in pieces: a run of newlines at the end
 * of a piece is held back until the next piece shows where it ends.
 */
function blankLineCollapser(): ((piece: string) => Generator<string>) & { end: () => Generator<string> } {
  let held = '';
  const feed = function* (piece: string): Generator<string> {
    const text = (held ? held + piece : piece).replace(/\n{3,}/g, '\n\n');
    // The newlines at the end, counted from the end (a /\n*$/ scan tries every position of the piece: 0.13 s at M).
    let trailing = 0;
    while (trailing < text.length && text.charCodeAt(text.length - 1 - trailing) === 10) trailing++;
    held = text.slice(text.length - trailing);
    if (text.length > trailing) yield text.slice(0, text.length - trailing);
  };
  return Object.assign(feed, {
    end: function* (): Generator<string> {
      if (held) yield held;
      held = '';
    },
  });
}
