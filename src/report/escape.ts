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
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function showInvisible(s: string): string {
  return s.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/**
 * Inline Markdown (GitHub-flavoured), safe inside table cells: HTML escaped,
 * Markdown punctuation backslash-escaped (so `|` cannot split a cell and `[`
 * cannot start a link), newlines folded to a visible ⏎.
 */
export function escapeMarkdown(s: unknown): string {
  return showInvisible(String(s ?? ''))
    .replace(/\r\n|\r|\n/g, ' ⏎ ')
    .replace(/[&<>"']/g, (c) => HTML[c]!)
    .replace(/[\\`*_{}[\]()#+\-.!|~:]/g, (c) => `\\${c}`);
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
