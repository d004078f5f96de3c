import t from 'tap';
import { periodRate } from '../../src/supervision/period-rate.js';
import { reportKindOf } from '../../src/supervision/report-kind.js';
import type { SupervisionSettings } from '../../src/supervision/supervision-settings.js';
import { Supervisor, type AccountHistory } from '../../src/supervision/supervisor.js';

// The clock is injected: every time below is an argument, in ms from T0.
const T0 = Date.parse('2026-11-23T08:00:00Z');
const s = (seconds: number) => T0 + seconds * 1000;
const IP: SupervisionSettings = { intervalMs: 90_000, graceMs: 30_000, countsAs: 'any', inService: true };
const NO_HISTORY: AccountHistory = { lastAnyAt: null, lastTestAt: null, standing: null, lateSince: null, includedAt: null, lastEventAt: null };

function given(accounts: Record<string, SupervisionSettings>, at = s(0)) {
  const supervisor = new Supervisor();
  for (const [account, settings] of Object.entries(accounts)) supervisor.configure(account, settings, at);
  return supervisor;
}

t.test('an account that stops reporting is late once, at interval + grace after its last report', async (t) => {
  const sup = given({ '1234': IP });
  t.same(sup.report('1234', s(10), 'test'), [], 'a report of an online account is no event');
  t.same(sup.tick(s(129)), [], 'not late one second before interval + grace');
  t.same(sup.tick(s(130)), [{ kind: 'late', account: '1234', at: s(130), lastReportAt: s(10) }], 'late exactly when it falls due');
  t.same(sup.tick(s(500)), [], 'late once, not at every tick');
  t.equal(sup.standing('1234'), 'late');
  t.same(sup.live(), { inService: 1, online: 0, late: 1, excluded: 0, rate: 0 }, 'it leaves the online set');
});

t.test('a late tick dates the trouble when the account fell due, not when the tick ran', async (t) => {
  const sup = given({ '1234': IP });
  t.same(sup.tick(s(1000)), [{ kind: 'late', account: '1234', at: s(120), lastReportAt: null }], 'never reported: due one window after supervision began');
});

t.test('reports keep an account online however many ticks pass', async (t) => {
  const sup = given({ '1234': IP });
  const events = [];
  for (let second = 0; second <= 1000; second++) {
    if (second % 90 === 0) sup.report('1234', s(second), 'test');
    events.push(...sup.tick(s(second)));
  }
  t.same(events, [], 'no event in 1,000 ticks');
  t.equal(sup.standing('1234'), 'online');
});

t.test('a late account that reports again is restored at the report, and supervised afresh', async (t) => {
  const sup = given({ '1234': IP });
  sup.tick(s(200));
  t.same(sup.report('1234', s(250), 'other'), [{ kind: 'restored', account: '1234', at: s(250), lastReportAt: s(250) }]);
  t.same(sup.live(), { inService: 1, online: 1, late: 0, excluded: 0, rate: 1 });
  t.same(sup.tick(s(369)), [], 'online for a full window after the restoring report');
  t.same(sup.tick(s(370)), [{ kind: 'late', account: '1234', at: s(370), lastReportAt: s(250) }], 'and late again after it');
});

t.test('a report older than what the late account had already reported does not restore it', async (t) => {
  const sup = given({ '1234': IP });
  sup.report('1234', s(50), 'test');
  sup.tick(s(200));
  t.same(sup.report('1234', s(40), 'test'), [], 'an old frame arriving late proves nothing new');
  t.equal(sup.standing('1234'), 'late');
});

t.test('with countsAs tests, only NULL polls and test reports count', async (t) => {
  const sup = given({ '1234': { ...IP, countsAs: 'tests' } });
  sup.report('1234', s(100), 'other');
  t.same(sup.tick(s(120)), [{ kind: 'late', account: '1234', at: s(120), lastReportAt: null }], 'an alarm does not prove the supervised path');
  t.same(sup.report('1234', s(130), 'other'), [], 'an alarm does not restore it either');
  t.same(sup.report('1234', s(140), 'test'), [{ kind: 'restored', account: '1234', at: s(140), lastReportAt: s(140) }], 'a test does');
});

