import type { MonthlyReport } from './monthly-report.js';
import { renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const FORMATS: Record<ReportFormat, { contentType: string; render: (r: MonthlyReport) => string }> = {
  json: { contentType: 'application/json; charset=utf-8', render: renderJson },
  csv: { contentType: 'text/csv; charset=utf-8', render: renderCsv },
  html: { contentType: 'text/html; charset=utf-8', render: renderHtml },
};

/** The report in one format, with its content type and a file name (`arc-report-2026-11.csv`). */
export function renderReport(report: MonthlyReport, format: ReportFormat): { body: string; contentType: string; fileName: string } {
  const { contentType, render } = FORMATS[format];
  return { body: render(report), contentType, fileName: `arc-report-${report.period.month}.${format}` };
}
