/**
 * The HTML report in a real browser: Debian's Chromium driven by
 * playwright-core (no browser download; .ci/run installs /usr/bin/chromium).
 * Reports are rendered from scan results built from the scenario manifests
 * (no cluster needed) and opened from file://, as an auditor would.
 *
 * Set K8S_AUDIT_SCREENSHOT=<file.png> to also save the demo summary screenshot
 * the README shows.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Result, ScanResult } from '../../src/engine/result.ts';
import { summarize } from '../../src/engine/run.ts';
import { showInvisible } from '../../src/report/escape.ts';
import { OPEN_FINDINGS_LIMIT, STATIC_ROWS, renderHtml } from '../../src/report/html.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { buildView, subjectLabel } from '../../src/report/view.ts';
import { findingCount, hostileResult, scenarioResult } from '../fixtures/report/results.ts';

// Callbacks given to page.evaluate run in the browser. The project compiles without the DOM library
// (so that Node code cannot use browser globals by mistake); these module-local declarations type them loosely.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
declare const document: any;
declare const navigator: any;
declare const DOMParser: any;
declare const getComputedStyle: any;
type HTMLElement = any;
type HTMLOptionElement = any;
type HTMLDetailsElement = any;

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  dir = mkdtempSync(join(tmpdir(), 'k8s-audit-report-'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  context: BrowserContext;
  url: string;
  dialogs: string[];
  errors: string[];
  requests: string[];
  blocked: string[];
  csp: () => Promise<string[]>;
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function open(file: string, opts: { js?: boolean; withoutDecompression?: boolean } = {}): Promise<Opened> {
  const context = await browser.newContext({ javaScriptEnabled: opts.js ?? true, viewport: { width: 1280, height: 900 } });
  const url = pathToFileURL(file).href;
  const o: Opened = { page: undefined as unknown as Page, context, url, dialogs: [], errors: [], requests: [], blocked: [], csp: async () => [] };
  // Anything but the report itself would be a network request: record it and refuse it.
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    o.blocked.push(u);
    return route.abort();
  });
  context.on('request', (r) => o.requests.push(r.url()));
  const page = await context.newPage();
  o.page = page;
  page.on('dialog', (d) => {
    o.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') o.errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => o.errors.push(`pageerror: ${e.message}`));
  if (opts.js !== false) {
    // Runs before the page's own scripts (injected by the driver, so CSP does not apply to it).
    await page.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string; blockedURI: string }) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    o.csp = () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    // An older browser: no DecompressionStream.
    if (opts.withoutDecompression) await page.addInitScript(() => delete (window as unknown as { DecompressionStream?: unknown }).DecompressionStream);
  }
  await page.goto(url, { waitUntil: 'load' });
  return o;
}

/** `scripts`: the report script and its data blocks (a large report has a second one, its packed rows). */
async function expectInert(o: Opened, scripts = 2) {
  const p = o.page;
  expect(await p.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(o.dialogs).toEqual([]);
  expect(o.errors).toEqual([]);
  expect(await o.csp()).toEqual([]);
  expect(o.blocked).toEqual([]);
  expect([...new Set(o.requests)]).toEqual([o.url]);
  const dom = await p.evaluate(() => {
    const all = [...document.querySelectorAll('*')];
    return {
      scripts: document.scripts.length,
      media: document.querySelectorAll('img, iframe, object, embed, video, audio, link, base, form[action], meta[http-equiv="refresh"]').length,
      handlers: all.filter((e) => [...e.attributes].some((a) => a.name.toLowerCase().startsWith('on'))).map((e) => e.outerHTML.slice(0, 80)),
      jsLinks: [...document.querySelectorAll('[href]')].map((e) => e.getAttribute('href')!).filter((h) => !/^(#|https:\/\/)/.test(h)),
      svgs: [...document.querySelectorAll('svg')].filter((s) => !s.classList.contains('chart')).length,
    };
  });
  expect(dom).toEqual({ scripts, media: 0, handlers: [], jsLinks: [], svgs: 0 });
}

/** Open every section and every remediation, and run every filter value: hostile text reaches the DOM in every way the script puts it there. */
async function exercise(p: Page) {
  await p.evaluate(() => document.querySelectorAll('details').forEach((d: HTMLDetailsElement) => (d.open = true)));
  for (const id of ['#f-severity', '#f-area', '#f-namespace', '#f-status']) {
    const values = await p.$$eval(`${id} option`, (os) => os.map((o) => (o as HTMLOptionElement).value));
    for (const v of values) await p.selectOption(id, v);
    await p.selectOption(id, values[0]!);
  }
  await p.fill('#f-search', '<script>');
  await p.fill('#f-search', '');
  await p.click('#f-reset');
}

describe('hostile scan results', () => {
  it('the hostile scenario\'s report runs no script from the cluster and makes no request', async () => {
    const result = scenarioResult('hostile');
    const o = await open(write('hostile-scenario.html', renderHtml(result)));
    await expectInert(o);
    await exercise(o.page);
    await expectInert(o);
    expect(await o.page.locator('#findings tbody.finding').count()).toBe(findingCount(result));
    await o.context.close();
  });

  it('a payload in every printed field stays text, shown verbatim', async () => {
    const result = hostileResult();
    const o = await open(write('hostile-synthetic.html', renderHtml(result)));
    await expectInert(o);
    await exercise(o.page);
    await expectInert(o);
    const p = o.page;
    // As text reaches the DOM: invisible characters made visible; the HTML parser turns CR LF and CR into LF.
    const shown = (s: string) => showInvisible(s).replace(/\r\n?/g, '\n');
    for (const r of result.results.filter((x) => x.status === 'fail')) {
      const row = p.locator(`[id="f-${r.fingerprint}"] > tr`).first();
      expect(await row.locator('td').nth(0).textContent()).toBe(shown(subjectLabel(r)));
      expect(await row.locator('td').nth(2).textContent()).toBe(shown(r.message));
      expect(await p.locator(`[id="f-${r.fingerprint}"] pre.snippet`).textContent()).toBe(shown(r.remediation!));
    }
    const options = await p.$$eval('#f-namespace option', (os) => os.map((x) => x.textContent));
    for (const r of result.results.filter((x) => x.status === 'fail' && x.subject.namespace)) expect(options).toContain(showInvisible(r.subject.namespace!)); // set by the script: no parser normalisation
    expect(await p.locator('#metadata').textContent()).toContain(shown(result.scan.identity!.username));
    await o.context.close();
  });

  it('JUnit XML with hostile text parses in the browser\'s XML parser', async () => {
    const o = await open(write('blank.html', '<!doctype html><title>x</title>'));
    for (const result of [hostileResult(), scenarioResult('hostile')]) {
      const xml = renderJunit(result);
      const parsed = await o.page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'application/xml');
        return { error: doc.querySelector('parsererror')?.textContent ?? null, cases: doc.querySelectorAll('testcase').length, failures: doc.querySelectorAll('failure').length };
      }, xml);
      expect(parsed).toEqual({ error: null, cases: result.results.length, failures: result.results.filter((r) => r.status === 'fail').length });
    }
    await o.context.close();
  });
});

