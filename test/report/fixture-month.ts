import type { DispatchFacts, IncidentFacts, MonthlyInput, TicketFacts } from '../../src/report/monthly-input.js';
import { reportMonth } from '../../src/report/report-month.js';

/**
 * A hand-built month: November 2026 at the centre (Asia/Shanghai), 30 days, from
 * 2026-10-31T16:00Z until 2026-11-30T16:00Z. Expected figures are worked out in
 * compute-monthly-report.test.ts next to each assertion.
 */
export const NOVEMBER = reportMonth('2026-11', 'Asia/Shanghai');
export const { from: FROM, until: UNTIL } = NOVEMBER;
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** Local (Shanghai) wall time in November: `day(2, 10)` is 2 November 10:00. */
export const day = (d: number, hour = 0, minute = 0) => FROM + (d - 1) * DAY + hour * HOUR + minute * MIN;

export const C1 = { customerId: 'c1', customerName: '东方超市' };
export const C2 = { customerId: 'c2', customerName: '工商银行' };
export const C3 = { customerId: 'c3', customerName: '平安小区' };
const NONE = { customerId: null, customerName: null };

function incident(id: string, account: string, customer: { customerId: string | null; customerName: string | null }, openedAt: number, f: Partial<IncidentFacts> & { ackAfterS?: number; eventClass?: 'alarm' | 'unclassified'; priority?: 'emergency' | 'fire' | 'burglary' | 'other'; ackAt?: number } = {}): IncidentFacts {
  const { ackAfterS, eventClass = 'alarm', priority = 'burglary', ackAt, ...rest } = f;
  const at = ackAt ?? (ackAfterS === undefined ? null : openedAt + ackAfterS * 1000);
  return { id, account, ...customer, openedAt, joinedAlarmsAt: [], acknowledged: at === null ? null : { at, receivedAt: openedAt, eventClass, priority }, forwardedAt: null, closed: null, ...rest };
}

function order(orderId: string, account: string, customer: { customerId: string | null; customerName: string | null }, f: Partial<DispatchFacts>): DispatchFacts {
  return { orderId, incidentId: `i-${orderId}`, account, ...customer, arrivedAt: null, contractedArrivalAt: null, predictedArrivalAt: null, report: null, ...f };
}

function ticket(id: string, level: TicketFacts['level'], openedAt: number, responseMs: number, repairMs: number, onSiteAt: number | null, repairedAt: number | null): TicketFacts {
  return { id, level, openedAt, responseDueAt: openedAt + responseMs, repairDueAt: openedAt + repairMs, onSiteAt, repairedAt };
}

