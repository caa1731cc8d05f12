// A saved scan edited by hand or by another tool: `report` and `diff` say what is wrong with it (exit 2), never
// "internal error" (exit 4), whatever field is replaced by whatever JSON value.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromFiles } from '../../src/collect/manifests.ts';
import { allControls } from '../../src/engine/registry.ts';
import { evaluateSnapshot } from '../../src/scan.ts';
import { runCli } from '../helpers/io.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir('k8s-audit-shape-');
const repo = new URL('../../', import.meta.url).pathname;
const good = evaluateSnapshot(snapshotFromFiles([join(repo, 'test/scenarios/demo')]), { controls: allControls(), passes: 'count' }, new Date('2026-01-01T00:00:00Z'));
const goodFile = join(tmp, 'good.json');
writeFileSync(goodFile, JSON.stringify(good, null, 2));

const PATHS = [
  ['results', 0],
  ['results', 0, 'subject'],
  ['results', 0, 'severity'],
  ['results', 0, 'status'],
  ['results', 0, 'message'],
  ['results', 0, 'data'],
  ['controls', 0],
  ['controls', 0, 'references'],
  ['controls', 0, 'counts'],
  ['summary', 'byArea'],
  ['summary', 'results'],
  ['scan', 'collection'],
  ['passes', 0],
  ['baseline'],
  ['waivers'],
  ['scan', 'files'],
  ['scan', 'namespaces'],
  ['summary', 'byNamespace', Object.keys(good.summary.byNamespace)[0]!],
  ['summary', 'byArea', Object.keys(good.summary.byArea)[0]!],
  ['controls', 0, 'references', 'cis'],
  ['controls', 0, 'references', 'links'],
  ['insights', 'whoCan'],
] as const;
const VALUES: unknown[] = [null, 7, 'x', {}, []];

function mutated(path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(good) as unknown as Record<string, unknown>;
  let at: any = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path.at(-1)!] = value;
  return copy;
}

describe('a saved scan that is not what k8s-audit writes', () => {
  it('report and diff exit 2 with one line naming what is wrong, never 4', async () => {
    const problems: string[] = [];
    let refused = 0;
    for (const path of PATHS) {
      for (const value of VALUES) {
        const file = join(tmp, `m-${path.join('.')}-${JSON.stringify(value)}.json`.replace(/[^\w.-]/g, '_'));
        writeFileSync(file, JSON.stringify(mutated(path, value), null, 2));
        for (const args of [['report', file, '--format', 'table'], ['report', file, '--format', 'md'], ['diff', goodFile, file], ['diff', file, goodFile]]) {
          const r = await runCli(args);
          const what = `${args.join(' ')} (${path.join('.')} = ${JSON.stringify(value)})`;
          if (r.code === 4 || /internal error/.test(r.stderr)) problems.push(`${what}: ${r.stderr.trim()}`);
          else if (r.code === 2) {
            refused++;
            if (!/^k8s-audit: .+ is not a valid k8s-audit scan result: .+\n$/.test(r.stderr)) problems.push(`${what}: ${r.stderr}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(refused).toBeGreaterThan(100);
  }, 120_000);
});
