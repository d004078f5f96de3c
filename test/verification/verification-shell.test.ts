import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import t, { type Test } from 'tap';
import { decide } from '../../src/incidents/decide.js';
import type { IncidentAction } from '../../src/incidents/incident-action.js';
import { IncidentBus } from '../../src/incidents/incident-bus.js';
import { createIncidentConsumer } from '../../src/incidents/incident-consumer.js';
import { appendActions, loadIncident, lockIncident } from '../../src/incidents/incident-store.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch } from '../../src/journal/journal-consumer.js';
import { createLogger } from '../../src/observability/logger.js';
import type { CustomerCard } from '../../src/customers/customer-card.js';
import type { AlarmEvent } from '../../src/protocols/alarm-event.js';
import type { Database } from '../../src/store/database-schema.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import type { CallbackProvider } from '../../src/verification/shell/callback-provider.js';
import type { VerificationCommand } from '../../src/verification/verification-command.js';
import type { QueuedWork, VerificationEffects } from '../../src/verification/shell/verification-run.js';
import { createVerificationService } from '../../src/verification/shell/verification-service.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';
import { cid } from '../incidents/incident-events.js';
import { MIN, OWNER_MOBILE, PREMISES, shop, T0, ZONES } from './verification-given.js';

const silent = createLogger({ logLevel: 'silent', nodeId: 't', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));

/** The journal, the incidents consumer with the verification engine, and what the shell asked of the world. */
async function centre(t: Test, db: Kysely<Database>, account: string, overrides: Partial<CustomerCard> = {}) {
  await db.insertInto('account').values([{ number: account, aes_key: null }]).execute();
  let now = T0;
  const calls: VerificationCommand[] = [];
  const forwards: { incidentId: string; revision: number; level: string }[] = [];
  const dispatches: { incidentId: string; reason: string }[] = [];
  const tickets: string[] = [];
  const cancels: { incidentId: string; revision: number; reason: string; at: number }[] = [];
  const queued: QueuedWork[] = [];
  const callbacks: CallbackProvider = { start: (c) => calls.push(c), cancel: (c) => calls.push(c), answer: (c) => calls.push(c) };
  const effects: VerificationEffects = {
    forward110: async (_trx, fs) => void forwards.push(...fs.map((f) => ({ incidentId: f.incidentId, revision: f.revision, level: f.level }))),
    dispatchGuards: async (_trx, orders) => void dispatches.push(...orders.map((d) => ({ incidentId: d.incidentId, reason: d.reason }))),
    openTicket: async (_trx, k) => void tickets.push(k.dedupeKey),
    cancel110: async (_trx, k) => void cancels.push({ incidentId: k.incidentId, revision: k.revision, reason: k.reason, at: k.at }),
  };
  const verification = createVerificationService(db, { now: () => now, logger: silent, callbacks, effects, onQueued: (q) => queued.push(q) });
  const timers = verification.startTimers({ pollMs: 3_600_000 });
  t.teardown(() => verification.stopTimers());
  const journal = new GroupCommitJournal(db, { nodeId: 'arc-t', dedupWindowMs: 120_000, bus: new JournalBus() });
  t.teardown(() => journal.close());
  const card = shop({ accounts: [account], zones: ZONES.map((z) => ({ ...z, account })), ...overrides });
  const consumer = createIncidentConsumer(db, { findCustomerCards: async (_db, numbers) => new Map(numbers.map((n) => [n, n === account ? card : undefined])), bus: new IncidentBus(), now: () => now, verify: verification.verifySignals });
  let n = 0;
  return {
    verification,
    timers,
    account,
    /** A Contact ID event of this account: `cid('130', 1)` is a burglary on zone 1. */
    cid: (code: string, zone: number) => cid(code, '1', zone, account),
    submit: (input: Parameters<typeof verification.submit>[1]) => verification.submit(account, input),
    calls,
    forwards,
    dispatches,
    tickets,
    cancels,
    /** What the workers were told each committed decision queued for them (onQueued). */
    queued,
    advance: (ms: number) => void (now += ms),
    now: () => now,
    /** A signal received now, through the journal and the consumer. */
    async signal(...events: AlarmEvent[]) {
      await journal.append(signalReception({ account, events, dedupKey: `${account}:k${++n}`, receivedAt: now }));
      while ((await consumeBatch(db, consumer)) > 0);
    },
    async incident(): Promise<{ id: string; status: string; actions: IncidentAction[] }> {
      const row = await db.selectFrom('incident').select('id').where('account', '=', account).orderBy('id', 'desc').executeTakeFirstOrThrow();
      const loaded = (await loadIncident(db, row.id))!;
      return { id: row.id, status: loaded.state.status, actions: loaded.actions };
    },
    incidentCount: async () => (await db.selectFrom('incident').select('id').where('account', '=', account).execute()).length,
    lastCall() {
      const started = calls.filter((c) => c.kind === 'start_callback');
      return started.at(-1)!;
    },
    /** An operator's commands on the incident, then what they tell the engine, in one transaction. */
    async operator(id: string, ...commands: Parameters<typeof decide>[1][]) {
      const after = await db.transaction().execute(async (trx) => {
        let stored: IncidentAction[] = [];
        let state = (await lockIncident(trx, id))!.state;
        for (const command of commands) {
          const d = decide(state, command, { id: 'op-1', role: 'operator' }, now);
          if (!d.ok) throw new Error(d.code);
          const r = await appendActions(trx, state, state, d.actions);
          state = r.state;
          stored = [...stored, ...r.stored];
        }
        return verification.afterOperatorActions(trx, state, stored);
      });
      after();
    },
  };
}

