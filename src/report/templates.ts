import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

/**
 * Templates live in templates/ at the package root (beside src/ and dist/).
 * Each renderer gets its own Handlebars environment so helpers of one output
 * format (Markdown escaping, say) never leak into another.
 */
export function templatePath(name: string): URL {
  // This file is src/report/templates.ts, or dist/src/report/templates.js once built.
  const here = new URL('.', import.meta.url);
  const root = here.pathname.includes('/dist/src/') ? new URL('../../../', here) : new URL('../../', here);
  return new URL(`templates/${name}`, root);
}

export function loadTemplate(env: typeof Handlebars, name: string, options: CompileOptions = {}): HandlebarsTemplateDelegate {
  return env.compile(readFileSync(templatePath(name), 'utf8'), { strict: false, ...options });
}

export function newEnvironment(): typeof Handlebars {
  return Handlebars.create();
}
