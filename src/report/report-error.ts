import { refusalError } from '../console/api-error.js';

/** Why a monthly report cannot be made; stable codes (the route answers 400, the CLI exits 2). */
export const REPORT_REFUSALS = {
  BAD_MONTH: { status: 400, message: 'the month is YYYY-MM, e.g. 2026-11' },
  BAD_TIME_ZONE: { status: 400, message: 'not an IANA time zone, e.g. Asia/Shanghai' },
  MONTH_NOT_STARTED: { status: 400, message: 'the month has not started yet' },
} as const;

export type ReportRefusalCode = keyof typeof REPORT_REFUSALS;

export class ReportError extends refusalError('ReportError', REPORT_REFUSALS) {}
