import type { Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { computeMonthlyReport } from './compute-monthly-report.js';
import { loadMonth } from './load-month.js';
import type { MonthlyReport } from './monthly-report.js';
import { ReportError } from './report-error.js';
import { DEFAULT_TIME_ZONE, reportMonth } from './report-month.js';

export interface MonthlyReportRequest {
  /** YYYY-MM. */
  month: string;
  /** The centre's time zone (default Asia/Shanghai). */
  timeZone?: string;
  /** Epoch ms: a month still running is reported up to now. */
  now: number;
}

/**
 * The shell the CLI and the route share: the month's bounds in the centre's time zone, its facts
 * from the database, the report. Throws ReportError (BAD_MONTH, BAD_TIME_ZONE, MONTH_NOT_STARTED).
 */
export async function monthlyReport(db: Kysely<Database>, request: MonthlyReportRequest): Promise<MonthlyReport> {
  const { month, timeZone, from, until } = reportMonth(request.month, request.timeZone ?? DEFAULT_TIME_ZONE);
  if (request.now <= from) throw new ReportError('MONTH_NOT_STARTED', `${month} has not started yet in ${timeZone}`);
  const end = Math.min(until, request.now);
  const input = await loadMonth(db, from, end);
  return computeMonthlyReport(input, { month, timeZone, from, until: end, complete: end === until });
}
