import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseCsv } from '../../src/customers/csv-records.js';
import { appendSupervisionEvents } from '../../src/supervision/supervision-store.js';
import { reportMonth } from '../../src/report/report-month.js';
import { runArc } from '../helpers/arc-process.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { DAY, HOUR, MIN, reportWorld } from './report-world.js';

// October 2026 at the centre (Asia/Shanghai): 31 days, 2026-09-30T16:00Z to 2026-10-31T16:00Z.
// A past month whatever the real clock says, so that the CLI (on the real clock) reports it whole.
const OCTOBER = reportMonth('2026-10');
const { from: FROM, until: UNTIL } = OCTOBER;
const day = (d: number, hour = 0, minute = 0) => FROM + (d - 1) * DAY + hour * HOUR + minute * MIN;

const arc = runArc;

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the monthly report of rows written by arc's own code paths, over HTTP and the CLI`, async (t) => {
    const w = await reportWorld(t, database, FROM - 2 * HOUR);
    const bank = await w.customer('银行 A', '40001', 15);
    const shop = await w.customer('<b>超市</b> & "B"', '40002');
    const guard = await w.guard();
    const at = async (time: number) => void (w.clock.now = time);
    /** An alarm now: acknowledged after `ackS`, a guard dispatched a minute after the alarm; the incident and order ids. */
    const alarmAndDispatch = async (account: string, ackS: number) => {
      const alarmAt = w.clock.now;
      const incident = await w.alarm(account);
      await at(alarmAt + ackS * 1000);
      await w.act(incident, { kind: 'acknowledge' });
      await at(alarmAt + MIN);
      const { dispatch } = (await w.act(incident, { kind: 'dispatch_guard', guardId: null })) as { dispatch: { orderId: string } };
      await w.guardDoes(dispatch.orderId, guard, 'accept');
      return { incident, order: dispatch.orderId, alarmAt };
    };
    const closeAs = (incident: string, outcome: string) => w.act(incident, { kind: 'close', outcome, note: '结案' });

    // Supervision's transitions, appended as the supervision service appends them. Both in service
    // from the day before; 40001 offline for one day of 31; 40002's late at `until` is November's.
    await appendSupervisionEvents(w.db, 't', [
      { subjectType: 'account', subject: '40001', kind: 'included', at: FROM - DAY, lastReportAt: null, detail: null },
      { subjectType: 'account', subject: '40002', kind: 'included', at: FROM - DAY, lastReportAt: null, detail: null },
      { subjectType: 'account', subject: '40001', kind: 'late', at: day(21), lastReportAt: day(21) - 10 * MIN, detail: null },
      { subjectType: 'account', subject: '40001', kind: 'restored', at: day(22), lastReportAt: day(22), detail: null },
      { subjectType: 'account', subject: '40002', kind: 'late', at: UNTIL, lastReportAt: UNTIL - 10 * MIN, detail: null },
    ]);

    // A complaint made before the month: not October's.
    await w.call('POST', '/api/complaints', w.operator, { customerId: shop, content: '九月的投诉', complainedAt: new Date(FROM - 2 * HOUR).toISOString() });

    // I0: received half an hour before the month, acknowledged a minute into it (1,860 s), closed
    // in it as a device's false alarm.
    await at(FROM - 30 * MIN);
    const i0 = await w.alarm('40001');
    await at(FROM + MIN);
    await w.act(i0, { kind: 'acknowledge' });
    await closeAs(i0, 'device_false_alarm');

    // I1-I3 at the shop (no contract: held to the predicted arrival, 20 min after the request at
    // alarm + 1 min): on scene at +10 (in time), +30 (late), +6 (in time); each guard found nothing.
    const shopVisits = [
      { d: 3, ackS: 20, onSceneMin: 10, outcome: 'user_false_alarm' },
      { d: 5, ackS: 40, onSceneMin: 30, outcome: 'user_false_alarm' },
      { d: 7, ackS: 60, onSceneMin: 6, outcome: 'device_false_alarm' },
    ];
    for (const { d, ackS, onSceneMin, outcome } of shopVisits) {
      await at(day(d, 10));
      const { incident, order, alarmAt } = await alarmAndDispatch('40002', ackS);
      await at(alarmAt + onSceneMin * MIN);
      await w.guardDoes(order, guard, 'on-scene');
      await w.guardDoes(order, guard, 'report', { finding: 'false', note: '现场无异常' });
      await closeAs(incident, outcome);
    }

    // I4 at the bank (contract 15 min: due at alarm + 16 min): a second alarm joins it; acknowledged
    // after 10 s; the guard on scene at +12 finds a break-in; judged real, forwarded, closed real.
    await at(day(9, 10));
    const i4 = await w.alarm('40001');
    await at(day(9, 10) + 5_000);
    t.equal(await w.alarm('40001'), i4, 'the second alarm joins the open incident');
    await at(day(9, 10) + 10_000);
    await w.act(i4, { kind: 'acknowledge' });
    await at(day(9, 10, 1));
    const { dispatch: i4Order } = (await w.act(i4, { kind: 'dispatch_guard', guardId: null })) as { dispatch: { orderId: string } };
    await w.guardDoes(i4Order.orderId, guard, 'accept');
    await at(day(9, 10, 12));
    await w.guardDoes(i4Order.orderId, guard, 'on-scene');
    await w.guardDoes(i4Order.orderId, guard, 'report', { finding: 'real', note: '门被撬' });
    await w.act(i4, { kind: 'judge', verdict: 'real', evidence: '护卫现场确认 the guard saw the forced door' });
    await w.act(i4, { kind: 'forward_110', note: '转110' });
    await closeAs(i4, 'real');

    // Maintenance: a general ticket (on site in 1 h of 2, repaired in 30 h of 24) and an urgent one
    // (on site in 20 min of 30, repaired in 2 h of 8).
    const actor = w.supervisor.user.id;
    await at(day(12, 9));
    const general = (await w.maintenance.openByHand({ account: '40001', description: '电池欠压', level: 'general', code: 'manual', zone: null, actor })).ticket.id;
    await at(day(12, 10));
    await w.maintenance.step(general, { kind: 'on_site', actor, note: '' });
    await at(day(13, 15));
    await w.maintenance.step(general, { kind: 'repaired', actor, parts: [{ name: '蓄电池', qty: 1 }], costCny: 120, note: '' });
    await at(day(14, 8));
    const urgent = (await w.maintenance.openByHand({ account: '40002', description: '通信故障', level: 'urgent', code: 'manual', zone: null, actor })).ticket.id;
    await at(day(14, 8, 20));
    await w.maintenance.step(urgent, { kind: 'on_site', actor, note: '' });
    await at(day(14, 10));
    await w.maintenance.step(urgent, { kind: 'repaired', actor, parts: [], costCny: null, note: '' });

    // Complaints: one replied after a day, one made on the 29th and never replied (due on the 31st).
    await at(day(15, 9));
    const replied = ((await w.call('POST', '/api/complaints', w.operator, { customerId: bank, content: '出警慢' })) as { complaint: { id: string } }).complaint.id;
    await at(day(16, 9));
    await w.call('POST', `/api/complaints/${replied}/reply`, w.supervisor, { reply: '已致电说明' });
    await at(day(29, 9));
    await w.call('POST', '/api/complaints', w.operator, { name: '张先生', phone: '13800000000', content: '警铃长鸣' });

    // I5 at the bank: acknowledged after 30 s, judged real and forwarded; still open at the
    // month's end (undecided), its guard still on the way.
    await at(day(31, 23));
    const { incident: i5 } = await alarmAndDispatch('40001', 30);
    await w.act(i5, { kind: 'judge', verdict: 'real', evidence: '两个防区报警 two zones' });
    await w.act(i5, { kind: 'forward_110', note: '转110' });

    await at(day(36)); // 5 November
    const get = (who: { authorization: string }, query: string) => w.app.inject({ url: `/api/reports/monthly?${query}`, headers: { authorization: who.authorization } });

    await t.test('the route: supervisors and admins only', async (t) => {
      t.equal((await get(w.operator, 'month=2026-10')).statusCode, 403, 'an operator may not');
      t.equal((await get(w.police, 'month=2026-10')).statusCode, 403, 'the police may not');
      t.equal((await w.app.inject({ url: '/api/reports/monthly?month=2026-10' })).statusCode, 401);
      t.equal((await get(w.admin, 'month=2026-10')).statusCode, 200);
      const bad = await get(w.supervisor, 'month=2026-13');
      t.match({ status: bad.statusCode, code: bad.json().error.code }, { status: 400, code: 'BAD_REQUEST' });
      t.equal((await get(w.supervisor, 'month=2026-10&format=pdf')).statusCode, 400);
      const future = await get(w.supervisor, 'month=2026-12');
      t.match({ status: future.statusCode, code: future.json().error.code }, { status: 400, code: 'MONTH_NOT_STARTED' });
    });

    const res = await get(w.supervisor, 'month=2026-10');
    t.equal(res.statusCode, 200, 'a supervisor gets the report');
    t.match(res.headers['content-type'], /^application\/json/);
    const report = res.json();

    await t.test('the figures', async (t) => {
      t.same(report.period, { month: '2026-10', timeZone: 'Asia/Shanghai', from: '2026-09-30T16:00:00.000Z', until: '2026-10-31T16:00:00.000Z', complete: true });
      // 40001 offline 1 of 31 days, 40002 none: 61 of 62 account-days online.
      t.match(report.online, { rate: 61 / 62, warning: false, accounts: 2, offlineAccountSeconds: 86_400 });
      t.same(report.online.worstAccounts, [{ account: '40001', customerId: bank, customerName: '银行 A', offlineMinutes: 1440, rate: 30 / 31 }]);
      // I4 real, I5 open at the month's end.
      t.same(report.forwards110, { forwarded: 2, real: 1, falseAlarm: 0, test: 0, undetermined: 0, open: 1, realShare: 1 });
      // The bank: I4 (2 alarms) and I5; I0 opened in September. The shop: I1-I3.
      t.same(report.alarms, {
        incidents: 5,
        alarms: 6,
        byAccount: [
          { account: '40001', customerId: bank, customerName: '银行 A', incidents: 2, alarms: 3 },
          { account: '40002', customerId: shop, customerName: '<b>超市</b> & "B"', incidents: 3, alarms: 3 },
        ],
      });
      t.same(report.falseAlarms.byCustomer, [
        { customerId: shop, customerName: '<b>超市</b> & "B"', falseAlarms: 3, userFalseAlarms: 2, deviceFalseAlarms: 1 },
        { customerId: bank, customerName: '银行 A', falseAlarms: 1, userFalseAlarms: 0, deviceFalseAlarms: 1 },
      ]);
      t.same(report.falseDispatches.byCustomer, [{ customerId: shop, customerName: '<b>超市</b> & "B"', falseDispatches: 3, billable: true }], 'three false dispatches: billable');
      // Acknowledged in October (s): 1860, 20, 40, 60, 10, 30 → 10 20 30 40 60 1860: p50 the 3rd, p90 the 6th.
      t.same(report.acknowledgement.byEventClass, [{ eventClass: 'alarm', count: 6, p50Seconds: 30, p90Seconds: 1860, maxSeconds: 1860 }]);
      // On scene: the shop +10 (in time), +30 (late), +6 (in time) against the prediction; the bank +12 against its contract.
      t.same(report.guardArrivals, { arrivals: 4, withinDeadline: 3, share: 0.75, contracted: { arrivals: 1, withinDeadline: 1 }, predicted: { arrivals: 3, withinDeadline: 2 } });
      t.match(report.maintenance, { opened: 2, response: { met: 2, missed: 0, pending: 0, share: 1 }, repair: { met: 1, missed: 1, pending: 0, share: 0.5 } });
      t.same(report.complaints, { received: 2, reply: { met: 1, missed: 1, pending: 0, share: 0.5 } });
    });

    await t.test('CSV and HTML', async (t) => {
      const csv = await get(w.supervisor, 'month=2026-10&format=csv');
      t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
      t.equal(csv.headers['content-disposition'], 'attachment; filename="arc-report-2026-10.csv"');
      const sections = csv.body.split('\r\n\r\n').map((s) => parseCsv(s).records.map((r) => r.fields));
      t.equal(sections.length, 9);
      const dispatches = sections.find((s) => s[0]![0] === 'false_dispatches_by_customer')!;
      t.same(dispatches.slice(1), [['customer_id', 'customer', 'false_dispatches', 'billable'], [shop, '<b>超市</b> & "B"', '3', 'true']], 'quoted and read back whole');
      const html = await get(w.supervisor, 'month=2026-10&format=html');
      t.equal(html.headers['content-type'], 'text/html; charset=utf-8');
      t.match(html.headers['content-security-policy'], /default-src 'none'/);
      t.match(html.body, '&#60;b&#62;超市&#60;/b&#62; &#38; &#34;B&#34;');
      t.notMatch(html.body, '<b>超市');
      t.match(html.body, /<svg /);
    });

    await w.store.close(); // the embedded database is one process's: the CLI opens it next

    await t.test('the CLI: the same report, to standard output or a file', async (t) => {
      const { env } = w.location;
      const json = await arc(['report', 'monthly', '--month', '2026-10'], env);
      t.equal(json.code, 0, json.stderr);
      t.same(JSON.parse(json.stdout), report, 'the route and the CLI say the same');
      const out = `${t.testdir({})}/october.html`;
      const html = await arc(['report', 'monthly', '--month', '2026-10', '--format', 'html', '--out', out], env);
      t.equal(html.code, 0, html.stderr);
      t.equal(html.stdout, '');
      t.match(readFileSync(out, 'utf8'), /^<!doctype html>[\s\S]*<svg /);
      const bad = await arc(['report', 'monthly', '--month', '2026/10'], env);
      t.equal(bad.code, 2);
      t.match(bad.stderr, /BAD_MONTH: the month is YYYY-MM/);
      t.equal((await arc(['report', 'monthly'], env)).code, 2, '--month is required');
      t.equal((await arc(['report', 'monthly', '--month', '2026-10', '--format', 'pdf'], env)).code, 2);
      t.equal((await arc(['report', 'monthly', '--month', '2026-10', '--time-zone', 'Nowhere/Land'], env)).code, 2);
      const future = await arc(['report', 'monthly', '--month', '2999-01'], env);
      t.equal(future.code, 2);
      t.match(future.stderr, /MONTH_NOT_STARTED/);
      t.match((await arc(['report', '--help'], env)).stdout, /^Usage: arc report monthly --month YYYY-MM/);
    });
  });
}