t.test('suspended and on-test accounts are excluded from the rate and never late', async (t) => {
  const sup = given({ a: IP, b: IP, suspended: { ...IP, inService: false } });
  t.same(sup.live(), { inService: 2, online: 2, late: 0, excluded: 1, rate: 1 });
  sup.report('a', s(100), 'test');
  t.same(sup.tick(s(150)).map((e) => e.account), ['b'], 'only the in-service silent account is late');
  t.same(sup.live(), { inService: 2, online: 1, late: 1, excluded: 1, rate: 0.5 });

  t.same(sup.configure('b', { ...IP, inService: false }, s(160)), [{ kind: 'excluded', account: 'b', at: s(160), lastReportAt: null }], 'putting a late account on test ends its trouble');
  t.same(sup.live(), { inService: 1, online: 1, late: 0, excluded: 2, rate: 1 });
  t.same(sup.tick(s(10_000)).map((e) => e.account), ['a'], 'an excluded account is never late');
  t.same(sup.report('b', s(10_001), 'test'), [], 'a report of an excluded account is no event');
});

t.test('an account back in service is included and judged by its last report', async (t) => {
  const sup = given({ a: { ...IP, inService: false } });
  sup.report('a', s(50), 'test');
  t.same(sup.configure('a', IP, s(100)), [{ kind: 'included', account: 'a', at: s(100), lastReportAt: s(50) }]);
  t.same(sup.tick(s(169)), []);
  t.same(sup.tick(s(170)), [{ kind: 'late', account: 'a', at: s(170), lastReportAt: s(50) }], 'due from its last report');

  const sup2 = given({ b: { ...IP, inService: false } });
  sup2.report('b', s(10), 'test');
  sup2.configure('b', IP, s(1000));
  t.same(sup2.tick(s(1000)), [{ kind: 'late', account: 'b', at: s(1000), lastReportAt: s(10) }], 'a panel silent all through its suspension is late from its return, not before');
});

t.test('an interval change takes effect at once, both ways', async (t) => {
  const sup = given({ a: IP, b: IP });
  sup.report('a', s(10), 'test');
  sup.report('b', s(10), 'test');
  t.same(sup.configure('a', { ...IP, intervalMs: 20_000, graceMs: 20_000 }, s(30)), [], 'a shorter interval raises nothing by itself');
  t.same(sup.tick(s(50)), [{ kind: 'late', account: 'a', at: s(50), lastReportAt: s(10) }], 'but the next tick judges by it');

  sup.tick(s(200));
  t.equal(sup.standing('b'), 'late');
  t.same(sup.configure('b', { ...IP, intervalMs: 25 * 3600_000, graceMs: 3600_000 }, s(210)), [{ kind: 'restored', account: 'b', at: s(210), lastReportAt: s(10) }], 'a late account within a longer window is restored');
  t.same(sup.configure('a', { ...IP, intervalMs: 30_000, graceMs: 10_000 }, s(220)), [], 'a late account still outside the new window stays late');
  t.equal(sup.standing('a'), 'late');
});

t.test('an account no longer supervised leaves without a trace but its exclusion', async (t) => {
  const sup = given({ a: IP });
  t.same(sup.configure('a', null, s(5)), [{ kind: 'excluded', account: 'a', at: s(5), lastReportAt: null }]);
  t.same(sup.tick(s(10_000)), [], 'its heap entry is dropped');
  t.same(sup.live(), { inService: 0, online: 0, late: 0, excluded: 0, rate: null }, 'no rate with nothing in service');
  t.same(sup.report('a', s(10_001), 'test'), [], 'reports of unknown accounts are ignored');
});

