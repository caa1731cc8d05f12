import { escapeHtml } from './escape.ts';

/**
 * Small inline SVG charts for the HTML report: horizontal bars and stacked
 * bars, coloured through CSS classes (so the print stylesheet and the legend
 * share one palette). Every label is escaped here; the result is markup the
 * template inserts as is. Geometry only: the numbers come from the view.
 */

export interface Bar {
  label: string;
  value: number;
  /** Shown at the end of the bar; defaults to the value. */
  valueText?: string;
  /** CSS class of the bar, e.g. `sev-critical`, `grade-B`. */
  cls: string;
  /** Tooltip; defaults to the label and value text. */
  title?: string;
  href?: string;
}

export interface StackedRow {
  label: string;
  segments: { value: number; cls: string; title: string }[];
  valueText?: string;
  href?: string;
}

const ROW = 22;
const LABEL_W = 220;
const BAR_W = 270;
const VALUE_W = 90;
const WIDTH = LABEL_W + BAR_W + VALUE_W;
const MAX_LABEL = 32;

function shorten(s: string): string {
  const chars = [...s];
  return chars.length > MAX_LABEL ? chars.slice(0, MAX_LABEL - 1).join('') + '…' : s;
}

function frame(id: string, title: string, height: number, body: string): string {
  return (
    `<svg class="chart" id="${escapeHtml(id)}" role="img" aria-labelledby="${escapeHtml(id)}-t" viewBox="0 0 ${WIDTH} ${height}" ` +
    `width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title id="${escapeHtml(id)}-t">${escapeHtml(title)}</title>${body}</svg>`
  );
}

function label(y: number, text: string, href: string | undefined): string {
  const t = `<text class="chart-label" x="${LABEL_W - 8}" y="${y + ROW / 2 + 4}" text-anchor="end">${escapeHtml(shorten(text))}</text>`;
  return href ? `<a href="${escapeHtml(href)}">${t}</a>` : t;
}

/** Horizontal bars scaled to `max` (e.g. 100 for scores, the largest count for counts). */
export function barChart(id: string, title: string, bars: Bar[], max: number): string {
  const height = Math.max(1, bars.length) * ROW + 4;
  const scale = max > 0 ? BAR_W / max : 0;
  const body = bars
    .map((b, i) => {
      const y = i * ROW + 2;
      const w = Math.max(b.value > 0 ? 2 : 0, Math.round(b.value * scale * 10) / 10);
      const tip = b.title ?? `${b.label}: ${b.valueText ?? b.value}`;
      return (
        `<g>${label(y, b.label, b.href)}` +
        `<rect class="chart-track" x="${LABEL_W}" y="${y + 3}" width="${BAR_W}" height="${ROW - 6}" rx="3"/>` +
        `<rect class="bar ${escapeHtml(b.cls)}" x="${LABEL_W}" y="${y + 3}" width="${w}" height="${ROW - 6}" rx="3"><title>${escapeHtml(tip)}</title></rect>` +
        `<text class="chart-value" x="${LABEL_W + BAR_W + 6}" y="${y + ROW / 2 + 4}">${escapeHtml(b.valueText ?? String(b.value))}</text></g>`
      );
    })
    .join('');
  return frame(id, title, height, body);
}

/** One stacked bar per row, each scaled to its own total (a 100 % bar). */
export function stackedChart(id: string, title: string, rows: StackedRow[]): string {
  const height = Math.max(1, rows.length) * ROW + 4;
  const body = rows
    .map((r, i) => {
      const y = i * ROW + 2;
      const total = r.segments.reduce((n, s) => n + s.value, 0);
      let x = LABEL_W;
      const segs = r.segments
        .filter((s) => s.value > 0)
        .map((s) => {
          const w = total > 0 ? Math.round((s.value / total) * BAR_W * 10) / 10 : 0;
          const rect = `<rect class="bar ${escapeHtml(s.cls)}" x="${Math.round(x * 10) / 10}" y="${y + 3}" width="${w}" height="${ROW - 6}"><title>${escapeHtml(s.title)}</title></rect>`;
          x += w;
          return rect;
        })
        .join('');
      return (
        `<g>${label(y, r.label, r.href)}` +
        `<rect class="chart-track" x="${LABEL_W}" y="${y + 3}" width="${BAR_W}" height="${ROW - 6}"/>${segs}` +
        `<text class="chart-value" x="${LABEL_W + BAR_W + 6}" y="${y + ROW / 2 + 4}">${escapeHtml(r.valueText ?? String(total))}</text></g>`
      );
    })
    .join('');
  return frame(id, title, height, body);
}
