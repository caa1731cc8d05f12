import { describe, expect, it } from 'vitest';
import { prettyJsonChunks } from '../../src/report/json-chunks.ts';
import { seeded } from '../helpers/random.ts';

/** Random JSON-ish values: nested objects and arrays (some long), strings with escapes, undefined and toJSON values. */
function randomValue(r: ReturnType<typeof seeded>, depth: number): unknown {
  const k = r.int(depth > 4 ? 5 : 9);
  switch (k) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.chance(0.5) ? r.int(1000) - 500 : r.next() * 1e6;
    case 3:
      return r.pick(['', 'plain', 'quote " and \\ slash', 'new\nline', '<script>&', '\u2028\u2029', 'ünïcödé', '\u0000']);
    case 4:
      return r.chance(0.2) ? undefined : r.chance(0.1) ? new Date(1_700_000_000_000 + r.int(1e9)) : 'x';
    case 5:
    case 6: {
      const n = r.chance(0.3) ? r.int(12) : r.int(4);
      return Array.from({ length: n }, () => randomValue(r, depth + 1));
    }
    default: {
      const o: Record<string, unknown> = {};
      const n = r.int(5);
      for (let i = 0; i < n; i++) o[r.pick(['a', 'b', 'results', 'runs', 'key with space', '"q"', '1', 'z'])] = randomValue(r, depth + 1);
      return o;
    }
  }
}

describe('prettyJsonChunks', () => {
  it('joins to exactly JSON.stringify(value, null, 2) for 2,000 random documents, at small batch sizes', () => {
    const r = seeded(20261123);
    let streamed = 0;
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(r, 0);
      if (value === undefined) continue;
      const batch = 1 + r.int(4);
      const pieces = [...prettyJsonChunks(value, batch)];
      expect(pieces.join(''), `case ${i}, batch ${batch}`).toBe(JSON.stringify(value, null, 2));
      if (pieces.length > 1) streamed++;
    }
    expect(streamed).toBeGreaterThan(200); // the large-array paths were really taken
  });

  it('writes a SARIF-shaped document with a long nested results array a batch at a time', () => {
    const results = Array.from({ length: 1234 }, (_, i) => ({ ruleId: `r${i % 7}`, message: { text: `finding ${i} <&>` }, locations: [{ physicalLocation: { artifactLocation: { uri: `ns/Pod/p${i}` } } }] }));
    const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'k8s-audit', rules: [{ id: 'r0' }] } }, results, properties: { score: 81.5 } }] };
    const pieces = [...prettyJsonChunks(log)];
    expect(pieces.join('')).toBe(JSON.stringify(log, null, 2));
    expect(pieces.length).toBeGreaterThan(3);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(JSON.stringify(log, null, 2).length / 2);
  });
});
