import t from 'tap';
import { computeMonthlyReport } from '../../src/report/compute-monthly-report.js';
import { reportMonth } from '../../src/report/report-month.js';
import { nearestRank } from '../../src/report/report-stats.js';
import { C1, C2, C3, day, FROM, fixtureMonth, NOVEMBER, UNTIL } from './fixture-month.js';

const report = computeMonthlyReport(fixtureMonth(), { ...NOVEMBER, complete: true });

t.test("a month is the centre's calendar month, in UTC bounds", async (t) => {
  t.same([new Date(FROM).toISOString(), new Date(UNTIL).toISOString()], ['2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z'], 'Shanghai is UTC+8 all year');
  const march = reportMonth('2026-03', 'Europe/Berlin');
  t.same([new Date(march.from).toISOString(), new Date(march.until).toISOString()], ['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z'], 'a month that changes to summer time is an hour short');
  const december = reportMonth('2026-12');
  t.equal(new Date(december.until).toISOString(), '2026-12-31T16:00:00.000Z', 'December ends at the next January; the zone defaults to Asia/Shanghai');
  for (const bad of ['2026-13', '2026-1', '26-11', '2026-11-01', '']) t.throws(() => reportMonth(bad), { code: 'BAD_MONTH' }, bad);
  t.throws(() => reportMonth('2026-11', 'Mars/Olympus'), { code: 'BAD_TIME_ZONE' });
});

t.test('online rate: time-weighted over the accounts in service, and the accounts that pulled it down', async (t) => {
  // In service (days): A 30 (24 online, 6 late), B 30 online, C 30 (late 6 h on the 1st; its
  // late at `until` is December's), D 15 (included on the 16th). Online 24 + 30 + 29.75 + 15 =
  // 98.75 of 105 account-days = 0.94048: under 95 %.
  t.equal(report.online.accounts, 4);
  t.equal(report.online.onlineAccountSeconds, 98.75 * 86_400);
  t.equal(report.online.offlineAccountSeconds, 6.25 * 86_400);
  t.equal(report.online.rate, 98.75 / 105);
  t.equal(report.online.warning, true);
  t.equal(report.online.threshold, 0.95);
  // A: 6 days = 8,640 minutes, 24/30 online; C: 360 minutes, 29.75/30. B and D were never offline.
  t.same(report.online.worstAccounts, [
    { account: '10001', ...C1, offlineMinutes: 8640, rate: 0.8 },
    { account: '10003', ...C3, offlineMinutes: 360, rate: 29.75 / 30 },
  ]);
});

t.test('110 forwards: by the outcome at the month end; still open is undecided', async (t) => {
  // Forwarded in November: i1 real, i3 device false alarm, i4 (closed in December: open at the
  // month's end), i6 test, i8 undetermined, i9 real. Real share: 2 of the 4 with a known outcome.
  t.same(report.forwards110, { forwarded: 6, real: 2, falseAlarm: 1, test: 1, undetermined: 1, open: 1, realShare: 0.5 });
});

t.test('alarms per account: incidents opened and alarms received in the month', async (t) => {
  // A: i1 (opened + 2 joined) and i2: 2 incidents, 4 alarms; i7 opened at `until` is December's.
  // B: i3, i4, i8, i10: 4 and 4. C: i5 opened in October (its joined alarm is November's) and i9:
  // 1 incident, 2 alarms. D: i6. Ties by account.
  t.same(report.alarms, {
    incidents: 8,
    alarms: 11,
    byAccount: [
      { account: '10001', ...C1, incidents: 2, alarms: 4 },
      { account: '10002', ...C2, incidents: 4, alarms: 4 },
      { account: '10003', ...C3, incidents: 1, alarms: 2 },
      { account: '10004', customerId: null, customerName: null, incidents: 1, alarms: 1 },
    ],
  });
});

t.test('false alarms per customer: closed in the month as a false alarm', async (t) => {
  // C2: i3 (device) and i10 (user); i4 closed in December does not count. C1: i2 (user). C3: i5
  // (opened in October, closed in November: device).
  t.same(report.falseAlarms, {
    total: 4,
    byCustomer: [
      { ...C2, falseAlarms: 2, userFalseAlarms: 1, deviceFalseAlarms: 1 },
      { ...C1, falseAlarms: 1, userFalseAlarms: 1, deviceFalseAlarms: 0 },
      { ...C3, falseAlarms: 1, userFalseAlarms: 0, deviceFalseAlarms: 1 },
    ],
  });
});

t.test('false dispatches: more than two in the month is billable, exactly two is not', async (t) => {
  // C1: o2, o3, o4 = 3, billable. C2: o5 (reported 5 min into the month) and o6 = 2; o7 reported
  // at `until` is December's. No customer: o8, never billable. o9 found no access: not false.
  t.same(report.falseDispatches, {
    total: 6,
    billableOver: 2,
    byCustomer: [
      { ...C1, falseDispatches: 3, billable: true },
      { ...C2, falseDispatches: 2, billable: false },
      { customerId: null, customerName: null, falseDispatches: 1, billable: false },
    ],
  });
});

