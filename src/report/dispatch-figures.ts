import { arrivalDeadline } from '../dispatch/dispatch-order.js';
import type { DispatchFacts } from './monthly-input.js';
import type { ArrivalFigures, CustomerFalseDispatches, MonthlyReport } from './monthly-report.js';
import { byCountThenName, groupBy, share, within } from './report-stats.js';

/** The standard contract bills false dispatches beyond this many in a month (issue 7). */
export const FREE_FALSE_DISPATCHES = 2;

/**
 * False dispatches (出勤误报) per customer: guards' reports in the month that found no alarm
 * (finding `false`). A customer with more than FREE_FALSE_DISPATCHES is billable.
 */
export function falseDispatchFigures(orders: readonly DispatchFacts[], from: number, until: number): MonthlyReport['falseDispatches'] {
  const falseOnes = orders.filter((o) => o.report !== null && o.report.finding === 'false' && within(o.report.at, from, until));
  const rows: CustomerFalseDispatches[] = [...groupBy(falseOnes, (o) => o.customerId).values()].map((group) => ({
    customerId: group[0]!.customerId,
    customerName: group[0]!.customerName,
    falseDispatches: group.length,
    billable: group[0]!.customerId !== null && group.length > FREE_FALSE_DISPATCHES,
  }));
  rows.sort(byCountThenName((r) => r.falseDispatches, (r) => r.customerName ?? r.customerId));
  return { total: falseOnes.length, billableOver: FREE_FALSE_DISPATCHES, byCustomer: rows };
}

/**
 * Guards on scene in the month, and how many no later than the deadline dispatch held them to:
 * the contracted arrival, else the predicted one (src/dispatch arrivalDeadline; the same rule
 * that escalates `late_arrival`). An order with neither is on time, as dispatch judges it.
 */
export function arrivalFigures(orders: readonly DispatchFacts[], from: number, until: number): ArrivalFigures {
  const arrived = orders.filter((o) => within(o.arrivedAt, from, until));
  const onTime = (o: DispatchFacts) => {
    const deadline = arrivalDeadline(o);
    return deadline === null || o.arrivedAt! <= deadline;
  };
  const part = (list: readonly DispatchFacts[]) => ({ arrivals: list.length, withinDeadline: list.filter(onTime).length });
  const all = part(arrived);
  return {
    ...all,
    share: share(all.withinDeadline, all.arrivals),
    contracted: part(arrived.filter((o) => o.contractedArrivalAt !== null)),
    predicted: part(arrived.filter((o) => o.contractedArrivalAt === null)),
  };
}
