import { escapeHtml } from './escape-html.js';

export interface Bar {
  label: string;
  value: number;
  /** What is written at the bar's end (default: the value). */
  text?: string;
}

export interface BarChartOptions {
  /** The scale's end (default: the largest value). */
  max?: number;
  /** A vertical line at this value, e.g. the 95 % online-rate threshold. */
  marker?: { value: number; label: string };
  title: string;
}

const WIDTH = 720;
const LABEL_W = 220;
const TEXT_W = 90;
const ROW = 22;
const TOP = 8;

/**
 * A horizontal bar chart as inline SVG: one row per bar, its label on the left and its value at
 * the bar's end. Every text is escaped; nothing is loaded from elsewhere.
 */
export function svgBarChart(bars: readonly Bar[], options: BarChartOptions): string {
  const max = options.max ?? Math.max(0, ...bars.map((b) => b.value));
  const plot = WIDTH - LABEL_W - TEXT_W;
  const x = (v: number) => LABEL_W + (max > 0 ? (Math.max(0, Math.min(v, max)) / max) * plot : 0);
  const height = TOP * 2 + ROW * Math.max(bars.length, 1);
  const rows = bars.map((b, i) => {
    const y = TOP + i * ROW;
    return (
      `<text x="${LABEL_W - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(clip(b.label))}</text>` +
      `<rect x="${LABEL_W}" y="${y + 3}" width="${(x(b.value) - LABEL_W).toFixed(1)}" height="${ROW - 6}" class="bar"/>` +
      `<text x="${(x(b.value) + 4).toFixed(1)}" y="${y + 15}">${escapeHtml(b.text ?? String(b.value))}</text>`
    );
  });
  const marker = options.marker;
  const line =
    marker && max > 0
      ? `<line x1="${x(marker.value).toFixed(1)}" x2="${x(marker.value).toFixed(1)}" y1="0" y2="${height}" class="marker"/><text x="${(x(marker.value) + 3).toFixed(1)}" y="${height - 2}" class="marker-label">${escapeHtml(marker.label)}</text>`
      : '';
  const empty = bars.length === 0 ? `<text x="${LABEL_W}" y="${TOP + 15}">无 none</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}"><title>${escapeHtml(options.title)}</title>${rows.join('')}${empty}${line}</svg>`;
}

/** Long names are cut so that the label column holds them (the table beside has them whole). */
function clip(label: string): string {
  const chars = [...label];
  return chars.length > 24 ? `${chars.slice(0, 23).join('')}…` : label;
}
