/**
 * readBaseline (src/cli/scan-file.ts): an earlier scan read a piece at a time, findings
 * only, must give exactly what the whole file parsed and compacted gives — and the same
 * comparison — for files as k8s-audit writes them; any other layout is read whole.
 */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactBaseline, readBaseline, readPretty, readScan } from '../../src/cli/scan-file.ts';
import { writeOutput } from '../../src/cli/output.ts';
import { applyBaseline } from '../../src/engine/diff.ts';
import { allControls } from '../../src/engine/registry.ts';
import type { ScanResult } from '../../src/engine/result.ts';
import { applyWaivers, parseWaivers } from '../../src/engine/waivers.ts';
import { renderJsonChunks } from '../../src/report/index.ts';
import { evaluateSnapshot } from '../../src/scan.ts';
import { scenarioSnapshot } from '../helpers/snapshot.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir('k8s-audit-baseline-');
let n = 0;

function written(result: ScanResult): string {
  const file = join(tmp, `scan-${++n}.json`);
  writeOutput(file, renderJsonChunks(result));
  return file;
}

const scanOf = (scenario: string, at: string) => evaluateSnapshot(scenarioSnapshot(scenario), { controls: allControls(), passes: 'count' }, new Date(at));
const demo = scanOf('demo', '2026-03-01T00:00:00Z');
const hostile = scanOf('hostile', '2026-03-01T00:00:00Z');

