import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/engine/result.ts';
import { SEVERITY_WEIGHTS } from '../../src/engine/score.ts';
import Handlebars from 'handlebars';
import { showInvisible } from '../../src/report/escape.ts';
import { OPEN_FINDINGS_LIMIT, STATIC_ROWS, asciiJson, renderHtml, renderHtmlChunks } from '../../src/report/html.ts';
import { jsonForScript } from '../../src/report/escape.ts';
import { render } from '../../src/report/index.ts';
import { buildView } from '../../src/report/view.ts';
import { PAYLOADS, REPO, findingCount, hostileResult, scenarioResult, workflowResult } from '../fixtures/report/results.ts';

/** How the template (Handlebars' {{…}}) escapes text. */
const escapeHtml = (s: string) => Handlebars.Utils.escapeExpression(s);

function scripts(html: string): { attrs: string; body: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({ attrs: m[1]!, body: m[2]! }));
}

function tags(html: string): string[] {
  // Text outside <script> and <style>; escaped payloads contain no raw <, so this finds every real tag.
  const outside = html.replace(/<script[^>]*>[\s\S]*?<\/script>/gi, '').replace(/<style[^>]*>[\s\S]*?<\/style>/gi, '');
  return [...outside.matchAll(/<[a-zA-Z!/][^>]*>/g)].map((m) => m[0]);
}

