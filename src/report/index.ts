import type { ScanResult } from '../engine/result.ts';
import { renderHtml, renderHtmlChunks } from './html.ts';
import { prettyJsonChunksAt } from './json-chunks.ts';
import { renderJunit, renderJunitChunks } from './junit.ts';
import { renderMarkdown, renderMarkdownChunks } from './markdown.ts';
import { renderSarif, renderSarifChunks } from './sarif.ts';
import { renderSummary } from './summary.ts';
import { renderTable } from './table.ts';

export const FORMATS = ['table', 'json', 'md', 'html', 'sarif', 'junit', 'summary'] as const;
export type Format = (typeof FORMATS)[number];

/** File extension per format, for `report.<ext>` in an output directory (json goes to scan.json). */
export const EXTENSIONS: Record<Format, string> = { table: 'txt', json: 'json', md: 'md', html: 'html', sarif: 'sarif', junit: 'junit.xml', summary: 'summary.md' };

export function renderJson(result: ScanResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}

/**
 * renderJson's text in pieces whose concatenation is byte for byte the same, so that
 * a large result can be written without ever being one string (at 10,000 Pods the
 * JSON is about 200 MB, twice that in memory as a string). Top-level arrays (the
 * results) come a batch of elements per piece.
 */
const JSON_BATCH = 500;
// (json-chunks.ts prettyJsonChunks does this for any document; a ScanResult's largest arrays (results, passes) sit at the top
// level, and this walk is about a fifth faster there: measured at 10,000 Pods, same bytes.)

export function* renderJsonChunks(result: ScanResult): Generator<string> {
  if (typeof (result as { toJSON?: unknown }).toJSON === 'function') {
    yield renderJson(result);
    return;
  }
  let first = true;
  for (const key of Object.keys(result)) {
    const value = (result as unknown as Record<string, unknown>)[key];
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue; // as JSON.stringify skips them
    yield `${first ? '{\n' : ',\n'}  ${JSON.stringify(key)}: `;
    first = false;
    if (Array.isArray(value) && value.length > 0 && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
      // Stringify a batch of elements under the same key, so that JSON.stringify itself indents
      // them as they sit in the whole document, and keep only the elements' text.
      const head = `{\n  ${JSON.stringify(key)}: [\n`;
      for (let i = 0; i < value.length; i += JSON_BATCH) {
        const text = JSON.stringify({ [key]: value.slice(i, i + JSON_BATCH) }, null, 2);
        // The separator on its own: prefixed to the batch it would make a cons string, which the writer must flatten
        // (copying it into fresh memory: about 0.3 s for the 130 MB of results at 10,000 Pods). A slice is written as it is.
        yield i === 0 ? '[\n' : ',\n';
        yield text.slice(head.length, text.length - '\n  ]\n}'.length);
      }
      yield '\n  ]';
    } else {
      // Nested arrays can be as large as the results (the who-can insight lists every subject's grants): in pieces too.
      yield* prettyJsonChunksAt(value, 1, JSON_BATCH);
    }
  }
  yield first ? '{}\n' : '\n}\n';
}

/**
 * The document in pieces whose concatenation is render()'s text: the reports that carry every
 * finding in full (JSON, HTML, Markdown, SARIF, JUnit) in batches; the terminal table and the
 * summary (both bounded) whole.
 * Writers use this, so that a large scan is never one string.
 */
export function renderChunks(result: ScanResult, format: Format, opts: { color?: boolean } = {}): Iterable<string> {
  if (format === 'json') return renderJsonChunks(result);
  if (format === 'html') return renderHtmlChunks(result);
  if (format === 'sarif') return renderSarifChunks(result);
  if (format === 'junit') return renderJunitChunks(result);
  if (format === 'md') return renderMarkdownChunks(result);
  return [render(result, format, opts)];
}

/** Pure: a ScanResult in, the document as a string out. */
export function render(result: ScanResult, format: Format, opts: { color?: boolean } = {}): string {
  switch (format) {
    case 'json':
      return renderJson(result);
    case 'md':
      return renderMarkdown(result);
    case 'html':
      return renderHtml(result);
    case 'sarif':
      return renderSarif(result);
    case 'junit':
      return renderJunit(result);
    case 'table':
      return renderTable(result, opts);
    case 'summary':
      return renderSummary(result);
  }
}
