import type { DeadlineFigures, MonthlyReport } from './monthly-report.js';
import { iso, rounded, sectionTitle, type SectionKey } from './report-labels.js';

type Cell = string | number | boolean | null;

/**
 * The report as CSV (RFC 4180, CRLF): one section per table, a blank line between sections.
 * Each section starts with a line holding its key and title, then a header row, then its rows.
 * Shares are fractions (0.9667), times in minutes or seconds as the header says.
 */
export function renderCsv(r: MonthlyReport): string {
  const sections: [SectionKey, string[], Cell[][]][] = [
    ['summary', ['figure', 'value'], summaryRows(r)],
    ['offline_accounts', ['account', 'customer_id', 'customer', 'offline_minutes', 'online_rate'], r.online.worstAccounts.map((a) => [a.account, a.customerId, a.customerName, rounded(a.offlineMinutes), share(a.rate)])],
    ['alarms_by_account', ['account', 'customer_id', 'customer', 'incidents', 'alarms'], r.alarms.byAccount.map((a) => [a.account, a.customerId, a.customerName, a.incidents, a.alarms])],
    [
      'false_alarms_by_customer',
      ['customer_id', 'customer', 'false_alarms', 'user_false_alarms', 'device_false_alarms'],
      r.falseAlarms.byCustomer.map((c) => [c.customerId, c.customerName, c.falseAlarms, c.userFalseAlarms, c.deviceFalseAlarms]),
    ],
    ['false_dispatches_by_customer', ['customer_id', 'customer', 'false_dispatches', 'billable'], r.falseDispatches.byCustomer.map((c) => [c.customerId, c.customerName, c.falseDispatches, c.billable])],
    ['acknowledgement_by_event_class', ['event_class', ...ACK_HEADER], r.acknowledgement.byEventClass.map((a) => [a.eventClass, ...ackCells(a)])],
    ['acknowledgement_by_priority', ['priority', ...ACK_HEADER], r.acknowledgement.byPriority.map((a) => [a.priority, ...ackCells(a)])],
    [
      'guard_arrivals',
      ['deadline', 'arrivals', 'within_deadline'],
      [
        ['contracted', r.guardArrivals.contracted.arrivals, r.guardArrivals.contracted.withinDeadline],
        ['predicted', r.guardArrivals.predicted.arrivals, r.guardArrivals.predicted.withinDeadline],
        ['all', r.guardArrivals.arrivals, r.guardArrivals.withinDeadline],
      ],
    ],
    [
      'maintenance_by_level',
      ['level', 'opened', ...deadlineHeader('response'), ...deadlineHeader('repair')],
      [...r.maintenance.byLevel.map((l) => [l.level, l.opened, ...deadlineCells(l.response), ...deadlineCells(l.repair)]), ['all', r.maintenance.opened, ...deadlineCells(r.maintenance.response), ...deadlineCells(r.maintenance.repair)]],
    ],
  ];
  return sections.map(([key, header, rows]) => [[key, sectionTitle(key)], header, ...rows].map(csvLine).join('')).join('\r\n');
}

const ACK_HEADER = ['count', 'p50_s', 'p90_s', 'max_s'];

function ackCells(a: MonthlyReport['acknowledgement']['all']): Cell[] {
  return [a.count, rounded(a.p50Seconds), rounded(a.p90Seconds), rounded(a.maxSeconds)];
}

function deadlineHeader(name: string): string[] {
  return ['met', 'missed', 'pending', 'share'].map((f) => `${name}_${f}`);
}

function deadlineCells(d: DeadlineFigures): Cell[] {
  return [d.met, d.missed, d.pending, share(d.share)];
}

function share(value: number | null): string {
  return rounded(value, 4);
}

function summaryRows(r: MonthlyReport): Cell[][] {
  const { period, online, forwards110: f, guardArrivals: g, maintenance: m, complaints: c, acknowledgement: a } = r;
  return [
    ['month', period.month],
    ['time_zone', period.timeZone],
    ['from', iso(period.from)],
    ['until', iso(period.until)],
    ['complete', period.complete],
    ['online_rate', share(online.rate)],
    ['online_rate_under_threshold', online.warning],
    ['online_rate_threshold', online.threshold],
    ['accounts_in_service', online.accounts],
    ['offline_account_minutes', rounded(online.offlineAccountSeconds / 60)],
    ['forwards_110', f.forwarded],
    ['forwards_110_real', f.real],
    ['forwards_110_false_alarm', f.falseAlarm],
    ['forwards_110_test', f.test],
    ['forwards_110_undetermined', f.undetermined],
    ['forwards_110_open', f.open],
    ['forwards_110_real_share', share(f.realShare)],
    ['incidents_opened', r.alarms.incidents],
    ['alarms', r.alarms.alarms],
    ['false_alarms', r.falseAlarms.total],
    ['false_dispatches', r.falseDispatches.total],
    ['false_dispatches_billable_over', r.falseDispatches.billableOver],
    ['acknowledgements', a.all.count],
    ['acknowledgement_p50_s', rounded(a.all.p50Seconds)],
    ['acknowledgement_p90_s', rounded(a.all.p90Seconds)],
    ['acknowledgement_max_s', rounded(a.all.maxSeconds)],
    ['guard_arrivals', g.arrivals],
    ['guard_arrivals_within_deadline', g.withinDeadline],
    ['guard_arrivals_share', share(g.share)],
    ['tickets_opened', m.opened],
    ...deadlineHeader('ticket_response').map((k, i) => [k, deadlineCells(m.response)[i]!]),
    ...deadlineHeader('ticket_repair').map((k, i) => [k, deadlineCells(m.repair)[i]!]),
    ['complaints_received', c.received],
    ...deadlineHeader('complaint_reply').map((k, i) => [k, deadlineCells(c.reply)[i]!]),
  ];
}

/** One record, CRLF-terminated. */
function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/**
 * RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. Text that a
 * spreadsheet would run as a formula (= + - @ at the start: a customer's name is anyone's input)
 * gets a leading apostrophe, as OWASP advises for CSV exports.
 */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  let text = String(cell);
  if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