describe('HTML report: hostile strings', () => {
  let result: ScanResult;
  let html: string;
  beforeAll(() => {
    result = hostileResult();
    html = renderHtml(result);
  });

  it('holds exactly our two script elements: the JSON island and the report script', () => {
    const s = scripts(html);
    expect(s).toHaveLength(2);
    expect(s[0]!.attrs).toBe(' type="application/json" id="report-data"');
    expect(s[1]!.attrs).toBe('');
    expect(s[1]!.body).toBe(readFileSync(`${REPO}templates/report.js`, 'utf8'));
    expect(html.match(/<script/gi)).toHaveLength(2);
  });

  it('pins that script by hash in a Content Security Policy that allows no network access', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const hash = createHash('sha256').update(scripts(html)[1]!.body, 'utf8').digest('base64');
    // The attribute value is entity-escaped (base64 '=' as &#x3D;); the browser decodes it before reading the policy.
    expect(csp).toContain(`script-src 'sha256-${escapeHtml(hash)}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|https?:/);
  });

  it('creates no element, attribute or link from cluster text', () => {
    const all = tags(html);
    const names = new Set(all.map((t) => /^<\/?([a-zA-Z0-9!-]+)/.exec(t)![1]!.toLowerCase()));
    for (const bad of ['img', 'iframe', 'object', 'embed', 'base', 'form-action', 'link', 'math']) expect(names.has(bad)).toBe(false);
    for (const t of all) {
      expect(t).not.toMatch(/\son[a-z]+\s*=/i);
      const href = /\shref="([^"]*)"/.exec(t)?.[1];
      if (href !== undefined) expect(href).toMatch(/^(#[A-Za-z0-9_-]+|https:\/\/[^\s"]+)$/);
    }
    // SVG appears only as our charts.
    expect(all.filter((t) => t.startsWith('<svg')).every((t) => t.includes('class="chart"'))).toBe(true);
  });

  it('shows every payload as text', () => {
    for (const p of PAYLOADS) {
      if (p.includes('\n')) continue; // folded or wrapped differently per context; covered in the browser test
      expect(html).toContain(escapeHtml(showInvisible(p)));
    }
    // Template syntax from the cluster is printed, never evaluated.
    expect(html).toContain('{{constructor.constructor(&#x27;window.__pwned&#x3D;');
  });

  it('round-trips cluster strings through the JSON island', () => {
    const island = scripts(html)[0]!.body;
    expect(island).not.toMatch(/[<>\u2028\u2029]/);
    const data = JSON.parse(island) as { facets: { namespaces: string[] } };
    const expected = [...new Set(result.results.filter((r) => r.status === 'fail' || r.status === 'waived').map((r) => showInvisible(r.subject.namespace ?? '')))].sort();
    expect(data.facets.namespaces).toEqual(expected);
  });

  it('lists every finding once, with its evidence and a remediation snippet', () => {
    expect(html.match(/<tbody class="finding"/g)).toHaveLength(findingCount(result));
    expect(html.match(/<button class="copy" type="button" hidden>Copy<\/button>/g)).toHaveLength(findingCount(result));
    for (const r of result.results.filter((x) => x.status === 'fail')) {
      expect(html).toContain(`id="f-${r.fingerprint}"`);
    }
  });

  it('shows waivers with owner, reason and expiry', () => {
    const section = /<section id="waivers"[\s\S]*?<\/section>/.exec(html)![0];
    expect(section).toContain(escapeHtml(`owner ${PAYLOADS[0]}`));
    expect(section).toContain(escapeHtml(`reason ${PAYLOADS[8]}`));
    expect(section).toContain(escapeHtml(`2027-01-01 ${PAYLOADS[1]}`));
    // Every waiver given, matched or not, expired ones flagged.
    expect(section).toContain('<caption>Waivers given to the scan</caption>');
    expect(section).toContain(`<code>${escapeHtml(`w-${PAYLOADS[2]}`)}</code>`);
    expect(section).toContain(escapeHtml(`lapsed ${PAYLOADS[1]}`));
    expect(section).toMatch(/<td class="nowrap">2020-01-01<\/td><td><span class="st st-fail">expired<\/span><\/td><td class="num">0<\/td>/);
  });

  it('shows not-assessed controls with the reason and the permission that would fix them', () => {
    const section = /<section id="not-assessed"[\s\S]*?<\/section>/.exec(html)![0];
    expect(section).toContain('x-not-assessed');
    expect(section).toContain(escapeHtml(`list ${PAYLOADS[0]} (cluster-wide)`));
    expect(section).toContain('whole control');
  });

  it('renders insights present, says which were skipped and why, and never drops an unknown one', () => {
    const who = /<section id="insight-whoCan"[\s\S]*?<\/section>/.exec(html)![0];
    expect(who).toContain(escapeHtml(`crb ${PAYLOADS[4]}`));
    expect(who).toContain('all namespaces');
    const net = /<section id="insight-networkIsolation"[\s\S]*?<\/section>/.exec(html)![0];
    expect(net).toContain(`Skipped: could not read ${escapeHtml(PAYLOADS[1])}`);
    expect(html).toContain('id="insight-customInsight"');
  });

  it('renders a psaPosture of another shape (an edited or older scan.json) with the generic tables, without failing', () => {
    for (const broken of [{ warnings: 5 }, { workloads: [{ subject: { kind: 1, name: 'x' }, reasons: 'r' }] }]) {
      const odd = structuredClone(result);
      const insight = odd.insights!.psaPosture as { namespaces: { baseline: unknown; levels: Record<string, unknown>[] }[] };
      Object.assign(insight.namespaces[0]!.levels[1]!, broken);
      const page = renderHtml(odd);
      expect(page).toContain('id="insight-psaPosture"');
      expect(page).not.toContain('<caption>What each level would refuse, workload by workload</caption>');
    }
    const odd = structuredClone(result);
    (odd.insights!.psaPosture as { namespaces: { baseline: unknown }[] }).namespaces[0]!.baseline = 3;
    expect(() => renderHtml(odd)).not.toThrow();
  });

  it('lists what each Pod Security level would refuse, workload by workload, and the API server\'s answer', () => {
    const psa = /<section id="insight-psaPosture"[\s\S]*?<\/section>/.exec(html)![0];
    const rows = (caption: string) => {
      const table = new RegExp(`<caption>${caption}</caption>[\\s\\S]*?</table>`).exec(psa)?.[0] ?? '';
      return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!));
    };
    const esc = (s: string) => escapeHtml(showInvisible(s));
    expect(rows('What each level would refuse, workload by workload')).toEqual([
      [`<code>${esc(`Deployment ns-psa-${PAYLOADS[0]}/psa-app-${PAYLOADS[2]}`)}</code>`, 'restricted @latest (v1.37)', esc(`runAsNonRoot != true ${PAYLOADS[3]}`), '1'],
      [`<code>${esc(`Pod ns-psa-${PAYLOADS[0]}/psa-stray-${PAYLOADS[6]} (of ReplicaSet ns-psa-${PAYLOADS[0]}/psa-rs-${PAYLOADS[7]}, which passes)`)}</code>`, 'restricted @latest (v1.37)', esc(`seccompProfile ${PAYLOADS[8]}`), '1'],
    ]);
    const answer = rows('What the API server answers when the enforce label is raised');
    expect(answer).toHaveLength(1);
    expect(answer[0]![2]!.split('<br>')).toEqual([
      esc(`existing pods in namespace "ns-psa-${PAYLOADS[0]}" violate the new PodSecurity enforce level "restricted:latest"`),
      esc(`psa-pod-${PAYLOADS[5]}: runAsNonRoot != true`),
      esc(`psa-stray-${PAYLOADS[6]}: seccompProfile ${PAYLOADS[8]}`),
    ]);
    const namespaces = rows('Namespaces: the levels set, and what enforcing each level would refuse');
    expect(namespaces[0]![0]).toBe(`<code>${esc(`ns-psa-${PAYLOADS[0]}`)}</code>`);
    expect(namespaces[0]![5]).toBe('1 workload, 2 pods refused');
    expect(psa).toContain(esc(`"latest" is v1.37 ${PAYLOADS[9]} on this cluster.`));
  });

  it('is deterministic and leaves its input untouched', () => {
    const before = structuredClone(result);
    expect(render(result, 'html')).toBe(html);
    expect(result).toEqual(before);
  });
});

describe('HTML report: the demo scan', () => {
  let result: ScanResult;
  let html: string;
  beforeAll(() => {
    result = scenarioResult('demo');
    html = renderHtml(result);
  });

  it('has every section an auditor expects, reachable from the table of contents', () => {
    for (const id of ['summary', 'scoring', 'framework', 'namespaces', 'areas', 'insight-whoCan', 'insight-networkIsolation', 'findings', 'waivers', 'not-assessed', 'passing', 'metadata']) {
      expect(html).toContain(`<section id="${id}"`);
      expect(html).toContain(`href="#${id}"`);
    }
  });

  it('puts the score, grade and a link to the formula in the summary', () => {
    const summary = /<section id="summary"[\s\S]*?<\/section>/.exec(html)![0];
    expect(summary).toContain(`data-score="${result.summary.score}"`);
    expect(summary).toContain(`grade-${result.summary.grade}`);
    expect(summary).toContain('<a href="#scoring">How the score is computed</a>');
    for (const [sev, n] of Object.entries(result.summary.failedBySeverity)) {
      expect(summary).toMatch(new RegExp(`<div class="kpi sev-${sev}"><div class="n">${n}</div>`));
    }
    expect(summary.match(/<svg class="chart"/g)).toHaveLength(4);
  });

  it('explains the score with the engine\'s own weights', () => {
    const scoring = /<section id="scoring"[\s\S]*?<\/section>/.exec(html)![0];
    for (const [sev, w] of Object.entries(SEVERITY_WEIGHTS)) expect(scoring).toMatch(new RegExp(`sev-${sev}">${sev}</span></td><td class="num">${w}</td>`));
  });

  it('lists top risks worst first, failing controls only', () => {
    const risks = [.../<ol class="risks">([\s\S]*?)<\/ol>/.exec(html)![1]!.matchAll(/href="#c-([a-z0-9-]+)"/g)].map((m) => m[1]!);
    expect(risks.length).toBeGreaterThan(0);
    expect(risks.length).toBeLessThanOrEqual(5);
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const sev = risks.map((id) => rank.indexOf(result.controls.find((c) => c.id === id)!.severity));
    expect([...sev].sort((a, b) => a - b)).toEqual(sev);
    for (const id of risks) expect(result.controls.find((c) => c.id === id)!.status).toBe('fail');
  });

  it('maps every CIS-citing control into the framework view, manual and not-assessed ones included', () => {
    const framework = /<section id="framework"[\s\S]*?<\/section>/.exec(html)![0];
    for (const c of result.controls) {
      for (const cis of c.references.cis ?? []) {
        expect(framework).toMatch(new RegExp(`<tr><td>${cis.replace(/\./g, '\\.')}</td><td><a href="#c-${c.id}">`));
      }
    }
  });

  it('lists each namespace of the scan with its score', () => {
    const ns = /<section id="namespaces"[\s\S]*?<\/section>/.exec(html)![0];
    for (const [name, s] of Object.entries(result.summary.byNamespace)) {
      expect(ns).toContain(`<tr><td><a href="#findings" data-filter="f-namespace" data-value="${name}" title="Show these findings">${name}</a></td><td class="num">${s.score ?? 'n/a'}</td>`);
    }
  });

  it('shows scan metadata', () => {
    const meta = /<section id="metadata"[\s\S]*?<\/section>/.exec(html)![0];
    for (const v of ['acme-prod', 'acme-prod-eu1', 'v1.37.2', 'system:serviceaccount:k8s-audit:scanner', '2026-01-01T00:00:00.000Z', '1.2 s', 'k8s-audit']) expect(meta).toContain(v);
  });

  it('opens findings when there are few, folds them when there are many', () => {
    expect(html).toMatch(/<details open>\s*<summary><span class="sev/);
    const big = structuredClone(result);
    const fail = big.results.find((r) => r.status === 'fail' && r.subject.namespace && r.subject.kind !== 'Namespace')!;
    for (let i = big.results.length; findingCount(big) <= OPEN_FINDINGS_LIMIT; i++) {
      big.results.push({ ...fail, subject: { ...fail.subject, name: `copy-${i}` }, fingerprint: `copy${i}` });
    }
    const large = renderHtml(big);
    expect(large).not.toMatch(/<details open>\s*<summary><span class="sev/);
    expect(large).toContain('<div class="page large">');
    // Markup: the first STATIC_ROWS findings of each control, and a note saying how many more there are.
    const perControl = new Map<string, number>();
    for (const r of big.results) if (r.status === 'fail' || r.status === 'waived') perControl.set(r.controlId, (perControl.get(r.controlId) ?? 0) + 1);
    const inMarkup = [...perControl.values()].reduce((a, n) => a + Math.min(n, STATIC_ROWS), 0);
    expect(large.match(/<tbody class="finding"/g)).toHaveLength(inMarkup);
    const [id, most] = [...perControl.entries()].sort((a, b) => b[1] - a[1])[0]!;
    expect(large).toContain(`<p class="more-rows" data-control="${id}"><span class="more-note">Showing the first ${STATIC_ROWS} of ${most} findings`);
    // Data: every finding, as a positional row, gzipped and base64-encoded in a data block of its own.
    const s = scripts(large);
    expect(s.map((x) => x.attrs)).toEqual([' type="application/json" id="report-data"', ' type="application/octet-stream" id="report-rows" data-encoding="gzip+base64"', '']);
    const island = JSON.parse(s[0]!.body) as { staticRows: number; findingCount: number; rows?: unknown };
    expect(island).toMatchObject({ staticRows: STATIC_ROWS, findingCount: findingCount(big) });
    expect(island.rows).toBeUndefined();
    expect(s[1]!.body).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const rowsText = gunzipSync(Buffer.from(s[1]!.body, 'base64')).toString('utf8');
    expect(rowsText).toMatch(/^[\x20-\x7e]*$/); // ASCII: the browser decodes it faster
    const rows = JSON.parse(rowsText) as Record<string, string[][]>;
    expect(Object.values(rows).reduce((a, r) => a + r.length, 0)).toBe(findingCount(big));
    const first = rows[fail.controlId]!.find((row) => row[0] === `f-${fail.fingerprint}`)!;
    expect(first.slice(1, 4)).toEqual([fail.status, fail.subject.namespace, `${fail.subject.kind} ${fail.subject.namespace}/${fail.subject.name}`]);
    // Hostile text survives the packing as it was.
    const view = buildView(big);
    const hostileRow = view.failing.flatMap((c) => c.findings).find((f) => /[<>"'&\u2028]/.test(f.message))!;
    expect(hostileRow).toBeDefined();
    expect(Object.values(rows).flat().find((r) => r[0] === hostileRow.anchor)![6]).toBe(hostileRow.message);
    // Written in pieces (the rows a block at a time), it is byte for byte the one-string report.
    const pieces = [...renderHtmlChunks(big)];
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join('')).toBe(large);
    expect(s[0]!.body).toBe(jsonForScript(JSON.parse(s[0]!.body)));
  });
});

describe('HTML report: waivers and a baseline, as the CLI workflow applies them', () => {
  const result = workflowResult();
  const html = renderHtml(result);

  it('lists waived findings and every waiver given, expired ones flagged', () => {
    const section = /<section id="waivers"[\s\S]*?<\/section>/.exec(html)![0];
    const waived = result.results.filter((r) => r.status === 'waived');
    expect(waived.length).toBeGreaterThan(0);
    for (const r of waived) expect(section).toContain(`href="#f-${r.fingerprint}"`);
    expect(section).toContain('platform-team@example.com');
    expect(section).toContain('OPS-1234');
    expect(section).toMatch(/waivers\.yaml#2[\s\S]*?<span class="st st-fail">expired<\/span>/);
    // The expired waiver fails under its own control, like any finding.
    expect(html).toContain('id="c-waiver-expired"');
  });

  it('marks new findings and lists what the baseline had that is now fixed', () => {
    const b = result.baseline!;
    expect(b.new).toBeGreaterThanOrEqual(2);
    const findings = /<section id="findings"[\s\S]*?<\/section>/.exec(html)![0];
    expect(findings.match(/<span class="tag tag-new">new<\/span>/g)).toHaveLength(result.results.filter((r) => r.change === 'new').length);
    const changes = /<section id="changes"[\s\S]*?<\/section>/.exec(html)![0];
    expect(changes).toContain('retired-app');
    expect(changes).toContain('<code>baseline.json</code>');
    expect(html).toContain(`Since the baseline scan of 2025-12-01T00:00:00.000Z: <strong>${b.new} new</strong>`);
    expect(/<section id="metadata"[\s\S]*?<\/section>/.exec(html)![0]).toContain('baseline.json, scan of 2025-12-01T00:00:00.000Z');
  });
});

describe('asciiJson', () => {
  it('escapes every character beyond ASCII and parses back to the same value', () => {
    const values: unknown[] = [
      'plain',
      ['é', '—→', '😀', 'a\ud83d', '\ude00b', '\u2028\u2029', '\u0000\u001f\u007f\u0080', '中文', '\uffff'],
      { 'ключ': 'значение', nested: [{ '😀': '\ud800' }] },
      Array.from({ length: 200 }, (_, i) => String.fromCharCode(i * 331 % 0xffff)),
    ];
    for (const v of values) {
      const json = asciiJson(JSON.stringify(v));
      expect(json).toMatch(/^[\x00-\x7f]*$/);
      expect(JSON.parse(json)).toEqual(v);
    }
    const ascii = JSON.stringify({ a: 'only ascii' });
    expect(asciiJson(ascii)).toBe(ascii);
  });
});
