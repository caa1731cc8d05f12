import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, gunzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { writeOutput } from '../../src/cli/output.ts';
import { PARSE_WHOLE_MAX, readScan } from '../../src/cli/scan-file.ts';
import { utf8Blocks } from '../../src/report/bytes.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import { renderJson, renderJsonChunks } from '../../src/report/index.ts';
import { hostileResult, scenarioResult, workflowResult } from '../fixtures/report/results.ts';

// The JSON written in pieces (scan -o scan.json) must be byte for byte renderJson's text.
describe('renderJsonChunks', () => {
  const joined = (r: unknown) => [...renderJsonChunks(r as ScanResult)].join('');

  it('joins to exactly renderJson for real results', () => {
    for (const r of [hostileResult(), scenarioResult('demo'), workflowResult()]) expect(joined(r)).toBe(renderJson(r));
  });

  it('keeps JSON.stringify’s rules at the edges', () => {
    const cases: unknown[] = [
      {},
      { a: [] },
      { a: {} },
      { a: undefined, b: () => 1, c: null },
      { results: [1, 'x', null, undefined, { y: [{}, []], z: 'line\nbreak \u2028 “quotes” \u{1F600}' }] },
      { n: [[1, [2]], { deep: { deeper: [] } }], last: 0 },
    ];
    for (const c of cases) expect(joined(c)).toBe(JSON.stringify(c, null, 2) + '\n');
  });

  it('writes an insight as large as the results in pieces too, none of them the whole insight', () => {
    // The who-can insight lists every subject's grants: with a dangerous RoleBinding to system:authenticated in each of
    // 200 namespaces it is about 700 MB of JSON, past the longest string V8 makes (Invalid string length, exit 4), so it
    // must never be one string. 40 subjects × 600 grants here (12 MB); each piece is one batch of grants at most.
    const r = hostileResult();
    const permission = (i: number) => ({ capability: 'exec', namespace: `ns-${i}`, verbs: ['create'], resources: ['pods/exec'], viaGroup: 'system:authenticated', provenance: { binding: { kind: 'RoleBinding', namespace: `ns-${i}`, name: 'edit', builtIn: false, subjectIndex: 0 }, role: { kind: 'ClusterRole', name: 'edit', builtIn: false }, ruleIndex: 0, rule: { verbs: ['create'], apiGroups: [''], resources: ['pods/exec'] } } });
    const subjects = Array.from({ length: 40 }, (_, s) => ({ key: `ServiceAccount:ns-${s}/app`, kind: 'ServiceAccount', name: 'app', namespace: `ns-${s}`, permissions: Array.from({ length: s % 3 ? 600 : 3 }, (_, i) => permission(i)) }));
    const big = { ...r, insights: { ...r.insights, whoCan: { subjects, notes: ['n'] } } };
    const pieces = [...renderJsonChunks(big as unknown as ScanResult)];
    const whole = pieces.join('');
    expect(whole).toBe(renderJson(big as unknown as ScanResult));
    const insightLength = JSON.stringify(big.insights, null, 2).length;
    const longest = Math.max(...pieces.map((p) => p.length));
    // A batch of one subject's grants (about 300 KB): never the whole insight, nor a twentieth of it.
    expect(longest).toBeLessThan(insightLength / 20);
  });

  it('reads such a scan back in pieces too (report, diff): no member is ever one string', () => {
    // `report` and `diff` read a saved scan a top-level member at a time, but each member whole: a who-can insight
    // past 512 MB, which the scan now writes, was an internal error there ("Cannot create a string longer than
    // 0x1fffffe8 characters", exit 4). 80 subjects × 600 grants here (24 MB): read a part at a time, never whole.
    const r = hostileResult();
    const permission = (i: number) => ({ capability: 'exec', namespace: `ns-${i}`, verbs: ['create'], resources: ['pods/exec'], viaGroup: 'system:authenticated', provenance: { binding: { kind: 'RoleBinding', namespace: `ns-${i}`, name: 'edit', builtIn: false, subjectIndex: 0 }, role: { kind: 'ClusterRole', name: 'edit', builtIn: false }, ruleIndex: 0, rule: { verbs: ['create'], apiGroups: [''], resources: ['pods/exec'] } } });
    const subjects = Array.from({ length: 80 }, (_, s) => ({ key: `ServiceAccount:ns-${s}/app"\n`, kind: 'ServiceAccount', name: 'app', namespace: `ns-${s}`, permissions: Array.from({ length: s % 3 ? 600 : 3 }, (_, i) => permission(i)) }));
    const big = { ...r, insights: { ...r.insights, whoCan: { subjects, notes: ['n'], ['__proto__']: { x: 1 }, 'a\": b': [] } } };
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-json-'));
    try {
      const file = join(dir, 'scan.json');
      writeOutput(file, renderJsonChunks(big as unknown as ScanResult));
      const insightLength = JSON.stringify(big.insights, null, 2).length;
      expect(insightLength).toBeGreaterThan(4 * PARSE_WHOLE_MAX);
      let longest = 0;
      const toString = Buffer.prototype.toString;
      const spy = vi.spyOn(Buffer.prototype, 'toString').mockImplementation(function (this: Buffer, ...args: unknown[]) {
        const [, start = 0, end = this.length] = args as [string?, number?, number?];
        longest = Math.max(longest, end - start);
        return toString.apply(this, args as never);
      });
      let read: ScanResult;
      try {
        read = readScan(file);
      } finally {
        spy.mockRestore();
      }
      expect(read).toEqual(JSON.parse(readFileSync(file, 'utf8')));
      expect(Object.keys((read.insights as { whoCan: object }).whoCan)).toEqual(['subjects', 'notes', '__proto__', 'a": b']);
      expect(longest).toBeLessThanOrEqual(PARSE_WHOLE_MAX);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writeOutput writes the pieces as one file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-json-'));
    try {
      const r = hostileResult();
      // Many results: more than one 1 MB block.
      const big = { ...r, results: Array.from({ length: 4000 }, (_, i) => ({ ...r.results[i % r.results.length]!, message: `é${i}`.repeat(40) })) };
      writeOutput(join(dir, 'sub', 'scan.json'), renderJsonChunks(big));
      expect(readFileSync(join(dir, 'sub', 'scan.json'), 'utf8')).toBe(renderJson(big));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writeOutput encodes every piece as Buffer.from would: multi-byte, astral and lone surrogates, pieces larger than a block', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-json-'));
    try {
      const pieces = [
        '{"a": "',
        'é→'.repeat(200_000), // fills most of a block, so the next piece starts a new one
        '😀'.repeat(600_000), // 1.2 M code units: one piece larger than any block
        'a\ud83d', // a pair split between two pieces is still one character
        '\ude00b\ud800', // a lone high surrogate (U+FFFD)…
        'c\udc00', // …and a lone low one
        '\ud800', // a whole piece of one lone high surrogate
        ...Array.from({ length: 3000 }, (_, i) => `${i},`), // many small pieces
        '"}',
        '\ud83d', // and one as the last piece
      ];
      const file = join(dir, 'out.json');
      writeOutput(file, pieces);
      const expected = Buffer.from(pieces.join(''), 'utf8');
      expect(readFileSync(file).equals(expected)).toBe(true);

      // Blocks of at most 1 MB, whatever the pieces: a piece of 1.2 M code units is cut (its surrogate pairs kept whole).
      const blocks: Buffer[] = [];
      for (const b of utf8Blocks(pieces)) blocks.push(Buffer.from(b)); // a copy: each block is a view, valid until the next
      expect(Math.max(...blocks.map((b) => b.length))).toBeLessThanOrEqual(1 << 20);
      expect(Buffer.concat(blocks).equals(expected)).toBe(true);

      // The same pieces to a .gz path: one gzip member of several deflated blocks, whose text is the same bytes.
      writeOutput(`${file}.gz`, pieces);
      const gz = readFileSync(`${file}.gz`);
      expect([...gz.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]);
      expect(gunzipSync(gz).equals(expected)).toBe(true);
      expect(inflateRawSync(gz.subarray(10, -8)).equals(expected)).toBe(true); // one deflate stream, nothing after it
      expect(gz.readUInt32LE(gz.length - 8)).toBe(crc32(expected));
      expect(gz.readUInt32LE(gz.length - 4)).toBe(expected.length);
      expect(gz.length).toBeLessThan(expected.length / 10);
      // Deterministic: no time or name in the header.
      writeOutput(join(dir, 'again.json.gz'), pieces);
      expect(readFileSync(join(dir, 'again.json.gz')).equals(gz)).toBe(true);
      // A string, and nothing at all.
      writeOutput(join(dir, 'one.md.gz'), 'one string');
      expect(gunzipSync(readFileSync(join(dir, 'one.md.gz'))).toString()).toBe('one string');
      writeOutput(join(dir, 'empty.gz'), []);
      expect(gunzipSync(readFileSync(join(dir, 'empty.gz'))).length).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
