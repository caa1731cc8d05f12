import type { ScanResult } from '../engine/result.ts';
import { loadTemplate, newEnvironment } from './templates.ts';
import { buildView, formatValue, subjectLabel } from './view.ts';
import { showInvisible } from './escape.ts';

const env = newEnvironment();
// Handlebars escapes {{…}} for HTML (&, <, >, ", ', `, =); the template uses
// only double-stash output and quoted attributes, never {{{…}}} for cluster text.
env.registerHelper('subject', (r: Parameters<typeof subjectLabel>[0]) => showInvisible(subjectLabel(r)));
env.registerHelper('value', (v: unknown) => showInvisible(formatValue(v)));
env.registerHelper('text', (v: unknown) => showInvisible(String(v ?? '')));
env.registerHelper('join', (v: unknown) => (Array.isArray(v) ? v.join(', ') : ''));
env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
env.registerHelper('score', (v: unknown) => (v === null || v === undefined ? 'n/a' : String(v)));
env.registerHelper('json', (v: unknown) => JSON.stringify(v, null, 2));

let template: HandlebarsTemplateDelegate | undefined;

export function renderHtml(result: ScanResult): string {
  template ??= loadTemplate(env, 'report.html.hbs');
  return template(buildView(result));
}
