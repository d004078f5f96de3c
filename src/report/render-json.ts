import type { MonthlyReport } from './monthly-report.js';
import { iso } from './report-labels.js';

/** The report as JSON: the MonthlyReport object, with the period's bounds as ISO 8601 UTC. */
export function reportJson(report: MonthlyReport) {
  return { ...report, period: { ...report.period, from: iso(report.period.from), until: iso(report.period.until) } };
}

export function renderJson(report: MonthlyReport): string {
  return `${JSON.stringify(reportJson(report), null, 2)}\n`;
}
