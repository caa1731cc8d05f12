import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/engine/result.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { hostileResult, scenarioResult, workflowResult } from '../fixtures/report/results.ts';

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  expect(s, 'no bare & or <').not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)|</i);
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_m, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITY[e]!,
  );
}

/** A strict little XML reader: well-formed elements, quoted attributes, known entities, XML 1.0 characters only. */
function parseXml(xml: string): El {
  expect(xml, 'only XML 1.0 characters').not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const root: El = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const re = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(body))) {
    pos = re.lastIndex;
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) {
      top.text += decode(m[5]);
      continue;
    }
    if (m[1]) {
      expect(top.name, 'closing tag matches').toBe(m[2]);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3]!.matchAll(/([A-Za-z][\w.-]*)="([^"]*)"/g)) {
      expect(attrs[a[1]!], 'no duplicate attribute').toBeUndefined();
      attrs[a[1]!] = decode(a[2]!);
    }
    const el: El = { name: m[2]!, attrs, children: [], text: '' };
    top.children.push(el);
    if (!m[4]) stack.push(el);
  }
  expect(pos, 'the whole document parses').toBe(body.length);
  expect(stack, 'every element closed').toHaveLength(1);
  expect(root.children.filter((c) => c.name !== '#text')).toHaveLength(1);
  return root.children[0]!;
}

function check(result: ScanResult) {
  const xml = renderJunit(result);
  const doc = parseXml(xml);
  expect(doc.name).toBe('testsuites');
  const suites = doc.children.filter((c) => c.name === 'testsuite');
  expect(suites.map((s) => s.attrs.name)).toEqual(result.controls.map((c) => c.id));
  const cases = suites.flatMap((s) => s.children.filter((c) => c.name === 'testcase'));
  const count = (status: string) => result.results.filter((r) => r.status === status).length;
  const has = (name: string) => cases.filter((c) => c.children.some((x) => x.name === name)).length;
  expect(Number(doc.attrs.tests)).toBe(result.results.length);
  expect(cases).toHaveLength(result.results.length);
  expect(Number(doc.attrs.failures)).toBe(count('fail'));
  expect(has('failure')).toBe(count('fail'));
  expect(Number(doc.attrs.errors)).toBe(count('not-assessed'));
  expect(has('error')).toBe(count('not-assessed'));
  // Skipped cases are counted per suite only (xUnit's schema allows no `skipped` on <testsuites>).
  expect(doc.attrs).not.toHaveProperty('skipped');
  expect(suites.reduce((n, s) => n + Number(s.attrs.skipped), 0)).toBe(count('waived') + count('not-applicable'));
  for (const s of suites) {
    const own = s.children.filter((c) => c.name === 'testcase');
    expect(Number(s.attrs.tests)).toBe(own.length);
    expect(Number(s.attrs.failures)).toBe(own.filter((c) => c.children.some((x) => x.name === 'failure')).length);
  }
  return { xml, cases };
}

describe('JUnit XML', () => {
  it('reports the demo scan: one suite per control, one case per checked subject', () => {
    const result = scenarioResult('demo');
    const { cases } = check(result);
    const fail = result.results.find((r) => r.status === 'fail' && r.remediation)!;
    const failure = cases.flatMap((c) => c.children).find((x) => x.name === 'failure' && x.text.includes(`fingerprint: ${fail.fingerprint}`))!;
    expect(failure.attrs.type).toBe(fail.severity);
    expect(failure.text).toContain(fail.remediation);
  });

  it('stays well-formed and verbatim with hostile strings', () => {
    const result = hostileResult();
    const { cases } = check(result);
    const first = result.results.find((r) => r.status === 'fail')!;
    const failure = cases.flatMap((c) => c.children).find((x) => x.name === 'failure' && x.text.includes(first.fingerprint))!;
    // Multi-line attributes keep their line breaks; payload text comes back as written (invisible characters made visible).
    expect(failure.attrs.message).toBe(first.message);
    expect(failure.text).toContain(`remediation:\n${first.remediation}`);
    const skipped = cases.flatMap((c) => c.children).find((x) => x.name === 'skipped' && x.attrs.message!.startsWith('waived by'))!;
    expect(skipped.attrs.message).toContain('owner <script>');
    expect(renderJunit(result)).toContain('\\u{1}\\u{8}\\u{fffe}');
  });

  it('reports waived findings as skipped, with the waiver', () => {
    const result = workflowResult();
    const { cases } = check(result);
    const skipped = cases.flatMap((c) => c.children).filter((x) => x.name === 'skipped' && x.attrs.message!.startsWith('waived by'));
    expect(skipped).toHaveLength(result.results.filter((r) => r.status === 'waived').length);
    expect(skipped[0]!.attrs.message).toContain('platform-team@example.com until 2099-12-31: node agents need host access');
  });
});
