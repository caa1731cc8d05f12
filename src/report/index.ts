import type { ScanResult } from '../engine/result.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { renderTable } from './table.ts';

export const FORMATS = ['table', 'json', 'md', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export const EXTENSIONS: Record<Format, string> = { table: 'txt', json: 'json', md: 'md', html: 'html' };

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
    case 'table':
      return renderTable(result, opts);
  }
}
