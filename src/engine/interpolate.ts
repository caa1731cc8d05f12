/**
 * Fill `{{name}}` placeholders. Unknown placeholders are an error, so a message
 * or remediation can never ship with a hole in it (tests exercise every
 * control's messages through its fixtures). Output is plain text: renderers
 * escape it for their own context.
 */
export function interpolate(template: string, data: Record<string, unknown>, quote?: (value: string) => string): string {
  // A scan fills the same few templates for every finding: split each once into
  // literal text (even indices) and placeholder names (odd indices).
  const parts = compiled(template);
  if (parts.length === 1) return parts[0]!;
  // Joined once rather than appended piece by piece: `+=` builds a tree of string pieces that a
  // finding holds until its report is written (and that JSON.stringify then copies flat); at
  // 10,000 Pods that was 11 MB more heap after evaluation.
  const out = parts.slice();
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i]!;
    if (!(key in data) || data[key] === undefined) {
      throw new Error(`template placeholder {{${key}}} has no value`);
    }
    const value = String(data[key]);
    out[i] = quote ? quote(value) : value;
  }
  return out.join('');
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const templates = new Map<string, string[]>();

function compiled(template: string): string[] {
  let parts = templates.get(template);
  if (!parts) {
    parts = template.split(PLACEHOLDER); // the capture group puts each name between the texts around it
    if (templates.size >= 2000) templates.clear(); // templates come from control metadata; bound it anyway
    templates.set(template, parts);
  }
  return parts;
}

const SHELL_SAFE = /^[A-Za-z0-9._:/@%+=,-]*$/;

/**
 * Quote a value that came from the cluster for a remediation snippet, which a
 * user may paste into a shell or a YAML file. Plain names (the usual case)
 * stay as they are; anything else — `$(…)`, spaces, quotes, `;` — becomes one
 * single-quoted word, which both a POSIX shell and YAML read literally.
 * Control characters (newlines, bidirectional overrides) are shown as
 * `\u{…}` escapes so the snippet cannot look different from what it does.
 */
export function quoteForSnippet(value: string): string {
  if (value !== '' && SHELL_SAFE.test(value)) return value; // the usual case; nothing to make visible either
  const visible = value.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  if (visible !== '' && SHELL_SAFE.test(visible)) return visible;
  return `'${visible.replace(/'/g, `'\\''`)}'`;
}

/** Placeholders a template uses. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]!);
}

/** A template as a person reads it, where no subject fills it (rule help, `explain`): `{{name}}` shown as `<name>`. */
export function placeholdersShown(template: string): string {
  return template.replace(PLACEHOLDER, '<$1>');
}
