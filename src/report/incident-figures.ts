import type { Outcome } from '../incidents/incident-action.js';
import { PRIORITIES } from '../incidents/incident-priority.js';
import { EVENT_CLASSES } from '../protocols/alarm-event.js';
import type { AccountOwner, IncidentFacts } from './monthly-input.js';
import type { AccountAlarms, CustomerFalseAlarms, ForwardFigures, MonthlyReport } from './monthly-report.js';
import { ackTimes, byCountThenName, groupBy, share, within } from './report-stats.js';

const FALSE_ALARMS: readonly Outcome[] = ['user_false_alarm', 'device_false_alarm'];

/** Alarms per account: incidents opened and alarms received (opening + joined) in the month. */
export function alarmFigures(incidents: readonly IncidentFacts[], owners: ReadonlyMap<string, AccountOwner>, from: number, until: number): MonthlyReport['alarms'] {
  const byAccount = new Map<string, AccountAlarms>();
  const row = (account: string) => {
    let r = byAccount.get(account);
    if (!r) {
      const owner = owners.get(account);
      byAccount.set(account, (r = { account, customerId: owner?.customerId ?? null, customerName: owner?.customerName ?? null, incidents: 0, alarms: 0 }));
    }
    return r;
  };
  for (const i of incidents) {
    const opened = within(i.openedAt, from, until) ? 1 : 0;
    const alarms = opened + i.joinedAlarmsAt.filter((at) => within(at, from, until)).length;
    if (alarms === 0) continue;
    const r = row(i.account);
    r.incidents += opened;
    r.alarms += alarms;
  }
  const rows = [...byAccount.values()].sort(byCountThenName((r) => r.alarms, (r) => r.account));
  return { incidents: sum(rows, (r) => r.incidents), alarms: sum(rows, (r) => r.alarms), byAccount: rows };
}

/** False alarms per customer: incidents closed in the month as a user's or a device's false alarm. */
export function falseAlarmFigures(incidents: readonly IncidentFacts[], from: number, until: number): MonthlyReport['falseAlarms'] {
  const closed = incidents.filter((i) => i.closed !== null && within(i.closed.at, from, until) && FALSE_ALARMS.includes(i.closed.outcome));
  const rows: CustomerFalseAlarms[] = [...groupBy(closed, (i) => i.customerId).values()].map((group) => {
    const user = group.filter((i) => i.closed!.outcome === 'user_false_alarm').length;
    return { customerId: group[0]!.customerId, customerName: group[0]!.customerName, falseAlarms: group.length, userFalseAlarms: user, deviceFalseAlarms: group.length - user };
  });
  rows.sort(byCountThenName((r) => r.falseAlarms, (r) => r.customerName ?? r.customerId));
  return { total: closed.length, byCustomer: rows };
}

/**
 * The incidents forwarded to 110 in the month, by how they were closed by the month's end. One
 * still open then is `open` (undecided), whatever happens to it later: a finished month's
 * report does not change.
 */
export function forwardFigures(incidents: readonly IncidentFacts[], from: number, until: number): ForwardFigures {
  const forwarded = incidents.filter((i) => within(i.forwardedAt, from, until));
  const outcome = (i: IncidentFacts) => (i.closed !== null && i.closed.at < until ? i.closed.outcome : 'open');
  const count = (...o: (Outcome | 'open')[]) => forwarded.filter((i) => o.includes(outcome(i))).length;
  const real = count('real');
  const falseAlarm = count(...FALSE_ALARMS);
  const test = count('test');
  return { forwarded: forwarded.length, real, falseAlarm, test, undetermined: count('undetermined'), open: count('open'), realShare: share(real, real + falseAlarm + test) };
}

/** Receipt → acknowledgement of the acknowledgements made in the month, overall, by event class and by priority. */
export function acknowledgementFigures(incidents: readonly IncidentFacts[], from: number, until: number): MonthlyReport['acknowledgement'] {
  const acks = incidents.flatMap((i) => (i.acknowledged !== null && within(i.acknowledged.at, from, until) ? [i.acknowledged] : []));
  const seconds = (list: typeof acks) => list.map((a) => Math.max(0, a.at - a.receivedAt) / 1000);
  const byClass = groupBy(acks, (a) => a.eventClass);
  const byPriority = groupBy(acks, (a) => a.priority);
  return {
    all: ackTimes(seconds(acks)),
    byEventClass: EVENT_CLASSES.filter((c) => byClass.has(c)).map((eventClass) => ({ eventClass, ...ackTimes(seconds(byClass.get(eventClass)!)) })),
    byPriority: PRIORITIES.filter((p) => byPriority.has(p)).map((priority) => ({ priority, ...ackTimes(seconds(byPriority.get(priority)!)) })),
  };
}

function sum<T>(items: readonly T[], of: (t: T) => number): number {
  return items.reduce((n, t) => n + of(t), 0);
}
