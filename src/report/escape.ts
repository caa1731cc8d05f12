/**
 * Escaping for the contexts reports put cluster text in. Everything that came
 * from the cluster — names, labels, annotations, images, RBAC subject names —
 * goes through one of these; templates never print such text raw.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;' };

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"'`=]/g, (c) => HTML[c]!);
}

/** Bidirectional controls and other invisible characters that could make text read differently than it is. */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const HAS_INVISIBLE = new RegExp(INVISIBLE.source);

export function showInvisible(s: string): string {
  // Almost no text has any: a test first spares replace() its per-call set-up (0.2 s over the findings of M's reports).
  return HAS_INVISIBLE.test(s) ? s.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`) : s;
}

/**
 * A message as one line a terminal shows as text: errors and progress may quote what a server sent (a Status
 * message, the start of a body, a version), so control characters and escape sequences are made visible and line
 * breaks folded.
 */
export function oneLine(message: string): string {
  return showInvisible(message.replace(/\r\n|\r|\n/g, ' ⏎ '));
}

/**
 * Inline Markdown (GitHub-flavoured), safe inside table cells and raw-HTML
 * element content such as <summary>: `& < >` as entities (no tag can open),
 * Markdown punctuation backslash-escaped (so `|` cannot split a cell, `[`
 * cannot start a link, `:` cannot complete an autolink, and `#`, `-`, `+`,
 * `.` cannot start a block), newlines folded to a visible ⏎. GitHub's autolink
 * extension finds e-mail addresses (and `mailto:`, `xmpp:`) in text after its
 * escapes are undone, so a word joiner (U+2060, invisible) follows every `@`:
 * `user@evil.com` from the cluster is never a link. `$` becomes `&#36;`:
 * GitHub and GitLab render text between two dollar signs as math (`echo $HOME
 * $PATH` in a container's command), a backslash before `$` is not honoured by
 * every one of their renderers, and a character reference can never act as a
 * delimiter (CommonMark: references cannot stand for structure). Quotes stay as
 * they are: Markdown gives them no meaning, and an escaped `&#39;` would show
 * literally once its `#` is backslash-escaped.
 */
export function escapeMarkdown(s: unknown): string {
  return showInvisible(String(s ?? ''))
    .replace(/\r\n|\r|\n/g, ' ⏎ ')
    .replace(/[&<>]/g, (c) => HTML[c]!)
    .replace(/[\\`*_{}[\]()#+\-.!|~:]/g, (c) => `\\${c}`)
    .replace(/@/g, '@\u2060')
    .replace(/\$/g, '&#36;');
}

/** Inline code span holding any text: the fence is longer than any backtick run inside. */
export function markdownCode(s: unknown): string {
  const text = showInvisible(String(s ?? '')).replace(/\r\n|\r|\n/g, ' ⏎ ');
  if (text === '') return '';
  // In a table cell a raw | ends the cell even inside code; GFM allows \| there.
  const cellSafe = text.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...cellSafe.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = cellSafe.startsWith('`') || cellSafe.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${cellSafe}${pad}${fence}`;
}

/** A fenced code block holding any text (remediation snippets). */
export function markdownFence(s: unknown, lang = ''): string {
  const text = showInvisible(String(s ?? ''));
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

/**
 * JSON to embed in an inline `<script type="application/json">` element: `<`,
 * `>` and `&` become \u escapes, so no `</script>` or `<!--` can end or bend
 * the element, and U+2028/U+2029 (line terminators to older JavaScript
 * parsers) are escaped too. JSON.parse reads the result back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Characters XML 1.0 cannot carry at all (not even as references): shown as visible escapes instead. */
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text for XML element content and double- or single-quoted attribute values. */
export function escapeXml(s: unknown): string {
  return showInvisible(String(s ?? ''))
    .replace(XML_INVALID, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`)
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** An XML attribute value that keeps its line breaks and tabs (attribute normalisation would turn them into spaces). */
export function escapeXmlAttr(s: unknown): string {
  return escapeXml(s).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