t.test('many accounts due at once are all late in one tick, in a stable order, each once', async (t) => {
  const sup = new Supervisor();
  const n = 20_000;
  for (let i = 0; i < n; i++) sup.configure(String(100_000 + i), IP, s(0));
  for (let i = 0; i < n; i += 2) sup.report(String(100_000 + i), s(60), 'test');
  const events = sup.tick(s(120));
  t.equal(events.length, n / 2, 'every silent account, none of the reporting ones');
  t.ok(events.every((e, i) => e.kind === 'late' && e.at === s(120) && e.account === String(100_001 + 2 * i)), 'in account order at equal due times');
  t.same(sup.tick(s(179)), [], 'the others are due from their report');
  t.equal(sup.tick(s(180)).length, n / 2, 'and fall due together later');
  t.same(sup.live(), { inService: n, online: 0, late: n, excluded: 0, rate: 0 });
  t.equal(sup.lateAccounts()[0]!.account, '100001', 'longest late first');
});

t.test('rebuilt at start from the journal and the durable log', async (t) => {
  const sup = new Supervisor();
  const now = s(1000);
  t.same(sup.resume('new', IP, { ...NO_HISTORY, lastAnyAt: s(990) }, now), [{ kind: 'included', account: 'new', at: now, lastReportAt: s(990) }], 'never recorded: included');
  t.same(sup.resume('still-late', IP, { ...NO_HISTORY, lastAnyAt: s(10), standing: 'late', lateSince: s(130), includedAt: s(0), lastEventAt: s(130) }, now), [], 'still late: not recorded twice');
  t.same(sup.resume('back', IP, { ...NO_HISTORY, lastAnyAt: s(950), standing: 'late', lateSince: s(130), includedAt: s(0), lastEventAt: s(130) }, now), [{ kind: 'restored', account: 'back', at: s(950), lastReportAt: s(950) }], 'reported while arc was down: restored at that report');
  t.same(sup.resume('gone', null, { ...NO_HISTORY, standing: 'online', includedAt: s(0), lastEventAt: s(0) }, now), [{ kind: 'excluded', account: 'gone', at: now, lastReportAt: null }], 'no longer supervised: excluded');
  t.same(sup.resume('silent', IP, { ...NO_HISTORY, lastAnyAt: s(100), standing: 'online', includedAt: s(0), lastEventAt: s(0) }, now), [], 'online when last recorded');
  t.same(sup.tick(now), [{ kind: 'late', account: 'silent', at: s(220), lastReportAt: s(100) }], 'went silent while arc was down: late from when it fell due');
  t.same(sup.live(), { inService: 4, online: 2, late: 2, excluded: 0, rate: 0.5 });
});

t.test('what counts as a test: NULL polls and test-class events', async (t) => {
  const event = (eventClass: string) => ({ eventClass }) as never;
  t.equal(reportKindOf({ frame: { token: 'NULL' }, events: [] }), 'test');
  t.equal(reportKindOf({ frame: { token: 'ADM-CID' }, events: [event('test')] }), 'test', 'a periodic test report (602)');
  t.equal(reportKindOf({ frame: { token: 'ADM-CID' }, events: [event('alarm')] }), 'other');
  t.equal(reportKindOf({ frame: null, events: [] }), 'other');
});

t.test('the period rate is time-weighted per account, over in-service time', async (t) => {
  const from = s(0);
  const until = s(100);
  t.same(periodRate([], from, until), { from, until, accounts: 0, onlineMs: 0, lateMs: 0, rate: null }, 'nothing in service: no rate');
  const rate = periodRate(
    [
      { standingAtFrom: 'online', events: [] },
      { standingAtFrom: 'online', events: [{ kind: 'late', at: s(60) }, { kind: 'restored', at: s(80) }] },
      { standingAtFrom: 'late', events: [{ kind: 'excluded', at: s(50) }] },
      { standingAtFrom: null, events: [{ kind: 'included', at: s(50) }] },
      { standingAtFrom: 'excluded', events: [] },
    ],
    from,
    until,
  );
  t.same(rate, { from, until, accounts: 4, onlineMs: 230_000, lateMs: 70_000, rate: 230 / 300 }, '100 + 80 + 0 + 50 online of 300 account-seconds in service');
});
