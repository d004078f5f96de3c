import { escapeHtml } from './escape-html.js';
import { sectionTitle, type SectionKey } from './report-labels.js';

/** A table cell: text (escaped here) or a number. */
export type HtmlCell = string | number | null;

/** A table with a bilingual header; every cell is escaped. */
export function htmlTable(header: readonly string[], rows: readonly (readonly HtmlCell[])[], options: { rowClass?: (index: number) => string | undefined } = {}): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((row, i) => {
    const cls = options.rowClass?.(i);
    return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ''}>${row.map((c) => `<td${typeof c === 'number' ? ' class="n"' : ''}>${escapeHtml(c === null ? '—' : String(c))}</td>`).join('')}</tr>`;
  });
  const empty = rows.length === 0 ? `<tr><td colspan="${header.length}" class="none">无 none</td></tr>` : '';
  return `<table><thead>${head}</thead><tbody>${body.join('')}${empty}</tbody></table>`;
}

/** A section with its bilingual title; `content` is HTML already escaped. */
export function htmlSection(key: SectionKey, ...content: string[]): string {
  return `<section id="${key}"><h2>${escapeHtml(sectionTitle(key))}</h2>${content.join('')}</section>`;
}

/** A paragraph of text (escaped). */
export function note(text: string, cls = 'note'): string {
  return `<p class="${cls}">${escapeHtml(text)}</p>`;
}

// Inline and self-contained: the page is mailed, archived and printed, and loads nothing.
const STYLE = `
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;max-width:60em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}td.none{color:#888}
tr.warn td,p.warn{color:#b00020;font-weight:bold}p.note{color:#555;font-size:.9em}
svg{display:block;margin:.6em 0;font-size:12px}svg .bar{fill:#3b6ea5}svg .marker{stroke:#b00020;stroke-dasharray:4 3}svg .marker-label{fill:#b00020}
@media print{body{margin:0}section{break-inside:avoid}}`;

/** The whole page: no script, no external asset. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
