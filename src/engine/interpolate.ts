/**
 * Fill `{{name}}` placeholders. Unknown placeholders are an error, so a message
 * or remediation can never ship with a hole in it (tests exercise every
 * control's messages through its fixtures). Output is plain text: renderers
 * escape it for their own context.
 */
export function interpolate(template: string, data: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, key: string) => {
    if (!(key in data) || data[key] === undefined) {
      throw new Error(`template placeholder {{${key}}} has no value`);
    }
    return String(data[key]);
  });
}

/** Placeholders a template uses. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]!);
}
