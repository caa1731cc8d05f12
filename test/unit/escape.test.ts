import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, escapeXml, escapeXmlAttr, jsonForScript, markdownCode, markdownFence, showInvisible } from '../../src/report/escape.ts';
import { PAYLOADS } from '../fixtures/report/results.ts';

describe('escapeHtml', () => {
  it('leaves no character that can open a tag, end an attribute or start an entity', () => {
    for (const p of PAYLOADS) {
      const out = escapeHtml(p);
      expect(out).not.toMatch(/[<>"'`]/);
      // Every & starts one of the entities we emit.
      expect(out.replace(/&(amp|lt|gt|quot|#39|#96|#61);/g, '')).not.toContain('&');
    }
    expect(escapeHtml('<a href="x">O\'Neil & co</a>')).toBe('&lt;a href&#61;&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;');
    expect(escapeHtml(undefined)).toBe('');
  });
});

describe('showInvisible', () => {
  it('makes bidi overrides, isolates, zero-width and line separators visible', () => {
    expect(showInvisible('a\u202Eb\u2066c\u200Bd\u2028e\u0000f')).toBe('a\\u{202e}b\\u{2066}c\\u{200b}d\\u{2028}e\\u{0}f');
    expect(showInvisible('日本語 ñ 🔥')).toBe('日本語 ñ 🔥');
  });
});

describe('jsonForScript', () => {
  it('round-trips through JSON.parse', () => {
    const value = { payloads: [...PAYLOADS], nested: { '</script>': '<!--' } };
    expect(JSON.parse(jsonForScript(value))).toEqual(value);
  });

  it('cannot close the script element, open a comment, or break a line', () => {
    const out = jsonForScript({ a: '</script><script>x()</script>', b: '<!--', c: 'x\u2028y\u2029z', d: 'a&b' });
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(out).toContain('\\u003c/script\\u003e');
    expect(out).toContain('\\u2028');
    expect(out).toContain('\\u0026');
  });
});

describe('escapeXml', () => {
  it('escapes markup and replaces characters XML 1.0 cannot carry', () => {
    const out = escapeXml('a <b> & "c" \'d\' \u0001 \uFFFE \uD800 end');
    expect(out).toBe("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; \\u{1} \\u{fffe} \\u{d800} end");
    // Paired surrogates (emoji) are valid and kept.
    expect(escapeXml('🔥')).toBe('🔥');
  });

  it('keeps line breaks in attributes as character references', () => {
    expect(escapeXmlAttr('a\nb\tc')).toBe('a&#10;b&#9;c');
  });
});

describe('Markdown escaping', () => {
  it('keeps a table cell one cell on one line', () => {
    for (const p of PAYLOADS) {
      const out = escapeMarkdown(p);
      expect(out).not.toMatch(/\n|\r/);
      // No unescaped pipe, backtick, bracket or angle bracket survives.
      expect(out).not.toMatch(/(^|[^\\])[|`[\]<>]/);
    }
    expect(escapeMarkdown('a|b\nc')).toBe('a\\|b ⏎ c');
  });

  it('keeps dollar signs from delimiting math (GitHub and GitLab render $…$ as math)', () => {
    const out = escapeMarkdown('sh -c echo $HOME $PATH');
    expect(out).not.toContain('$');
    expect(out).toBe('sh \\-c echo &#36;HOME &#36;PATH');
    // The reference is not taken apart by the escapes before it: no backslash lands inside it.
    expect(escapeMarkdown('$#')).toBe('&#36;\\#');
  });

  it('shows quotes as they are (an entity would print literally once its # is escaped)', () => {
    expect(escapeMarkdown(`host's "x"`)).toBe(`host's "x"`);
  });

  it('wraps code spans in a fence longer than any backtick run inside', () => {
    expect(markdownCode('a ``b`` c')).toBe('```a ``b`` c```');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
    expect(markdownCode('a|b')).toBe('`a\\|b`');
    expect(markdownCode('')).toBe('');
  });

  it('fences blocks with more backticks than the content holds', () => {
    const out = markdownFence('before\n````\nafter');
    expect(out.startsWith('`````\n')).toBe(true);
    expect(out.endsWith('\n`````')).toBe(true);
  });
});
