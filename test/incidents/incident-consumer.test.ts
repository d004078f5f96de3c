import { sql, type Kysely } from 'kysely';
import t from 'tap';
import { findCustomerCards } from '../../src/customers/customer-lookup.js';
import { decide } from '../../src/incidents/decide.js';
import { IncidentBus } from '../../src/incidents/incident-bus.js';
import { createIncidentConsumer, type FindCustomerCards } from '../../src/incidents/incident-consumer.js';
import { appendActions, loadIncident, lockIncident, rebuildIncidentQueue } from '../../src/incidents/incident-store.js';
import { listenForIncidentActions } from '../../src/incidents/pg-incident-listener.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch } from '../../src/journal/journal-consumer.js';
import type { AlarmEvent } from '../../src/protocols/alarm-event.js';
import type { Database } from '../../src/store/database-schema.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';
import { cid, customerCard } from './incident-events.js';

const NOW = Date.parse('2026-11-23T08:00:05Z');

const ON_TEST = customerCard({ id: 'c-on-test', serviceStatus: 'on_test', onTest: { from: '2026-11-23T07:00:00Z', until: '2026-11-23T09:00:00Z' } });

/** The real lookup (none of these accounts has a customer), but 3000 has a card and 3001 is on test. */
const lookup: FindCustomerCards = async (db, accounts) => {
  const cards = await findCustomerCards(db, accounts);
  if (cards.has('3000')) cards.set('3000', customerCard({ id: 'c-3000' }));
  if (cards.has('3001')) cards.set('3001', ON_TEST);
  return cards;
};

async function prepare(db: Kysely<Database>, find: FindCustomerCards = lookup) {
  await migrateToLatest(db);
  await db.insertInto('account').values(['1234', '5678', '2000', '3000', '3001'].map((number) => ({ number, aes_key: null }))).execute();
  const journal = new GroupCommitJournal(db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus: new JournalBus() });
  const bus = new IncidentBus();
  const consumer = createIncidentConsumer(db, { findCustomerCards: find, bus, now: () => NOW });
  let n = 0;
  return {
    bus,
    /** Journals a signal carrying `events`, then lets the consumer run to the end of the journal. */
    async signal(events: AlarmEvent[], account = '1234', dedupKey: string | null = `k${++n}`) {
      const entry = await journal.append(signalReception({ account, events, dedupKey }));
      while ((await consumeBatch(db, consumer)) > 0);
      return entry;
    },
    /** The incidents of these accounts, oldest first. */
    async incidents(...accounts: string[]) {
      return db.selectFrom('incident_queue').select(['incident_id', 'account', 'status', 'priority']).where('account', 'in', accounts).orderBy('incident_id').execute();
    },
    async kinds(id: string) {
      return (await loadIncident(db, id))!.actions.map((a) => a.kind);
    },
  };
}

async function closeIncident(db: Kysely<Database>, id: string) {
  await db.transaction().execute(async (trx) => {
    const { state } = (await lockIncident(trx, id))!;
    for (const command of [{ kind: 'acknowledge' }, { kind: 'close', outcome: 'device_false_alarm', note: 'detector replaced' }] as const) {
      const current = (await lockIncident(trx, id))!.state;
      const d = decide(current, command, { id: 'op-1', role: 'operator' }, NOW);
      if (!d.ok) throw new Error(d.code);
      await appendActions(trx, state, current, d.actions);
    }
  });
}

