import { arrivalFigures, falseDispatchFigures } from './dispatch-figures.js';
import { complaintFigures, maintenanceFigures } from './deadline-figures.js';
import { acknowledgementFigures, alarmFigures, falseAlarmFigures, forwardFigures } from './incident-figures.js';
import type { MonthlyInput } from './monthly-input.js';
import type { MonthlyReport, ReportPeriod } from './monthly-report.js';
import { onlineFigures } from './online-figures.js';

/**
 * The monthly service-quality report from the month's facts. Pure: the period is an argument,
 * and every figure counts only what happened in [from, until): an alarm, an acknowledgement, a
 * close, a guard's arrival or report is in the month it happened; a ticket or complaint in the
 * month it was opened or made, judged by what was done by `until`. So a finished month's report
 * never changes, and a fact at `until` itself belongs to the next month.
 *
 * @example computeMonthlyReport(await loadMonth(db, from, until), { month: '2026-11', timeZone: 'Asia/Shanghai', from, until, complete: true })
 */
export function computeMonthlyReport(input: MonthlyInput, period: ReportPeriod): MonthlyReport {
  const { from, until } = period;
  const owners = new Map(input.accounts.map((a) => [a.account, a]));
  return {
    period,
    online: onlineFigures(input, owners, from, until),
    forwards110: forwardFigures(input.incidents, from, until),
    alarms: alarmFigures(input.incidents, owners, from, until),
    falseAlarms: falseAlarmFigures(input.incidents, from, until),
    falseDispatches: falseDispatchFigures(input.dispatchOrders, from, until),
    acknowledgement: acknowledgementFigures(input.incidents, from, until),
    guardArrivals: arrivalFigures(input.dispatchOrders, from, until),
    maintenance: maintenanceFigures(input.tickets, from, until),
    complaints: complaintFigures(input.complaints, from, until),
  };
}
