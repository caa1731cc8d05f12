import type { ScanResult } from '../engine/result.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { renderSarif } from './sarif.ts';
import { renderTable } from './table.ts';

export const FORMATS = ['table', 'json', 'md', 'html', 'sarif', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

/** File extension per format, for `report.<ext>` in an output directory (json goes to scan.json). */
export const EXTENSIONS: Record<Format, string> = { table: 'txt', json: 'json', md: 'md', html: 'html', sarif: 'sarif', junit: 'junit.xml' };

export function renderJson(result: ScanResult): string {
  return JSON.stringify(result, null, 2) + '\n';
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
  }
}