t.test('receipt to acknowledgement: nearest-rank p50 and p90, by event class and priority', async (t) => {
  // Acknowledged in November (s): i1 30, i2 90, i3 10, i4 60, i5 90 (unclassified, other), i6 300,
  // i8 45, i9 20, i10 30; i7's is December's. All 9 sorted: 10 20 30 30 45 60 90 90 300:
  // p50 = 5th = 45, p90 = 9th (ceil 8.1) = 300. Alarm class, 8: 10 20 30 30 45 60 90 300: p50 =
  // 4th = 30, p90 = 8th (ceil 7.2) = 300. Burglary, 6: 20 30 30 45 90 300: p50 = 3rd = 30, p90 = 6th.
  t.same(report.acknowledgement.all, { count: 9, p50Seconds: 45, p90Seconds: 300, maxSeconds: 300 });
  t.same(report.acknowledgement.byEventClass, [
    { eventClass: 'alarm', count: 8, p50Seconds: 30, p90Seconds: 300, maxSeconds: 300 },
    { eventClass: 'unclassified', count: 1, p50Seconds: 90, p90Seconds: 90, maxSeconds: 90 },
  ]);
  t.same(report.acknowledgement.byPriority, [
    { priority: 'emergency', count: 1, p50Seconds: 10, p90Seconds: 10, maxSeconds: 10 },
    { priority: 'fire', count: 1, p50Seconds: 60, p90Seconds: 60, maxSeconds: 60 },
    { priority: 'burglary', count: 6, p50Seconds: 30, p90Seconds: 300, maxSeconds: 300 },
    { priority: 'other', count: 1, p50Seconds: 90, p90Seconds: 90, maxSeconds: 90 },
  ]);
  t.same([nearestRank([10, 20, 30, 40], 50), nearestRank([10, 20, 30, 40], 90), nearestRank([], 50)], [20, 40, null]);
});

t.test('guard arrivals: on scene by the contracted arrival, else the predicted one', async (t) => {
  // On scene in November: o1 (contract, 5 min early), o2 (contract, 5 min late), o3 (predicted,
  // exactly on it: within), o4 (predicted, early), o6 (predicted, 10 min late), o7 (contract, 10
  // min early, 30 min before `until`), o8 (no deadline at all: on time, as dispatch judges it).
  // o5 arrived before the month.
  t.same(report.guardArrivals, { arrivals: 7, withinDeadline: 5, share: 5 / 7, contracted: { arrivals: 3, withinDeadline: 2 }, predicted: { arrivals: 4, withinDeadline: 3 } });
});

t.test('maintenance tickets opened in the month: deadlines met, missed or not yet due', async (t) => {
  // t1 general: on site in 1 h, repaired in 20 h: both met. t2 urgent: on site after 45 min
  // (missed), repaired in 7 h (met). t3 major, opened 2 h before the end: its 15-min response
  // passed in November undone (missed); its repair is due in December (pending). t5 general: nobody
  // came, nothing repaired: both missed. t4 was opened in October.
  t.same(report.maintenance.opened, 4);
  t.same(report.maintenance.response, { met: 1, missed: 3, pending: 0, share: 0.25 });
  t.same(report.maintenance.repair, { met: 2, missed: 1, pending: 1, share: 2 / 3 });
  t.same(report.maintenance.byLevel, [
    { level: 'major', opened: 1, response: { met: 0, missed: 1, pending: 0, share: 0 }, repair: { met: 0, missed: 0, pending: 1, share: null } },
    { level: 'urgent', opened: 1, response: { met: 0, missed: 1, pending: 0, share: 0 }, repair: { met: 1, missed: 0, pending: 0, share: 1 } },
    { level: 'general', opened: 2, response: { met: 1, missed: 1, pending: 0, share: 0.5 }, repair: { met: 1, missed: 1, pending: 0, share: 0.5 } },
  ]);
});

t.test('complaints made in the month: replied within 48 hours', async (t) => {
  // k1 replied after 47 h (met), k2 after 49 h (missed), k4 never (missed: due on the 22nd);
  // k3 made 28 h before the end is due in December (pending); k5 was made in October.
  t.same(report.complaints, { received: 4, reply: { met: 1, missed: 2, pending: 1, share: 1 / 3 } });
});

t.test('the period is kept as given, and a month still running counts up to its end', async (t) => {
  t.same(report.period, { ...NOVEMBER, complete: true });
  // Reported on 7 November at 12:00, the moment i3 opened: A was not late yet, and i3 is not in.
  const running = computeMonthlyReport(fixtureMonth(), { ...NOVEMBER, until: day(7, 12), complete: false });
  t.same(running.online.worstAccounts, [{ account: '10003', ...C3, offlineMinutes: 360, rate: 1 - 0.25 / 6.5 }], "C's 6 h of its 6.5 days");
  t.equal(running.alarms.incidents, 2, 'i1 and i2 only');
  t.same(running.forwards110, { forwarded: 1, real: 1, falseAlarm: 0, test: 0, undetermined: 0, open: 0, realShare: 1 });
});
