import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import t from 'tap';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch, consumerCursor, runConsumer, type JournalConsumer } from '../../src/journal/journal-consumer.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { listenForJournalCommits } from '../../src/journal/pg-journal-listener.js';
import type { Database } from '../../src/store/database-schema.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { arcEnv } from '../helpers/arc-process.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';

const journalOf = (db: Kysely<Database>, bus = new JournalBus()) => new GroupCommitJournal(db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus });

/** A consumer whose only effect is a row per entry, so that "exactly once" can be counted. */
const effects: JournalConsumer = {
  name: 'effects',
  async handle(trx, entries) {
    for (const e of entries) await sql`insert into consumer_effect (seq) values (${e.seq})`.execute(trx);
  },
};

async function prepare(db: Kysely<Database>): Promise<void> {
  await migrateToLatest(db);
  await sql`create table consumer_effect (seq bigint not null)`.execute(db);
}

async function effectCounts(db: Kysely<Database>): Promise<{ rows: number; distinct: number }> {
  const { rows } = await sql<{ rows: string; distinct: string }>`select count(*)::text as rows, count(distinct seq)::text as distinct from consumer_effect`.execute(db);
  return { rows: Number(rows[0]!.rows), distinct: Number(rows[0]!.distinct) };
}

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: a consumer gets each signal once, passes over duplicates and the rest, and keeps its place`, async (t) => {
    const store = await database.open(t);
    await prepare(store.db);
    const journal = journalOf(store.db);
    const a = await journal.append(signalReception({ dedupKey: 'a' }));
    await journal.append(signalReception({ dedupKey: 'a' })); // a retransmission
    await journal.append(signalReception({ outcome: 'unregistered', account: '9999' }));
    await journal.append(signalReception({ outcome: 'refused', error: { code: 'CRC_MISMATCH', message: 'x' } }));
    const b = await journal.append(signalReception({ dedupKey: 'b' }));

    const seen: string[] = [];
    const recording: JournalConsumer = { name: 'recording', async handle(_trx, entries) { seen.push(...entries.map((e) => e.seq)); } };
    t.equal(await consumeBatch(store.db, recording, { batchSize: 2 }), 2, 'reads at most the batch size');
    t.equal(await consumeBatch(store.db, recording, { batchSize: 10 }), 3);
    t.equal(await consumeBatch(store.db, recording, { batchSize: 10 }), 0, 'then it is caught up');
    t.same(seen, [a.seq, b.seq], 'signals only, and a retransmitted signal once');
    t.equal(await consumerCursor(store.db, 'recording'), b.seq);

    const everything: string[] = [];
    await consumeBatch(store.db, { name: 'supervision', outcomes: ['signal', 'unregistered'], includeDuplicates: true, async handle(_trx, entries) { everything.push(...entries.map((e) => e.outcome)); } });
    t.same(everything, ['signal', 'signal', 'unregistered', 'signal'], 'a consumer may ask for duplicates and other outcomes');
  });

  t.test(`${database.name}: a consumer that throws mid-batch leaves neither effects nor a moved cursor`, async (t) => {
    const store = await database.open(t);
    await prepare(store.db);
    const journal = journalOf(store.db);
    for (let i = 0; i < 5; i++) await journal.append(signalReception({ dedupKey: `k${i}` }));
    let calls = 0;
    const failing: JournalConsumer = { ...effects, async handle(trx, entries) { await effects.handle(trx, entries.slice(0, 2)); if (++calls === 1) throw new Error('effect failed'); await effects.handle(trx, entries.slice(2)); } };
    await t.rejects(consumeBatch(store.db, failing), /effect failed/);
    t.same(await effectCounts(store.db), { rows: 0, distinct: 0 });
    t.equal(await consumerCursor(store.db, 'effects'), '0');
    await consumeBatch(store.db, failing);
    t.same(await effectCounts(store.db), { rows: 5, distinct: 5 }, 'the retry does the whole batch, once');
  });

  t.test(`${database.name}: a consumer process SIGKILLed mid-batch resumes with every entry handled exactly once`, async (t) => {
    const location = await database.location(t);
    let store = await openDatabase(location);
    await prepare(store.db);
    const journal = journalOf(store.db);
    await Promise.all(Array.from({ length: 20 }, (_, i) => journal.append(signalReception({ dedupKey: `k${i}` }))));
    await store.close(); // the child takes the embedded database's lock

    const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', 'consumer-killed-mid-batch.mjs')], {
      env: arcEnv({ ...location.env, KILL_AFTER: '7' }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    t.equal(signal, 'SIGKILL');
    t.match(out, /killing after 7/);

    store = await openDatabase(location);
    t.teardown(() => store.close());
    t.same(await effectCounts(store.db), { rows: 0, distinct: 0 }, 'the 7 effects written before the kill were never committed');
    t.equal(await consumerCursor(store.db, 'effects'), '0', 'nor was the cursor');
    while ((await consumeBatch(store.db, effects, { batchSize: 8 })) > 0);
    t.same(await effectCounts(store.db), { rows: 20, distinct: 20 }, 'after restart: all 20, each once');
  });

  t.test(`${database.name}: a running consumer is woken by the bus, not by its poll`, async (t) => {
    const store = await database.open(t);
    await prepare(store.db);
    const bus = new JournalBus();
    const journal = journalOf(store.db, bus);
    const handled: string[] = [];
    let woke: () => void = () => {};
    const running = runConsumer(store.db, { name: 'live', async handle(_trx, entries) { handled.push(...entries.map((e) => e.seq)); woke(); } }, { bus, pollMs: 60_000 });
    t.teardown(() => running.stop());
    const done = new Promise<void>((resolve) => (woke = resolve));
    const entry = await journal.append(signalReception());
    await done; // with a 60 s poll, only the bus can bring it here before tap's timeout
    t.same(handled, [entry.seq]);
  });

  t.test(`${database.name}: with gatherMs, what is committed while it gathers is one batch, and stop does not wait for the gathering`, async (t) => {
    const store = await database.open(t);
    await prepare(store.db);
    const bus = new JournalBus();
    const journal = journalOf(store.db, bus);
    const batches: string[][] = [];
    const waiters: (() => void)[] = [];
    const batch = () => new Promise<void>((resolve) => waiters.push(resolve));
    const running = runConsumer(store.db, { name: 'gathering', async handle(_trx, entries) { batches.push(entries.map((e) => e.seq)); waiters.shift()?.(); } }, { bus, pollMs: 60_000, gatherMs: 3_000 });
    const first = batch();
    const lone = await journal.append(signalReception());
    await first;
    const second = batch();
    const rest: string[] = [];
    for (let i = 0; i < 5; i++) rest.push((await journal.append(signalReception())).seq);
    await second;
    t.same(batches, [[lone.seq], rest], 'five commits while it gathered: one batch, not five');
    // It is gathering again now (3 s); stopping must not wait for that, let alone the 60 s poll.
    const stopping = Date.now();
    await running.stop();
    t.ok(Date.now() - stopping < 2_000, 'stopped without waiting out the gathering');
  });
}

const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');
t.test('postgres: a commit by the other node wakes this node through LISTEN/NOTIFY', { skip: postgres ? false : 'TEST_DATABASE_URL is not set' }, async (t) => {
  const location = await postgres!.location(t);
  const nodeA = await openDatabase(location);
  const nodeB = await openDatabase(location);
  t.teardown(async () => { await nodeA.close(); await nodeB.close(); });
  await migrateToLatest(nodeA.db);
  const busA = new JournalBus();
  const heard = new Promise<string>((resolve) => busA.onCommitted(resolve));
  const listener = listenForJournalCommits(location.databaseUrl!, busA, (err) => t.fail(err.message));
  t.teardown(() => listener.close());
  await listener.ready;
  const entry = await journalOf(nodeB.db).append(signalReception({ receiver: 'node-b' }));
  t.equal(await heard, entry.seq, "node A's bus heard node B's commit");
});
