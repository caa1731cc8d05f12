import type { ScanResult } from '../engine/result.ts';
import { escapeMarkdown, markdownCode, markdownFence } from './escape.ts';
import { loadTemplate, newEnvironment } from './templates.ts';
import { buildView, formatValue, subjectLabel } from './view.ts';

const env = newEnvironment();
// Markdown output: Handlebars' HTML escaping is switched off (noEscape) and
// every value goes through one of these helpers instead.
env.registerHelper('md', (v: unknown) => escapeMarkdown(v));
env.registerHelper('code', (v: unknown) => markdownCode(v));
env.registerHelper('fence', (v: unknown, lang: unknown) => markdownFence(v, typeof lang === 'string' ? lang : ''));
env.registerHelper('subject', (r: Parameters<typeof subjectLabel>[0]) => escapeMarkdown(subjectLabel(r)));
env.registerHelper('value', (v: unknown) => markdownCode(formatValue(v)));
env.registerHelper('join', (v: unknown) => escapeMarkdown(Array.isArray(v) ? v.join(', ') : ''));
env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
env.registerHelper('score', (v: unknown) => (v === null || v === undefined ? 'n/a' : String(v)));

let template: HandlebarsTemplateDelegate | undefined;

export function renderMarkdown(result: ScanResult): string {
  template ??= loadTemplate(env, 'report.md.hbs', { noEscape: true });
  return template(buildView(result));
}