describe('the demo report', () => {
  let result: ScanResult;
  let file: string;
  let o: Opened;
  beforeAll(async () => {
    result = scenarioResult('demo');
    file = write('demo.html', renderHtml(result));
    o = await open(file);
  });
  afterAll(async () => {
    await o?.context.close();
  });
  beforeEach(async () => {
    // Each test starts from an unfiltered report, whatever the one before left behind.
    await o.page.click('#f-reset');
  });

  const visibleRows = () =>
    o.page.$$eval('#findings tbody.finding', (rows) =>
      rows
        .filter((r) => !r.hidden && !(r.closest('article') as HTMLElement).hidden)
        .map((r) => ({ severity: r.dataset.severity, area: r.dataset.area, namespace: r.dataset.namespace, status: r.dataset.status, text: `${r.closest('article').dataset.search} ${r.textContent}`.toLowerCase() })),
    );
  const count = () => o.page.textContent('#f-count');

  it('renders its summary with score, grade and charts, offline', async () => {
    const p = o.page;
    await expectInert(o);
    expect(await p.title()).toContain('acme-prod');
    expect(await p.locator('.scorecard .score').getAttribute('data-score')).toBe(String(result.summary.score));
    expect(await p.locator('.scorecard .grade').textContent()).toBe(result.summary.grade);
    expect(await p.locator('#summary svg.chart').count()).toBe(4);
    for (const svg of await p.locator('#summary svg.chart').all()) expect((await svg.boundingBox())!.height).toBeGreaterThan(20);
    expect(await p.locator('ol.risks li').count()).toBe(Math.min(5, result.controls.filter((c) => c.status === 'fail').length));
    if (process.env.K8S_AUDIT_SCREENSHOT) {
      await p.locator('#summary').screenshot({ path: process.env.K8S_AUDIT_SCREENSHOT });
    }
  });

  it('filters by severity, area, namespace and status', async () => {
    const p = o.page;
    const findings = buildView(result).findings;
    expect(await count()).toBe(`${findings.length} findings`);
    for (const [select, key] of [
      ['#f-severity', 'severity'],
      ['#f-area', 'area'],
      ['#f-namespace', 'namespace'],
      ['#f-status', 'status'],
    ] as const) {
      const values = (await p.$$eval(`${select} option`, (os) => os.map((x) => (x as HTMLOptionElement).value))).slice(1);
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) {
        await p.selectOption(select, v);
        const rows = await visibleRows();
        const expected = findings.filter((f) => f[key] === v).length;
        expect(rows.length, `${select}=${v}`).toBe(expected);
        expect(rows.every((r) => r[key] === v)).toBe(true);
        expect(await count()).toBe(`${expected} of ${findings.length} findings`);
      }
      await p.click('#f-reset');
    }
    // Combined: critical findings in team-legacy.
    await p.selectOption('#f-severity', 'critical');
    await p.selectOption('#f-namespace', 'team-legacy');
    expect((await visibleRows()).length).toBe(findings.filter((f) => f.severity === 'critical' && f.namespace === 'team-legacy').length);
    await p.click('#f-reset');
    expect((await visibleRows()).length).toBe(findings.length);
  });

  it('says on paper which filters a printout was made with, and how many findings it leaves out', async () => {
    const p = o.page;
    const line = p.locator('#f-print');
    const printed = async () => {
      await p.emulateMedia({ media: 'print' });
      const text = (await line.isVisible()) ? await line.textContent() : null;
      await p.emulateMedia({ media: 'screen' });
      return text;
    };
    const total = findingCount(result);
    expect(await printed()).toBe(null);
    const findings = buildView(result).findings;
    const ns = findings.find((f) => f.severity === 'high' && f.namespace)!.namespace;
    await p.selectOption('#f-namespace', ns);
    await p.selectOption('#f-severity', 'high');
    const shown = findings.filter((f) => f.namespace === ns && f.severity === 'high').length;
    expect(await line.isVisible()).toBe(false); // on screen the filter bar says it
    expect(await printed()).toBe(`Filtered by severity high, namespace ${ns}: this printout shows ${shown} of the ${total} findings; the other ${total - shown} are not printed.`);
    await p.click('#f-reset');
    expect(await printed()).toBe(null);
  });

  it('filters the findings to a namespace or an area from their score tables', async () => {
    const p = o.page;
    const findings = buildView(result).findings;
    await p.click('#namespaces a[data-value="team-legacy"]');
    expect(await p.inputValue('#f-namespace')).toBe('team-legacy');
    const rows = await visibleRows();
    expect(rows.length).toBe(findings.filter((f) => f.namespace === 'team-legacy').length);
    expect(rows.every((r) => r.namespace === 'team-legacy')).toBe(true);
    await p.click('#areas a[data-value="rbac"]');
    expect(await p.inputValue('#f-namespace')).toBe('__all');
    expect((await visibleRows()).length).toBe(findings.filter((f) => f.area === 'rbac').length);
  });

    it('searches names, fields and messages', async () => {
    const p = o.page;
    const findings = buildView(result).findings;
    // Terms taken from the findings themselves (the control set grows): an object name, a field path
    // segment, and two words from different fields in upper case (search is case-insensitive, words AND-ed).
    const withPath = findings.find((f) => f.path.includes('.'))!;
    const terms = [
      findings[0]!.name,
      withPath.path.split('.').slice(-1)[0]!,
      `${findings[findings.length - 1]!.name.toUpperCase()} ${findings[findings.length - 1]!.controlId.split('-')[0]!.toUpperCase()}`,
    ];
    for (const term of terms) {
      await p.fill('#f-search', term);
      const words = term.toLowerCase().split(' ');
      const expected = findings.filter((f) => {
        const text = [f.controlId, f.controlTitle, f.subject, f.path, f.container, f.message, f.observed, f.expected, f.remediation, f.status].join(' ').toLowerCase();
        return words.every((w) => text.includes(w));
      }).length;
      expect(expected, term).toBeGreaterThan(0);
      const rows = await visibleRows();
      expect(rows.length, term).toBe(expected);
      expect(rows.every((r) => words.every((w) => r.text.includes(w)))).toBe(true);
    }
    await p.fill('#f-search', 'no-such-thing-anywhere');
    expect(await visibleRows()).toEqual([]);
    expect(await p.locator('#f-none').isVisible()).toBe(true);
    await p.click('#f-reset');
    expect(await p.locator('#f-none').isVisible()).toBe(false);
    expect((await visibleRows()).length).toBe(findings.length);
  });

  it('has a working copy button on every remediation snippet', async () => {
    const p = o.page;
    const withRemediation = buildView(result).findings.filter((f) => f.remediation).length;
    expect(await p.locator('button.copy:visible').count()).toBe(0); // inside folded remediation
    await p.evaluate(() => document.querySelectorAll('details.fix').forEach((d: HTMLDetailsElement) => (d.open = true)));
    expect(await p.locator('button.copy:visible').count()).toBe(withRemediation);
    await o.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const button = p.locator('button.copy').first();
    const snippet = await p.locator('pre.snippet').first().textContent();
    await button.click();
    await expect.poll(() => button.textContent()).toBe('Copied');
    expect(await p.evaluate(() => navigator.clipboard.readText())).toBe(snippet);
    await expectInert(o);
  });

  it('applies its print stylesheet', async () => {
    const p = o.page;
    const styles = () =>
      p.evaluate(() => {
        const d = (s: string) => getComputedStyle(document.querySelector(s)!).display;
        return { toc: d('nav.toc'), filters: d('#filters'), copy: d('button.copy'), fixSummary: d('details.fix > summary'), body: getComputedStyle(document.body).fontSize };
      });
    const screen = await styles();
    expect(screen.toc).not.toBe('none');
    expect(screen.filters).not.toBe('none');
    await p.emulateMedia({ media: 'print' });
    expect(await styles()).toEqual({ toc: 'none', filters: 'none', copy: 'none', fixSummary: 'none', body: '14px' });
    const pdf = await p.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(50_000);
    await p.emulateMedia({ media: 'screen' });
  });

  it('shows every finding without JavaScript, and no filters', async () => {
    const off = await open(file, { js: false });
    const p = off.page;
    const visible = await p.$$eval('#findings tbody.finding', (rows) => rows.filter((r) => (r as HTMLElement).offsetParent !== null && r.getBoundingClientRect().height > 0).length);
    expect(visible).toBe(findingCount(result));
    expect(await p.locator('#filters').isVisible()).toBe(false);
    expect(await p.locator('button.copy:visible').count()).toBe(0);
    expect(await p.locator('#summary svg.chart').count()).toBe(4);
    expect(off.requests).toEqual([off.url]);
    await off.context.close();
  });
});

