import { ReportError } from './report-error.js';

/** The centre's time zone: a month is the centre's calendar month, not UTC's. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** A calendar month in a time zone, as UTC bounds [from, until) in epoch ms. */
export interface ReportMonth {
  /** YYYY-MM. */
  month: string;
  timeZone: string;
  from: number;
  until: number;
}

/** YYYY-MM, month 01-12. */
export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * The UTC bounds of `month` (YYYY-MM) in `timeZone`: from its first midnight to the next
 * month's. Throws ReportError BAD_MONTH or BAD_TIME_ZONE.
 *
 * @example reportMonth('2026-11', 'Asia/Shanghai') // from 2026-10-31T16:00Z, until 2026-11-30T16:00Z
 */
export function reportMonth(month: string, timeZone: string = DEFAULT_TIME_ZONE): ReportMonth {
  const m = MONTH_PATTERN.exec(month);
  if (!m) throw new ReportError('BAD_MONTH', `the month is YYYY-MM (e.g. 2026-11), got "${month}"`);
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new ReportError('BAD_TIME_ZONE', `not an IANA time zone (e.g. Asia/Shanghai): "${timeZone}"`);
  }
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  return { month, timeZone, from: localMidnight(format, year, index), until: localMidnight(format, year, index + 1) };
}

/** The UTC instant of local midnight on the 1st of month `index` (0-based; 12 is next January). */
function localMidnight(format: Intl.DateTimeFormat, year: number, index: number): number {
  const wall = Date.UTC(year, index, 1);
  // Twice: the offset at the first guess may differ from the one at midnight (a DST change).
  const guess = wall - offsetAt(format, wall);
  return wall - offsetAt(format, guess);
}

/** How far the zone's wall clock is ahead of UTC at `at` (ms). */
function offsetAt(format: Intl.DateTimeFormat, at: number): number {
  const parts = format.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - (at - (((at % 1000) + 1000) % 1000));
}