const kindsOf = (actions: IncidentAction[]) => actions.map((a) => a.kind);

for (const database of TEST_DATABASES) t.test(`${database.name}: the verification shell`, async (t) => {
  // One database for the lot, an account per test: creating a database is the slow part.
  const { db } = await database.open(t);
  await migrateToLatest(db);
  let accounts = 7000;
  t.test('a burglary is called back; the right passcode closes it as a user false alarm, nothing goes to 110', async (t) => {
    const c = await centre(t, db, String(++accounts));
    await c.signal(c.cid('130', 1));
    let inc = await c.incident();
    t.same(kindsOf(inc.actions).slice(0, 2), ['opened', 'callback_started'], 'the callback is recorded on the incident');
    const call = c.lastCall();
    t.equal(call.kind === 'start_callback' && call.phone, PREMISES, 'the premises are called first, once the decision committed');
    t.ok(inc.actions.some((a) => a.kind === 'callback_started' && a.detail.callId === (call.kind === 'start_callback' ? call.callId : '')), 'the call is on the incident, for the operator to see');

    await c.submit({ kind: 'callback_outcome', incidentId: inc.id, callId: call.kind === 'start_callback' ? call.callId : null, contact: 'premises', phone: PREMISES, result: 'passcode' });
    inc = await c.incident();
    t.equal(inc.status, 'closed');
    t.match(inc.actions.find((a) => a.kind === 'closed')?.detail, { outcome: 'user_false_alarm' }, 'closed as a user false alarm');
    t.same(c.forwards, [], 'nothing went to 110');
    t.ok(c.calls.some((x) => x.kind === 'answer_caller' && x.reply === 'code_accepted'), 'the caller hears the code was accepted');
    t.same(c.queued, [], 'nothing queued: the 110 uplink and the dispatch worker are not woken');
  });

  t.test('a second zone within the window forwards with the linked zones as evidence, once', async (t) => {
    const c = await centre(t, db, String(++accounts));
    await c.signal(c.cid('130', 1));
    c.advance(5 * MIN);
    await c.signal(c.cid('130', 3));
    const inc = await c.incident();
    t.same(c.forwards, [{ incidentId: inc.id, revision: 1, level: 'linked_zones' }], 'forwarded once, revision 1, on linked zones');
    const forward = inc.actions.find((a) => a.kind === 'forward_110_requested');
    t.match(forward?.detail, { level: 'linked_zones', revision: 1, verdict: 'real' }, 'the forward is on the incident with its level');
    t.match(forward?.detail.evidence, /zone 1.*zone 3|zone 3.*zone 1/, 'and the evidence names both zones');
    t.equal(c.dispatches.length, 1, 'a guard is sent to the confirmed burglary (policy)');
    c.advance(1 * MIN);
    await c.signal(c.cid('130', 6));
    t.equal(c.forwards.length, 1, 'a third zone forwards nothing more');
  });

  t.test('a hold-up is forwarded at once, with no callback', async (t) => {
    const c = await centre(t, db, String(++accounts));
    await c.signal(c.cid('122', 4));
    const inc = await c.incident();
    t.match(c.forwards, [{ incidentId: inc.id, revision: 1, level: 'emergency' }]);
    t.notOk(c.calls.some((x) => x.kind === 'start_callback'), 'nobody calls the premises during a hold-up');
    t.equal(c.dispatches.length, 1, 'and a guard is sent');
    t.same(c.queued, [{ uplink: true, dispatch: true }], 'once committed, the 110 uplink and the dispatch worker are woken: they look at once');
  });

  t.test('an unanswered call times out to the next number; two unanswered numbers send a guard', async (t) => {
    const c = await centre(t, db, String(++accounts));
    await c.signal(c.cid('130', 1));
    t.equal(await c.timers.tick(), 0, 'no timer is due yet');
    c.advance(2 * MIN + 1);
    t.equal(await c.timers.tick(), 1, 'the call-answer timer fires');
    const second = c.lastCall();
    t.equal(second.kind === 'start_callback' && second.phone, OWNER_MOBILE, 'the next number is called');
    t.ok(c.calls.some((x) => x.kind === 'cancel_callback'), 'the unanswered call is cancelled');
    c.advance(2 * MIN + 1);
    await c.timers.tick();
    t.equal(c.dispatches.length, 1, 'two numbers unanswered: a guard');
    t.same(c.forwards, [], 'an unverified burglary never goes to 110');
    const inc = await c.incident();
    t.ok(inc.actions.some((a) => a.kind === 'dispatch_requested' && a.actor === 'verification'), 'the dispatch is on the incident');
  });

  t.test('an operator closing the incident stops its calls and timers; a late answer changes nothing', async (t) => {
    const c = await centre(t, db, String(++accounts));
    await c.signal(c.cid('130', 1));
    const inc = await c.incident();
    const call = c.lastCall();
    await c.operator(inc.id, { kind: 'acknowledge' }, { kind: 'close', outcome: 'device_false_alarm', note: 'PIR faulty, engineer booked' });
    t.ok(c.calls.some((x) => x.kind === 'cancel_callback'), 'the call under way is cancelled');
    c.advance(10 * MIN);
    t.equal(await c.timers.tick(), 0, 'no timer is left');
    await c.submit({ kind: 'callback_outcome', incidentId: inc.id, callId: call.kind === 'start_callback' ? call.callId : null, contact: 'premises', phone: PREMISES, result: 'wrong_code' });
    t.same(c.dispatches, [], 'a late wrong code sends nobody');
    t.same(c.cancels, [], 'never forwarded: nothing to withdraw at 110');
  });

  t.test('an operator judging a forwarded incident false closes it and withdraws it at 110, as its next revision', async (t) => {
    const c = await centre(t, db, String(++accounts));
    await c.signal(c.cid('130', 1));
    c.advance(5 * MIN);
    await c.signal(c.cid('130', 3));
    const inc = await c.incident();
    t.match(c.forwards, [{ incidentId: inc.id, revision: 1 }]);
    c.advance(3 * MIN);
    await c.operator(inc.id, { kind: 'acknowledge' }, { kind: 'judge', verdict: 'user_false_alarm', evidence: 'the owner was inside' });
    t.same(c.cancels, [{ incidentId: inc.id, revision: 2, reason: 'judged a user false alarm by op-1', at: T0 + 8 * MIN }]);
    t.same(c.queued.at(-1), { uplink: true, dispatch: false }, 'the cancel wakes the 110 uplink');
    const after = await c.incident();
    t.equal(after.status, 'closed');
    t.match(after.actions.find((a) => a.kind === 'closed')?.detail, { outcome: 'user_false_alarm' });
    t.match(after.actions.filter((a) => a.kind === 'verification_notice').at(-1)?.detail, { message: /withdrawn at 110/ });
  });

  t.test('an operator closing a forwarded incident as a false alarm withdraws it; as real, it stays with 110', async (t) => {
    const holdUp = await centre(t, db, String(++accounts));
    await holdUp.signal(holdUp.cid('122', 4));
    const inc = await holdUp.incident();
    await holdUp.operator(inc.id, { kind: 'acknowledge' }, { kind: 'close', outcome: 'user_false_alarm', note: 'the cashier leaned on the button' });
    t.same(holdUp.cancels, [{ incidentId: inc.id, revision: 2, reason: 'closed as a user false alarm by op-1', at: T0 }]);
    t.equal((await holdUp.incident()).status, 'closed');

    const real = await centre(t, db, String(++accounts));
    await real.signal(real.cid('122', 4));
    await real.operator((await real.incident()).id, { kind: 'acknowledge' }, { kind: 'close', outcome: 'real', note: 'robbery, police on site' });
    t.same(real.cancels, []);
  });

  t.test('an operator judging it real forwards it with the operator as evidence', async (t) => {
    const c = await centre(t, db, String(++accounts));
    await c.signal(c.cid('130', 1));
    const inc = await c.incident();
    await c.operator(inc.id, { kind: 'acknowledge' }, { kind: 'judge', verdict: 'real', evidence: 'intruder on camera 2' });
    t.match(c.forwards, [{ incidentId: inc.id, revision: 1, level: 'operator_confirmed' }]);
    const after = await c.incident();
    t.match(after.actions.find((a) => a.kind === 'forward_110_requested')?.detail.evidence, /intruder on camera 2/);
  });

  t.test('a duress code on the callback forwards silently: the screen never says duress', async (t) => {
    const c = await centre(t, db, String(++accounts));
    await c.signal(c.cid('130', 1));
    const inc = await c.incident();
    const call = c.lastCall();
    await c.submit({ kind: 'callback_outcome', incidentId: inc.id, callId: call.kind === 'start_callback' ? call.callId : null, contact: 'premises', phone: PREMISES, result: 'duress' });
    t.match(c.forwards, [{ level: 'callback_duress' }], '110 is told it is duress');
    const after = await c.incident();
    t.notMatch(JSON.stringify(after.actions), /duress/i, 'no action the console shows says duress');
    t.ok(c.calls.some((x) => x.kind === 'answer_caller' && x.reply === 'code_accepted'), 'the caller hears what the right passcode gets');
  });

  t.test('a trouble opens a maintenance ticket and no incident', async (t) => {
    const c = await centre(t, db, String(++accounts));
    await c.signal(c.cid('301', 0));
    t.equal(c.tickets.length, 1, 'one ticket');
    t.match(c.tickets[0], new RegExp(`^${c.account}:contact-id:301:`), 'keyed by account, code and zone');
    t.equal(await c.incidentCount(), 0, 'no incident');
    t.same(c.forwards, []);
  });

  t.test('an alarm while disarmed is logged, not verified', async (t) => {
    const c = await centre(t, db, String(++accounts));
    await c.signal(c.cid('401', 2)); // opening by user 2
    await c.signal(c.cid('130', 1));
    t.same(c.calls, [], 'no callback');
    const inc = await c.incident();
    t.match(inc.actions.find((a) => a.kind === 'verification_notice')?.detail, { urgency: 'low', message: /while disarmed/ });
  });

  t.test('an opening outside the schedule raises a low-priority incident', async (t) => {
    // T0 is Monday 22:00 in Beijing; the shop opens 09:00–18:00 on weekdays.
    const c = await centre(t, db, String(++accounts), { schedule: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '18:00' })) });
    await c.signal(c.cid('401', 2));
    const inc = await c.incident();
    t.match(inc.actions.map((a) => [a.kind, a.detail]), [['opened', { priority: 'other' }], ['verification_notice', { urgency: 'low', message: /outside the schedule/ }]]);
    t.equal(inc.status, 'open', 'for an operator to look at');
  });
});
