import { readFileSync } from 'node:fs';

/** The tool's own name and version, from package.json (found relative to this file, in src/ or dist/src/). */
function load(): { name: string; version: string } {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'k8s-audit' && pkg.version) return { name: pkg.name, version: pkg.version };
    } catch {
      /* try the next location */
    }
  }
  return { name: 'k8s-audit', version: '0.0.0' };
}

export const TOOL = load();
