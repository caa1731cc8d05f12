import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';

// Handlebars is loaded on the first HTML or Markdown render, not at start-up: it is
// about 0.2 s of module loading that a JSON, SARIF or table scan never needs.
const require = createRequire(import.meta.url);
let handlebars: typeof Handlebars | undefined;

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

export function loadTemplate(env: Environment, name: string, options: CompileOptions = {}): HandlebarsTemplateDelegate {
  return env.handlebars().compile(readFileSync(templatePath(name), 'utf8'), { strict: false, ...options });
}

/**
 * A renderer's own Handlebars environment, created when its first template is
 * compiled: helpers and partials registered before then are replayed into it.
 */
export class Environment {
  #setup: ((env: typeof Handlebars) => void)[] = [];
  #env: typeof Handlebars | undefined;

  registerHelper(name: string, fn: Handlebars.HelperDelegate): void {
    this.#setup.push((env) => env.registerHelper(name, fn));
    this.#env?.registerHelper(name, fn);
  }

  registerPartial(name: string, partial: string): void {
    this.#setup.push((env) => env.registerPartial(name, partial));
    this.#env?.registerPartial(name, partial);
  }

  handlebars(): typeof Handlebars {
    if (!this.#env) {
      handlebars ??= require('handlebars') as typeof Handlebars;
      const env = handlebars.create();
      for (const step of this.#setup) step(env);
      this.#env = env;
    }
    return this.#env;
  }
}

export function newEnvironment(): Environment {
  return new Environment();
}