describe('a report with thousands of findings', () => {
  /** The demo scan, its workload findings repeated across 150 namespaces: a cluster of thousands of workloads. */
  function bigResult(n: number): ScanResult {
    const r = scenarioResult('demo');
    const base = r.results.filter((x) => x.subject.namespace && x.subject.kind !== 'Namespace');
    const out: Result[] = [...r.results];
    for (let i = 0; out.length < n; i++) {
      const b = base[i % base.length]!;
      // Every third one new since a baseline, as a --history run marks them.
      out.push({ ...b, subject: { ...b.subject, namespace: `team-${i % 150}`, name: `${b.subject.name}-${i}` }, fingerprint: `big${i}`, ...(i % 3 === 0 ? { change: 'new' as const } : {}) });
    }
    r.results = out;
    r.summary = summarize(r.controls, r.results);
    return r;
  }

  it('says on paper how many findings of each control a printout leaves out', async () => {
    const result = bigResult(8_000);
    expect(findingCount(result)).toBeGreaterThan(OPEN_FINDINGS_LIMIT);
    const view = buildView(result);
    const largest = [...view.failing].sort((a, b) => b.findings.length - a.findings.length)[0]!;
    const n = largest.findings.length;
    expect(n).toBeGreaterThan(STATIC_ROWS + 100);
    const o = await open(write('big-print.html', renderHtml(result)));
    const p = o.page;
    await p.locator('#filters').waitFor({ state: 'visible', timeout: 20_000 });
    const ctl = p.locator(`article[data-id="${largest.id}"]`);
    const note = ctl.locator('.print-note');
    const printed = async () => {
      await p.emulateMedia({ media: 'print' });
      await p.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      const seen = { rows: await ctl.locator('tbody.finding:visible').count(), note: (await note.isVisible()) ? await note.textContent() : null };
      await p.evaluate(() => window.dispatchEvent(new Event('afterprint')));
      await p.emulateMedia({ media: 'screen' });
      return seen;
    };
    expect(await note.isVisible()).toBe(false); // on screen, the "Show more" button says it
    expect(await printed()).toEqual({ rows: STATIC_ROWS, note: expect.stringContaining(`This printout shows the first ${STATIC_ROWS} of the ${n} findings of this control; the other ${n - STATIC_ROWS} are not printed`) });
    await ctl.locator('summary').first().click();
    await ctl.locator('button.more-button').click();
    expect(await printed()).toEqual({ rows: STATIC_ROWS + 100, note: expect.stringContaining(`the first ${STATIC_ROWS + 100} of the ${n} findings`) });
    // A control whose findings are all in the page prints no such line.
    const small = view.failing.find((c) => c.findings.length <= STATIC_ROWS)!;
    await p.emulateMedia({ media: 'print' });
    expect(await p.locator(`article[data-id="${small.id}"] .print-note`).isVisible()).toBe(false);
    await p.emulateMedia({ media: 'screen' });
    await o.context.close();
  }, 60_000);

  it('opens in a few seconds, pages and filters from its data, and still shows the first findings without JavaScript', async () => {
    const result = bigResult(60_000);
    const total = findingCount(result);
    expect(total).toBeGreaterThan(OPEN_FINDINGS_LIMIT * 5);
    const html = renderHtml(result);
    const file = write('big.html', html);
    // The rows travel packed: a fraction of their JSON (which the unit tests check is whole).
    expect(html.length).toBeLessThan(JSON.stringify(result.results).length / 5);
    const t0 = Date.now();
    const o = await open(file);
    const p = o.page;
    await p.locator('#filters').waitFor({ state: 'visible', timeout: 20_000 }); // once the rows are unpacked
    const loadMs = Date.now() - t0;
    expect(loadMs).toBeLessThan(10_000);
    expect(await p.locator('#f-unpack').isHidden()).toBe(true); // the "Loading … findings" line, once they are in
    await expectInert(o, 3);
    expect(await p.textContent('#f-count')).toBe(`${total} findings`);

    // Page in more rows of the largest control.
    const view = buildView(result);
    const largest = [...view.failing].sort((a, b) => b.findings.length - a.findings.length)[0]!;
    const ctl = p.locator(`article[data-id="${largest.id}"]`);
    await ctl.locator('summary').first().click();
    expect(await ctl.locator('tbody.finding').count()).toBe(STATIC_ROWS);
    await ctl.locator('button.more-button').click();
    expect(await ctl.locator('tbody.finding').count()).toBe(Math.min(largest.findings.length, STATIC_ROWS + 100));
    // Paged-in rows carry the same evidence and a copy button.
    const last = largest.findings[STATIC_ROWS + 5]!;
    expect(await p.locator(`[id="${last.anchor}"] td`).first().textContent()).toBe(last.subject);
    expect(await p.locator(`[id="${last.anchor}"] button.copy`).count()).toBe(last.remediation ? 1 : 0);
    // …and the "new" tag of a finding a baseline did not have, as the rows in the page do.
    const paged = largest.findings.slice(STATIC_ROWS, STATIC_ROWS + 100);
    expect(paged.some((f) => f.change === 'new') && paged.some((f) => f.change !== 'new')).toBe(true);
    const tagged = await p.$$eval('#findings tbody.finding', (rows) => rows.filter((r) => r.querySelector('.tag-new')).map((r) => r.id));
    expect(paged.filter((f) => f.change === 'new').every((f) => tagged.includes(f.anchor))).toBe(true);
    expect(paged.filter((f) => f.change !== 'new').some((f) => tagged.includes(f.anchor))).toBe(false);

    // Filters count over all findings, not just those in the DOM.
    await p.selectOption('#f-namespace', 'team-7');
    const inNs = view.findings.filter((f) => f.namespace === 'team-7').length;
    expect(await p.textContent('#f-count')).toBe(`${inNs} of ${total} findings`);
    await p.fill('#f-search', 'log-shipper');
    const expected = view.findings.filter((f) => f.namespace === 'team-7' && [f.subject, f.path, f.message, f.remediation].join(' ').toLowerCase().includes('log-shipper')).length;
    await expect.poll(() => p.textContent('#f-count')).toBe(`${expected} of ${total} findings`);
    const rows = await p.$$eval('#findings tbody.finding', (els) => els.filter((e) => !(e.closest('article') as HTMLElement).hidden).map((e) => e.getAttribute('data-namespace')));
    expect(rows.length).toBe(Math.min(expected, rows.length));
    expect(rows.every((ns) => ns === 'team-7')).toBe(true);
    // The severity filter goes by each finding's own severity: a finding may be raised or lowered from its control's.
    await p.click('#f-reset');
    expect(view.findings.some((f) => f.ownSeverity !== '')).toBe(true);
    for (const sev of ['critical', 'high', 'medium', 'low']) {
      await p.selectOption('#f-severity', sev);
      await expect.poll(() => p.textContent('#f-count')).toBe(`${view.findings.filter((f) => f.severity === sev).length} of ${total} findings`);
    }
    await expectInert(o, 3);
    await o.context.close();

    // A browser without DecompressionStream: the static rows and their notes, no filters, no error.
    const old = await open(file, { withoutDecompression: true });
    await old.page.waitForTimeout(500);
    expect(await old.page.locator('#filters').isVisible()).toBe(false);
    expect(await old.page.textContent('#f-unpack')).toBe(
      `This browser could not unpack the findings for searching and filtering: each control shows its first ${STATIC_ROWS} (all of them are in the Markdown report and in scan.json).`,
    );
    expect(await old.page.locator('#f-unpack').isVisible()).toBe(true);
    await old.page.locator(`article[data-id="${largest.id}"] summary`).first().click();
    expect(await old.page.locator(`article[data-id="${largest.id}"] tbody.finding`).count()).toBe(STATIC_ROWS);
    expect(await old.page.locator(`article[data-id="${largest.id}"] .more-note`).isVisible()).toBe(true);
    await expectInert(old, 3);
    await old.context.close();

    // Rows that do not unpack (a damaged file): the same, and the line says so.
    const damaged = write('damaged.html', html.replace(/(id="report-rows"[^>]*>)[^<]{100}/, '$1' + 'A'.repeat(100)));
    const d = await open(damaged);
    await expect.poll(() => d.page.textContent('#f-unpack')).toMatch(/^This browser could not unpack the findings/);
    expect(await d.page.locator('#filters').isVisible()).toBe(false);
    await d.context.close();

    const off = await open(file, { js: false });
    expect(await off.page.locator('p.more-rows .more-note').first().isVisible()).toBe(false); // folded with its control
    await off.page.locator(`article[data-id="${largest.id}"] summary`).first().click();
    expect(await off.page.locator(`article[data-id="${largest.id}"] .more-note`).textContent()).toContain(`Showing the first ${STATIC_ROWS} of ${largest.findings.length} findings`);
    await off.context.close();
  }, 120_000);
});
