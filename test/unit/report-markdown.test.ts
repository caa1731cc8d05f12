import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/engine/result.ts';
import { renderMarkdown, renderMarkdownChunks } from '../../src/report/markdown.ts';
import { findingCount, hostileResult, scenarioResult, workflowResult } from '../fixtures/report/results.ts';
import { prose, separators, tables } from '../helpers/markdown.ts';

function structure(md: string) {
  it('keeps every table row to its header\'s cells, on one line', () => {
    const ts = tables(md);
    expect(ts.length).toBeGreaterThan(5);
    for (const t of ts) {
      expect(t.length, t[0]).toBeGreaterThanOrEqual(2);
      expect(t[1]).toMatch(/^\|(\s*:?-{3,}:?\s*\|)+$/);
      const n = separators(t[0]!);
      for (const row of t) expect(separators(row), row).toBe(n);
    }
  });

  it('lets through only its own HTML tags', () => {
    for (const line of prose(md)) {
      for (const m of line.matchAll(/<[^>]*>?/g)) {
        expect(m[0], line).toMatch(/^(<\/?details>|<\/?summary>|<br>|<a id="[a-z0-9-]+">|<\/a>|<https:\/\/[^\s<>]+>)$/);
      }
    }
  });

  it('links in the page only to anchors it has', () => {
    const anchors = new Set([...md.matchAll(/<a id="([a-z0-9-]+)">/g)].map((m) => m[1]));
    // Headings are anchors too (GitHub's slugs of "## Not assessed" and the like).
    for (const m of md.matchAll(/^#{1,6} (.+)$/gm)) anchors.add(m[1]!.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-'));
    const targets = [...md.matchAll(/\]\(#([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((t) => !anchors.has(t))).toEqual([]);
  });

  it('opens and closes every collapsible section', () => {
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
    expect((md.match(/<summary>/g) ?? []).length).toBe((md.match(/<\/summary>/g) ?? []).length);
  });

  it('has only its own headings', () => {
    const headings = prose(md).filter((l) => /^ {0,3}#{1,6}(\s|$)/.test(l));
    for (const h of headings) expect(h).toMatch(/^(# Kubernetes security audit: |## |### )/);
    expect(headings.filter((h) => h.startsWith('# '))).toHaveLength(1);
  });
}

describe('Markdown report: hostile strings', () => {
  const result: ScanResult = hostileResult();
  const md = renderMarkdown(result);
  structure(md);

  it('shows payloads as inert text', () => {
    const text = prose(md).join('\n');
    expect(text).not.toContain('<script');
    expect(text).not.toContain('<img');
    expect(text).not.toMatch(/\]\(javascript:/);
    expect(md).toContain('&lt;script&gt;');
    // A newline inside a name is folded into a visible mark, never a new line.
    expect(md).toContain('line1 ⏎ line2');
    expect(text).not.toMatch(/^\s*#+ not a heading/m);
    // Bidi overrides are shown, not obeyed.
    expect(md).not.toContain('\u202e');
    expect(md).toContain('\\\\u\\{202e\\}');
  });

  it('gives GitHub\'s renderer (cmark-gfm, with its autolink extension) no link from cluster text', () => {
    const payload = 'mail user@evil.com, xmpp:foo@evil.com, mailto:a@b.co, www.evil.com/x, https://evil.example/x, [t](https://evil.example/y)';
    const hostile = hostileResult();
    hostile.results = hostile.results.map((r) => (r.status === 'fail' || r.status === 'waived' ? { ...r, message: payload, subject: { ...r.subject, name: payload } } : r));
    let html: string;
    try {
      html = execFileSync('cmark-gfm', ['-e', 'table', '-e', 'autolink', '-e', 'strikethrough'], { input: renderMarkdown(hostile), encoding: 'utf8' });
    } catch (err) {
      throw new Error(`cmark-gfm, GitHub's Markdown engine, is needed for this test (apt-get install cmark-gfm; .ci/run installs it): ${(err as Error).message}`);
    }
    expect(html).toContain('evil.com');
    const own = new Set(hostile.controls.flatMap((c) => c.references.links ?? []));
    const links = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((h) => !h.startsWith('#') && !own.has(h))).toEqual([]);
  });

  it('lists every finding, the waiver and the not-assessed control', () => {
    const findings = md.slice(md.indexOf('## Findings'), md.indexOf('## Waivers'));
    const rows = tables(findings).flatMap((t) => t.slice(2));
    expect(rows).toHaveLength(findingCount(result));
    const waivers = md.slice(md.indexOf('## Waivers'), md.indexOf('## Not assessed'));
    expect(tables(waivers)[0]).toHaveLength(3);
    expect(waivers).toContain('owner &lt;script&gt;');
    const given = tables(waivers)[1]!;
    expect(given).toHaveLength(4);
    expect(given[3]).toMatch(/\| 2020\\-01\\-01 \| expired \| 0 \|$/);
    const na = md.slice(md.indexOf('## Not assessed'), md.indexOf('## Passing'));
    expect(na).toContain('`x-not-assessed`');
    expect(na).toContain('whole control');
  });

  it('says which insights were skipped', () => {
    expect(md).toMatch(/## Network isolation per namespace\n\n[^\n]*\n\n> Skipped\\: could not read/);
  });

  it('is deterministic', () => {
    expect(renderMarkdown(result)).toBe(md);
  });
});

describe('Markdown report: the demo scan', () => {
  const result = scenarioResult('demo');
  const md = renderMarkdown(result);
  structure(md);

  it('has the same sections as the HTML report', () => {
    for (const h of ['## Executive summary', '### Top risks', '## How the score is computed', '## CIS Kubernetes Benchmark v1.12', '## By namespace', '## By area', '## RBAC\\: who can do what', '## Network isolation per namespace', '## Findings', '## Waivers', '## Not assessed', '## Passing and not-applicable controls', '## Collection']) {
      expect(md).toContain(`\n${h}\n`);
    }
    expect(md).toContain(`Score ${result.summary.score} / 100 — grade ${result.summary.grade}`);
    expect(md).toContain('[how it is computed](#how-the-score-is-computed)');
  });

  it('links each top risk to its control\'s findings', () => {
    const risks = [...md.matchAll(/^1\. \*\*\w+\*\* \[[^\]]+\]\(#(c-[a-z0-9-]+)\)/gm)].map((m) => m[1]!);
    expect(risks.length).toBeGreaterThan(0);
    for (const a of risks) expect(md).toContain(`<a id="${a}"></a>`);
  });
});

describe('Markdown report: the hostile scenario', () => {
  const result = scenarioResult('hostile');
  const md = renderMarkdown(result);
  structure(md);

  it('lists every finding', () => {
    const findings = md.slice(md.indexOf('## Findings'), md.indexOf('## Waivers'));
    expect(tables(findings).flatMap((t) => t.slice(2))).toHaveLength(findingCount(result));
  });
});

describe('Markdown report: waivers and a baseline', () => {
  const result = workflowResult();
  const md = renderMarkdown(result);
  structure(md);

  it('shows the waivers given, new findings and the fixed ones', () => {
    const waivers = md.slice(md.indexOf('## Waivers'), md.indexOf('## Changes since the baseline'));
    expect(tables(waivers)[0]!.length - 2).toBe(result.results.filter((r) => r.status === 'waived').length);
    expect(tables(waivers)[1]!.length - 2).toBe(result.waivers!.length);
    expect(md).toContain('[Changes since the baseline](#changes-since-the-baseline)');
    const changes = md.slice(md.indexOf('## Changes since the baseline'), md.indexOf('## Not assessed'));
    expect(changes).toContain('retired\\-app');
    expect((md.match(/ \*\*new\*\* /g) ?? []).length).toBe(result.results.filter((r) => r.change === 'new').length);
  });
});

describe('Markdown report: written in pieces', () => {
  it('a section per failing control, no marker left, blank-line runs collapsed across the pieces', () => {
    for (const result of [scenarioResult('demo'), hostileResult(), workflowResult()]) {
      const pieces = [...renderMarkdownChunks(result)];
      const text = pieces.join('');
      expect(text).toBe(renderMarkdown(result));
      const failing = result.controls.filter((c) => c.status === 'fail').length;
      expect(failing).toBeGreaterThan(0);
      expect(pieces.length).toBeGreaterThan(failing);
      expect(text).not.toContain('\u0000');
      expect(text).not.toMatch(/\n{3,}/);
      expect(text.match(/^### /gm)?.length ?? 0).toBeGreaterThanOrEqual(failing);
    }
  });
});