describe('readBaseline', () => {
  it('reads a file k8s-audit wrote piece by piece, to what parsing it whole and compacting gives', () => {
    // Findings whose text holds what the layout scan looks for: escaped newlines, indentation, braces, quotes.
    const tricky: ScanResult = structuredClone(demo);
    const f = tricky.results.find((r) => r.status === 'fail')!;
    f.message = 'line one\n    }\n  "results": [\n    {"x": 1}\n  ]\n}';
    f.subject = { ...f.subject, name: 'name-with-"quotes"-and-\\-and-é' };
    const firstFail = hostile.results.find((r) => r.status === 'fail')!;
    const waiverYaml = `waivers:\n- control: ${firstFail.controlId}\n  subject: {kind: '*'}\n  owner: security\n  reason: accepted for the test\n  expires: 2099-01-01\n`;
    const waived = applyWaivers(hostile, parseWaivers(waiverYaml, 'w.yaml'), new Date('2026-03-01T00:00:00Z'));
    for (const result of [demo, hostile, tricky, waived, { ...demo, results: [] }]) {
      const file = written(result);
      const text = readFileSync(file, 'utf8');
      const whole = compactBaseline(JSON.parse(text) as ScanResult);
      const pieces = readPretty(readFileSync(file), file);
      expect(pieces, 'the piecewise reading applies').toBeDefined();
      expect(pieces).toEqual(whole);
      expect(readBaseline(file)).toEqual(whole);
      // Only findings, and nothing a comparison does not read.
      expect(whole.results.every((r) => r.status === 'fail' || r.status === 'waived')).toBe(true);
      expect(whole.results.every((r) => r.remediation === undefined && r.data === undefined)).toBe(true);
    }
    expect(compactBaseline(waived).results.some((r) => r.status === 'waived')).toBe(true);
    expect(compactBaseline(demo).results.length).toBeGreaterThan(20);
  });

  it('keeps one subject object per subject, and never merges two that differ', () => {
    // Memory, not meaning: a --history run holds the baseline while it scans (see Shared in scan-file.ts).
    const odd: ScanResult = structuredClone(demo);
    const fails = odd.results.filter((r) => r.status === 'fail');
    const bySubject = new Map<string, number>();
    for (const r of fails) bySubject.set(JSON.stringify(r.subject), (bySubject.get(JSON.stringify(r.subject)) ?? 0) + 1);
    const repeated = [...bySubject].find(([, n]) => n >= 2)![0];
    // Same kind, namespace and name, but written with one more field: a different subject as far as the file says.
    const twin = fails.filter((r) => JSON.stringify(r.subject) === repeated)[1]!;
    twin.subject = { ...twin.subject, extra: 'x' } as typeof twin.subject;
    const file = written(odd);
    for (const read of [readBaseline(file), compactBaseline(JSON.parse(readFileSync(file, 'utf8')) as ScanResult)]) {
      const subjects = new Map<string, Set<object>>();
      for (const r of read.results) {
        const key = JSON.stringify(r.subject);
        if (!subjects.has(key)) subjects.set(key, new Set());
        subjects.get(key)!.add(r.subject);
      }
      expect([...subjects.values()].every((objects) => objects.size === 1)).toBe(true);
      expect(subjects.size).toBe(new Set(read.results.map((r) => JSON.stringify(r.subject))).size);
      expect(subjects.size).toBeLessThan(read.results.length);
      expect(read.results.some((r) => (r.subject as { extra?: string }).extra === 'x')).toBe(true);
    }
  });

  it('readScan parses such a file a piece at a time to exactly what JSON.parse gives, and any other layout whole', () => {
    const tricky: ScanResult = structuredClone(demo);
    tricky.results.find((r) => r.status === 'fail')!.message = 'a\n    }\n  "x": [\n    {\n  ]\n}';
    for (const result of [demo, hostile, tricky, { ...demo, results: [] }]) {
      const file = written(result);
      expect(readScan(file)).toStrictEqual(JSON.parse(readFileSync(file, 'utf8')));
    }
    const odd = join(tmp, 'proto.json');
    writeFileSync(odd, JSON.stringify({ ...JSON.parse(readFileSync(written(demo), 'utf8')), ['__proto__']: { polluted: true } }, null, 2));
    const parsed = readScan(odd) as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(parsed.polluted).toBeUndefined();
  });

  it('gives the same comparison as the whole earlier scan', () => {
    const after = scanOf('demo', '2026-03-02T00:00:00Z');
    // Some findings fixed (dropped from the earlier scan's point of view) and some new (dropped from the later one).
    const before: ScanResult = { ...demo, results: demo.results.filter((_, i) => i % 7 !== 3) };
    const later: ScanResult = { ...after, results: after.results.filter((_, i) => i % 5 !== 1) };
    const fromFile = applyBaseline(later, readBaseline(written(before)), 'b.json');
    const fromWhole = applyBaseline(later, before, 'b.json');
    expect(fromFile).toEqual(fromWhole);
    expect(fromWhole.baseline!.new).toBeGreaterThan(0);
    expect(fromWhole.baseline!.fixed.length + fromWhole.baseline!.notReassessed.length).toBeGreaterThan(0);
  });

  it('reads any other layout whole (minified, reordered), and refuses what is not a scan as readScan does', () => {
    const file = join(tmp, 'minified.json');
    writeFileSync(file, JSON.stringify(demo));
    expect(readPretty(readFileSync(file), file)).toBeUndefined();
    expect(readBaseline(file)).toEqual(compactBaseline(demo));
    const indented4 = join(tmp, 'indented4.json');
    writeFileSync(indented4, JSON.stringify(demo, null, 4));
    expect(readBaseline(indented4)).toEqual(compactBaseline(demo));
    const truncated = join(tmp, 'truncated.json');
    const text = readFileSync(written(demo), 'utf8');
    writeFileSync(truncated, text.slice(0, text.length / 2) + '\n}\n');
    expect(() => readBaseline(truncated)).toThrow(/is not JSON/);
    const other = join(tmp, 'other.json');
    writeFileSync(other, JSON.stringify({ hello: 'world' }, null, 2));
    expect(() => readBaseline(other)).toThrow(/is not a k8s-audit scan result/);
    const future = join(tmp, 'future.json');
    writeOutput(future, renderJsonChunks({ ...demo, schemaVersion: '99.0' }));
    expect(() => readBaseline(future)).toThrow(/has schemaVersion 99\.0/);
    expect(() => readBaseline(join(tmp, 'missing.json'))).toThrow(/no such file/);
  });

  it('reads an earlier scan past V8\'s longest string (512 MB), as a --history run at 50,000 Pods writes one', () => {
    // Written as k8s-audit lays it out, one finding repeated, a megabyte at a time (never one string here either).
    const text = readFileSync(written({ ...demo, results: [demo.results.find((r) => r.status === 'fail')!] }), 'utf8');
    const open = text.indexOf('\n    {', text.indexOf('\n  "results": ['));
    const close = text.indexOf('\n    }', open) + 6;
    const [head, element, tail] = [text.slice(0, open), text.slice(open, close), text.slice(close)];
    const file = join(tmp, 'large.json');
    const fd = openSync(file, 'w');
    let count = 0;
    try {
      writeSync(fd, head);
      const perBlock = Math.ceil((1 << 20) / (element.length + 1));
      const block = Array.from({ length: perBlock }, () => element).join(',');
      while (count * (element.length + 1) < 540_000_000) {
        writeSync(fd, (count ? ',' : '') + block);
        count += perBlock;
      }
      writeSync(fd, tail);
    } finally {
      closeSync(fd);
    }
    try {
      expect(() => readFileSync(file, 'utf8')).toThrow(/Cannot create a string longer than/); // what reading it whole did
      const baseline = readBaseline(file);
      expect(baseline.results).toHaveLength(count);
      expect(baseline.results[count - 1]).toEqual(compactBaseline({ ...demo, results: [demo.results.find((r) => r.status === 'fail')!] }).results[0]);
    } finally {
      rmSync(file, { force: true });
    }
  }, 120_000);
});
