import { sql } from 'kysely';
import t from 'tap';
import { lockAuditChain } from '../../src/audit/append-audit.js';
import { IncidentBatch } from '../../src/incidents/incident-batch.js';
import { appendActions, lockIncident } from '../../src/incidents/incident-store.js';
import { escalateUnsendable } from '../../src/uplink110/uplink-outbox.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { dispatchWorld } from '../dispatch/dispatch-test-kit.js';
import { untilALockIsAwaited } from '../helpers/lock-wait.js';

// Row locks only wait on a server: PGlite runs one transaction at a time.
const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');

t.test('postgres: a transaction that appends to several incidents takes them all before the audit lock, so it never deadlocks with the incidents consumer', { skip: postgres ? false : 'TEST_DATABASE_URL is not set' }, async (t) => {
  const w = await dispatchWorld(t, postgres!);
  const db = w.store.db;
  await w.customer('33000');
  await w.customer('33001');
  const first = await w.alarm('33000');
  const second = await w.alarm('33001');
  // Two 110 messages that will not be sent (the uplink is off): one escalation transaction appends to both incidents.
  const at = new Date(w.clock.now);
  await db
    .insertInto('uplink_outbox')
    .values([first, second].map((incident_id) => ({ incident_id, revision: 1, kind: 'notify', payload: JSON.stringify({}), created_at: at, next_attempt_at: at })))
    .execute();

  // The consumer's shape: the second incident locked (its batch), then the audit lock (its write).
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const hasLocked = new Promise<void>((resolve) => (locked = resolve));
  const consumer = db.transaction().execute(async (trx) => {
    const batch = new IncidentBatch();
    await batch.load(trx, ['33001']);
    locked();
    await released;
    batch.append('33001', [{ at: w.clock.now, actor: 'system', journalSeq: null, kind: 'verification_notice', detail: { urgency: 'normal', message: 'the consumer got through' } }]);
    return batch.write(trx);
  });
  await hasLocked;
  const escalation = escalateUnsendable(db, w.clock.now);
  // Until the escalation waits for the incident the consumer holds…
  await untilALockIsAwaited(db);
  // …then the consumer takes the audit lock. Had the escalation appended to the first incident
  // (taking the audit lock) before it waited for the second, this would be a deadlock.
  release();
  const [consumed, escalated] = await Promise.allSettled([consumer, escalation]);
  t.equal(consumed.status, 'fulfilled', consumed.status === 'rejected' ? String(consumed.reason) : 'the consumer committed');
  t.equal(escalated.status, 'fulfilled', escalated.status === 'rejected' ? String(escalated.reason) : 'the escalation committed');
  const escalations = await db.selectFrom('incident_action').select('incident_id').where('kind', '=', 'uplink_escalated').orderBy('incident_id').execute();
  t.same(escalations.map((e) => e.incident_id).sort(), [first, second].sort(), 'both incidents are told to call 110 by phone');
});

t.test('postgres: no incident action id is drawn before the audit lock is held, so ids commit in order and a live reader that has read past an id never misses a smaller one', { skip: postgres ? false : 'TEST_DATABASE_URL is not set' }, async (t) => {
  const w = await dispatchWorld(t, postgres!);
  const db = w.store.db;
  await w.customer('34000');
  await w.customer('34001');
  const [, second] = [await w.alarm('34000'), await w.alarm('34001')];
  const note = (message: string) => [{ at: w.clock.now, actor: 'system', journalSeq: null, kind: 'verification_notice' as const, detail: { urgency: 'normal' as const, message } }];
  const lastId = async () => (await sql<{ v: string }>`select last_value::text as v from incident_action_id_seq`.execute(db)).rows[0]!.v;

  // Another writer holds the audit lock (a big batch committing, a slow event loop).
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const holder = db.transaction().execute(async (trx) => {
    await lockAuditChain(trx);
    held();
    await released;
  });
  await holding;
  const before = await lastId();

  // The incidents consumer's batch and a single append (dispatch, the uplink, an operator) wait for it before drawing ids.
  const batchWrite = db.transaction().execute(async (trx) => {
    const batch = new IncidentBatch();
    await batch.load(trx, ['34000']);
    batch.append('34000', note('batch'));
    return batch.write(trx);
  });
  const single = db.transaction().execute(async (trx) => {
    const loaded = (await lockIncident(trx, second))!;
    return appendActions(trx, loaded.state, loaded.state, note('single'));
  });
  await new Promise((r) => setTimeout(r, 300));
  t.equal(await lastId(), before, 'no id drawn while another transaction holds the lock');
  release();
  await Promise.all([holder, batchWrite, single]);
  t.equal((await db.selectFrom('incident_action').select('id').where('kind', '=', 'verification_notice').execute()).length, 2, 'both written once the lock is free');
});
