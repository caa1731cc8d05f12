// Reading GitHub-flavoured Markdown the way GitHub does, for the Markdown reports' tests.
import { expect } from 'vitest';

/** Cell separators of a GFM table row: `|` not escaped by a backslash (GFM splits cells on these even inside code spans). */
export function separators(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') n++;
  }
  return n;
}

/** Consecutive lines starting with `|`, outside fenced code. */
export function tables(md: string): string[][] {
  const out: string[][] = [];
  let fence: string | undefined;
  let current: string[] | undefined;
  for (const line of md.split('\n')) {
    const f = /^(`{3,})/.exec(line)?.[1];
    if (f && (fence === undefined || f === fence)) {
      fence = fence === undefined ? f : undefined;
      current = undefined;
      continue;
    }
    if (fence === undefined && line.startsWith('|')) {
      if (!current) out.push((current = []));
      current.push(line);
    } else current = undefined;
  }
  expect(fence, 'every code fence is closed').toBeUndefined();
  return out;
}

/** The Markdown with fenced blocks and inline code spans removed: what GFM parses as prose and markup. */
export function prose(md: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const f = /^(`{3,})/.exec(line)?.[1];
    if (f && (fence === undefined || f === fence)) {
      fence = fence === undefined ? f : undefined;
      continue;
    }
    if (fence === undefined) out.push(line.replace(/(`+)[\s\S]*?\1/g, '`code`'));
  }
  return out;
}