export function fixtureMonth(): MonthlyInput {
  return {
    accounts: [
      { account: '10001', ...C1 },
      { account: '10002', ...C2 },
      { account: '10003', ...C3 },
      { account: '10004', ...NONE },
    ],
    supervision: [
      // A: online, late on the 10th, back on the 16th: 6 of its 30 days offline.
      { account: '10001', standingAtFrom: 'online', events: [{ kind: 'late', at: day(10) }, { kind: 'restored', at: day(16) }] },
      // B: online all month.
      { account: '10002', standingAtFrom: 'online', events: [] },
      // C: late since October, back at 06:00 on the 1st; late again at `until`: next month's.
      { account: '10003', standingAtFrom: 'late', events: [{ kind: 'restored', at: day(1, 6) }, { kind: 'late', at: UNTIL }] },
      // D: never supervised before; in service from the 16th, online from then.
      { account: '10004', standingAtFrom: null, events: [{ kind: 'included', at: day(16) }] },
    ],
    incidents: [
      incident('i1', '10001', C1, day(2, 10), { joinedAlarmsAt: [day(2, 10, 1), day(2, 10, 2)], ackAfterS: 30, forwardedAt: day(2, 10, 10), closed: { at: day(2, 11), outcome: 'real' } }),
      incident('i2', '10001', C1, day(5, 8), { ackAfterS: 90, closed: { at: day(5, 9), outcome: 'user_false_alarm' } }),
      incident('i3', '10002', C2, day(7, 12), { ackAfterS: 10, priority: 'emergency', forwardedAt: day(7, 12, 1), closed: { at: day(7, 13), outcome: 'device_false_alarm' } }),
      // Opened, acknowledged and forwarded in the last minutes of the month, closed in December.
      incident('i4', '10002', C2, UNTIL - 10 * MIN, { ackAfterS: 60, priority: 'fire', forwardedAt: UNTIL - 5 * MIN, closed: { at: UNTIL + HOUR, outcome: 'user_false_alarm' } }),
      // Opened a minute before the month; an alarm joined, acknowledged and closed in it.
      incident('i5', '10003', C3, FROM - MIN, { joinedAlarmsAt: [FROM + 10_000], ackAt: FROM + 30_000, eventClass: 'unclassified', priority: 'other', closed: { at: FROM + 5 * MIN, outcome: 'device_false_alarm' } }),
      incident('i6', '10004', NONE, day(20, 3), { ackAfterS: 300, forwardedAt: day(20, 3, 10), closed: { at: day(20, 4), outcome: 'test' } }),
      // Opened at `until` itself: December's.
      incident('i7', '10001', C1, UNTIL, { ackAfterS: 20 }),
      incident('i8', '10002', C2, day(15, 9), { ackAfterS: 45, forwardedAt: day(15, 9, 5), closed: { at: day(15, 10), outcome: 'undetermined' } }),
      incident('i9', '10003', C3, day(25, 14), { ackAfterS: 20, forwardedAt: day(25, 14, 5), closed: { at: day(25, 15), outcome: 'real' } }),
      incident('i10', '10002', C2, day(16, 21), { ackAfterS: 30, closed: { at: day(16, 22), outcome: 'user_false_alarm' } }),
    ],
    dispatchOrders: [
      order('o1', '10001', C1, { arrivedAt: day(2, 10, 20), contractedArrivalAt: day(2, 10, 25), predictedArrivalAt: day(2, 10, 30), report: { at: day(2, 10, 30), finding: 'real' } }),
      order('o2', '10001', C1, { arrivedAt: day(5, 8, 30), contractedArrivalAt: day(5, 8, 25), predictedArrivalAt: day(5, 8, 20), report: { at: day(5, 8, 40), finding: 'false' } }),
      order('o3', '10001', C1, { arrivedAt: day(12, 9, 20), predictedArrivalAt: day(12, 9, 20), report: { at: day(12, 9, 30), finding: 'false' } }),
      order('o4', '10001', C1, { arrivedAt: day(28, 1), predictedArrivalAt: day(28, 1, 5), report: { at: day(28, 1, 10), finding: 'false' } }),
      // Arrived five minutes before the month, reported five minutes into it.
      order('o5', '10002', C2, { arrivedAt: FROM - 5 * MIN, contractedArrivalAt: FROM, report: { at: FROM + 5 * MIN, finding: 'false' } }),
      order('o6', '10002', C2, { arrivedAt: day(20, 2, 30), predictedArrivalAt: day(20, 2, 20), report: { at: day(20, 2, 40), finding: 'false' } }),
      // Reported at `until` itself: December's report; its arrival was November's.
      order('o7', '10002', C2, { arrivedAt: UNTIL - 30 * MIN, contractedArrivalAt: UNTIL - 20 * MIN, report: { at: UNTIL, finding: 'false' } }),
      order('o8', '10004', NONE, { arrivedAt: day(21, 5), report: { at: day(21, 5, 15), finding: 'false' } }),
      order('o9', '10003', C3, { report: { at: day(22, 5), finding: 'no_access' } }),
    ],
    tickets: [
      ticket('t1', 'general', day(3, 9), 2 * HOUR, 24 * HOUR, day(3, 10), day(4, 5)),
      ticket('t2', 'urgent', day(8, 9), 30 * MIN, 8 * HOUR, day(8, 9, 45), day(8, 16)),
      // Opened two hours before the month ends: the response is due in it, the repair after it.
      ticket('t3', 'major', UNTIL - 2 * HOUR, 15 * MIN, 4 * HOUR, UNTIL + HOUR, UNTIL + 3 * HOUR),
      ticket('t4', 'general', FROM - HOUR, 2 * HOUR, 24 * HOUR, FROM, FROM + HOUR),
      ticket('t5', 'general', day(10, 9), 2 * HOUR, 24 * HOUR, null, null),
    ],
    complaints: [
      { id: 'k1', complainedAt: day(4, 10), replyDueAt: day(6, 10), repliedAt: day(6, 9) },
      { id: 'k2', complainedAt: day(6, 10), replyDueAt: day(8, 10), repliedAt: day(8, 11) },
      { id: 'k3', complainedAt: UNTIL - 28 * HOUR, replyDueAt: UNTIL + 20 * HOUR, repliedAt: UNTIL + HOUR },
      { id: 'k4', complainedAt: day(20, 10), replyDueAt: day(22, 10), repliedAt: null },
      { id: 'k5', complainedAt: FROM - 1, replyDueAt: FROM - 1 + 48 * HOUR, repliedAt: FROM + HOUR },
    ],
  };
}