for (const database of TEST_DATABASES) t.test(`${database.name}: the incidents consumer`, async (t) => {
  // One database for the lot (each subtest its own accounts): creating one is the slow part.
  const store = await database.open(t);
  const s = await prepare(store.db);

  t.test('alarms open and join one incident per account; the rest is logged on it', async (t) => {
    await s.signal([cid('301')]);
    t.same(await s.incidents('1234'), [], 'a trouble opens no incident');

    const first = await s.signal([cid('130', '1', 5)]);
    const [opened] = await s.incidents('1234');
    t.match(opened, { account: '1234', status: 'open', priority: 'burglary' }, 'a burglary opens one');
    const header = await store.db.selectFrom('incident').selectAll().where('account', '=', '1234').executeTakeFirstOrThrow();
    t.match(header, { account: '1234', customer_id: null, opening_seq: first.seq }, 'the header names the opening journal entry');
    t.equal(header.opened_at.getTime(), first.receivedAt, 'opened at the receipt of the alarm');
    const { state } = (await loadIncident(store.db, opened!.incident_id))!;
    t.equal(state.customer, 'no_customer_card', 'an account with no customer card still gets its incident, marked');

    await s.signal([cid('131', '1', 6)]);
    await s.signal([cid('130', '3', 5)]);
    await s.signal([cid('302')]);
    await s.signal([cid('130', '1', 1)], '5678');
    const all = await s.incidents('1234', '5678');
    t.equal(all.length, 2, 'a second alarm of the same account joins; another account opens its own');
    t.same(await s.kinds(opened!.incident_id), ['opened', 'alarm_joined', 'signal_logged', 'signal_logged'], 'the restore and the trouble are logged on the open incident');

    await s.signal([cid('122', '1', 2)]);
    t.equal((await s.incidents('1234'))[0]!.priority, 'emergency', 'a hold-up joining a burglary raises it');
    t.same((await s.kinds(opened!.incident_id)).slice(-2), ['alarm_joined', 'priority_raised']);

    const audit = await store.db.selectFrom('audit_log').select(['action', 'actor', 'subject_id']).where('subject_type', '=', 'incident').execute();
    const actions = await store.db.selectFrom('incident_action').select('id').execute();
    t.equal(audit.length, actions.length, 'one audit row per transition');
    t.ok(audit.every((a) => a.actor === 'system'));
  });

  t.test('after close a new alarm opens a new incident; duplicates never double', async (t) => {
    await s.signal([cid('130')], '2000', 'same');
    await s.signal([cid('130')], '2000', 'same'); // a retransmission: journaled as a duplicate
    const [first] = await s.incidents('2000');
    t.same(await s.kinds(first!.incident_id), ['opened'], 'the duplicate neither joins nor logs');

    await closeIncident(store.db, first!.incident_id);
    await s.signal([cid('130', '3')], '2000');
    t.same((await s.incidents('2000')).map((i) => i.status), ['closed'], 'a restore after close opens nothing');
    await s.signal([cid('130', '1', 7)], '2000');
    t.same((await s.incidents('2000')).map((i) => i.status), ['closed', 'open'], 'a new alarm after close opens a new incident');

    const ids = await store.db.selectFrom('incident').select('id').orderBy('id').execute();
    t.equal(await rebuildIncidentQueue(store.db), ids.length);
    const rebuilt = await store.db.selectFrom('incident_queue').select('state').orderBy('incident_id').execute();
    const folded = await Promise.all(ids.map(async ({ id }) => (await loadIncident(store.db, id))!.state));
    t.same(rebuilt.map((r) => r.state), JSON.parse(JSON.stringify(folded)), 'the queue is the fold of the actions');
  });

  t.test('one entry with several events; customers on test; the bus after commit', async (t) => {
    const heard: string[] = [];
    s.bus.onPublished((id) => heard.push(id));

    await s.signal([cid('130', '1', 3), cid('121', '1', 1)], '3000');
    const [incident] = await s.incidents('3000');
    t.match(incident, { priority: 'emergency' }, 'two events in one frame: the second joins the incident the first opened');
    t.same(await s.kinds(incident!.incident_id), ['opened', 'alarm_joined', 'priority_raised']);
    const header = await store.db.selectFrom('incident').select('customer_id').where('account', '=', '3000').executeTakeFirstOrThrow();
    t.equal(header.customer_id, 'c-3000', 'the customer as it was at opening');
    await new Promise((resolve) => setImmediate(resolve));
    while (heard.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const last = await store.db.selectFrom('incident_action').select(({ fn }) => fn.max('id').as('id')).executeTakeFirstOrThrow();
    t.equal(heard.at(-1), String(last.id), 'the in-process bus heard the last action id once committed');

    await s.signal([cid('130')], '3001');
    t.same(await s.incidents('3001'), [], 'an alarm from a customer on test is not put in the queue (the journal keeps it)');
  });

  t.test('the database refuses to rewrite incident history', async (t) => {
    await t.rejects(sql`update incident_action set actor = 'mallory'`.execute(store.db), /HISTORY_APPEND_ONLY/);
    await t.rejects(sql`delete from incident_action`.execute(store.db), /HISTORY_APPEND_ONLY/);
    await t.rejects(sql`update incident set account = '9999'`.execute(store.db), /HISTORY_APPEND_ONLY/);
    await t.rejects(sql`delete from incident`.execute(store.db), /HISTORY_APPEND_ONLY/);
    await t.rejects(sql`truncate incident_action`.execute(store.db), /HISTORY_APPEND_ONLY/);
    t.equal((await store.db.selectFrom('incident_action').select('actor').executeTakeFirstOrThrow()).actor, 'system');
  });
});

const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');
t.test('postgres: incident actions committed on one node wake the other through LISTEN/NOTIFY', { skip: postgres ? false : 'TEST_DATABASE_URL is not set' }, async (t) => {
  const location = await postgres!.location(t);
  const { openDatabase } = await import('../../src/store/database.js');
  const store = await openDatabase(location);
  t.teardown(() => store.close());
  const s = await prepare(store.db);
  const otherNode = new IncidentBus();
  const heard = new Promise<string>((resolve) => otherNode.onPublished(resolve));
  const listener = listenForIncidentActions(location.databaseUrl!, otherNode, (err) => t.fail(err.message));
  t.teardown(() => listener.close());
  await listener.ready;
  await s.signal([cid('130')]);
  const { id } = await store.db.selectFrom('incident_action').select('id').executeTakeFirstOrThrow();
  t.equal(await heard, id);
});
