import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../src/collect/kinds.ts';
import { allControls } from '../../src/engine/registry.ts';
import { placeholders } from '../../src/engine/interpolate.ts';
import { AREAS, SEVERITIES } from '../../src/engine/types.ts';

const repo = new URL('../../', import.meta.url).pathname;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('control registry', () => {
  const controls = allControls();

  it('registers every control file under checks/', () => {
    const files = walk(join(repo, 'checks'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('/index.ts') && !f.includes('/_') && f !== join(repo, 'checks/index.ts'))
      .map((f) => relative(join(repo, 'checks'), f));
    for (const f of files) {
      const [area, ...rest] = f.split('/');
      const index = readFileSync(join(repo, 'checks', area!, 'index.ts'), 'utf8');
      expect(index, `checks/${f} is imported by checks/${area}/index.ts`).toContain(`./${rest.join('/')}`);
    }
    // Each control file is named after its id.
    const ids = new Set(controls.map((c) => c.meta.id));
    for (const f of files) expect(ids.has(f.split('/').pop()!.replace(/\.ts$/, '')), `${f} is named after a registered id`).toBe(true);
  });

  it('has unique kebab-case ids', () => {
    const ids = controls.map((c) => c.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  for (const c of controls) {
    describe(c.meta.id, () => {
      it('has complete metadata', () => {
        const m = c.meta;
        expect(m.title.length).toBeGreaterThan(5);
        expect(m.description.length).toBeGreaterThan(20);
        expect(m.rationale.length).toBeGreaterThan(20);
        expect(m.remediation.length).toBeGreaterThan(10);
        expect(SEVERITIES).toContain(m.severity);
        expect(AREAS).toContain(m.area);
        for (const id of m.references.cis ?? []) expect(id).toMatch(/^\d+(\.\d+){1,3}$/);
        if (!m.manual) expect(Object.keys(m.messages).length).toBeGreaterThan(0);
        for (const k of c.reads) expect(KINDS).toHaveProperty(k);
      });

      it('uses only placeholders the engine or the finding data fill', () => {
        for (const template of [c.meta.remediation, ...Object.values(c.meta.remediations ?? {}), ...Object.values(c.meta.messages)]) {
          for (const p of placeholders(template)) expect(p).toMatch(/^[A-Za-z0-9_]+$/);
        }
      });

      if (!c.meta.manual) {
        it('has passing and failing fixtures', () => {
          const dir = join(repo, 'test/checks', c.meta.id);
          const files = existsSync(dir) ? readdirSync(dir) : [];
          expect(files.some((f) => f.startsWith('pass.')), `test/checks/${c.meta.id}/pass.*.yaml`).toBe(true);
          expect(files.some((f) => f.startsWith('fail.')), `test/checks/${c.meta.id}/fail.*.yaml`).toBe(true);
        });
      }
    });
  }
});
