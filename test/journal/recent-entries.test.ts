import { sql } from 'kysely';
import { Registry } from 'prom-client';
import t from 'tap';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch, runConsumer, type JournalConsumer } from '../../src/journal/journal-consumer.js';
import { createJournalMetrics } from '../../src/journal/journal-metrics.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { RecentEntries } from '../../src/journal/recent-entries.js';
import type { JournalEntry, JournalWriter, Reception } from '../../src/journal/reception.js';
import { accountDirectoryOf } from '../../src/receivers/account-directory.js';
import { handleDc09Frame } from '../../src/receivers/dc09/dc09-frame-handler.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';
import { loadVectors, wireBytes } from '../helpers/vectors.js';

const entry = (seq: number): JournalEntry => ({ ...signalReception(), raw: Buffer.from('x'), seq: String(seq), nodeId: 'arc-a', duplicateOf: null });

const seqs = (entries: JournalEntry[]) => entries.map((e) => e.seq);
/** The entry memory holds for `seq`, if any. */
const held = (recent: RecentEntries, seq: string) => recent.within(String(BigInt(seq) - 1n), seq)[0];

t.test('a range gives the entries that are here, in order, and nothing for seqs that are not', async (t) => {
  const recent = new RecentEntries();
  recent.add([entry(1), entry(2), entry(4), entry(5)]); // 3: a gap, or another node's
  t.same(seqs(recent.within('0', '5')), ['1', '2', '4', '5']);
  t.same(seqs(recent.within('1', '2')), ['2']);
  t.same(seqs(recent.within('5', '7')), [], 'entries this node does not have');
});

t.test('the window keeps the newest entries up to its capacity', async (t) => {
  const recent = new RecentEntries(3);
  recent.add([entry(1), entry(2)]);
  recent.add([entry(3), entry(4)]);
  t.same(seqs(recent.within('0', '4')), ['2', '3', '4'], 'the oldest went');
  t.same(seqs(recent.within('0', '9')), [], 'a range far wider than the window is not walked');
});

/** Every DC-09 vector as the real receiver journals it: signals, unregistered accounts, refusals with their errors, encrypted frames. */
async function vectorReceptions(): Promise<Reception[]> {
  const { vectors } = loadVectors<{ vectors: { wire?: string; wire_hex?: string; key?: { hex: string }; expect: { account?: string | null } }[] }>('sia_dc09.json');
  const known = vectors.filter((v, i) => v.expect.account != null && i % 3 !== 0).map((v) => ({ number: v.expect.account!, aesKey: v.key ? Buffer.from(v.key.hex, 'hex') : null, encryptedOnly: false }));
  const receptions: Reception[] = [];
  const capture: JournalWriter = { append: async (r) => (receptions.push(r), { spooled: true }) };
  const deps = { journal: capture, accounts: accountDirectoryOf(known), unknownAccountReply: 'nak' as const, now: () => Date.parse('2026-11-23T08:00:00Z') };
  for (const v of vectors) await handleDc09Frame(wireBytes(v), { transport: 'tcp', peer: '127.0.0.1:40000' }, deps);
  return receptions;
}

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: entries handed from memory are the entries the database holds`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    const bus = new JournalBus();
    const journal = new GroupCommitJournal(store.db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus });
    const receptions = await vectorReceptions();
    t.ok(['signal', 'unregistered', 'refused'].every((o) => receptions.some((r) => r.outcome === o)), 'the vectors give every outcome a DC-09 receiver journals');
    await Promise.all([...receptions, ...receptions.slice(0, 5)].map((r) => journal.append(r))); // five retransmissions

    const taken = (name: string) => {
      const entries: JournalEntry[] = [];
      const consumer: JournalConsumer = { name, outcomes: ['signal', 'unregistered', 'refused', 'receiver'], includeDuplicates: true, async handle(_trx, batch) { entries.push(...batch); } };
      return { consumer, entries };
    };
    const fromMemory = taken('memory');
    while ((await consumeBatch(store.db, fromMemory.consumer, { batchSize: 7, recent: bus.recent })) > 0);
    const fromDatabase = taken('database');
    while ((await consumeBatch(store.db, fromDatabase.consumer, { batchSize: 7 })) > 0);

    t.equal(fromMemory.entries.length, receptions.length + 5);
    t.ok(fromMemory.entries.every((e) => e === held(bus.recent, e.seq)), 'each step took its entries from memory');
    t.ok(fromMemory.entries.some((e) => e.duplicateOf !== null), 'the database decided the duplicates, and memory has its answer');
    t.strictSame(fromMemory.entries, fromDatabase.entries, 'field by field, type by type (raw a Buffer, the error its code and message)');
  });

  t.test(`${database.name}: entries this node did not commit are read, in order, with the ones it did`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    const bus = new JournalBus();
    const here = new GroupCommitJournal(store.db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus });
    // The other node (or this node's spool, drained) commits to the same journal: its entries reach this bus as a seq only.
    const there = new GroupCommitJournal(store.db, { nodeId: 'arc-b', dedupWindowMs: 120_000, bus: new JournalBus() });
    const appended: JournalEntry[] = [];
    for (let i = 0; i < 12; i++) appended.push(await (i === 3 || i === 9 ? there : here).append(signalReception({ dedupKey: `k${i}` })));

    const batches: JournalEntry[][] = [];
    const consumer: JournalConsumer = { name: 'incidents', async handle(_trx, entries) { batches.push([...entries]); } };
    while ((await consumeBatch(store.db, consumer, { batchSize: 3, recent: bus.recent })) > 0);
    t.same(batches.flat().map((e) => [e.seq, e.nodeId]), appended.map((e) => [e.seq, e.nodeId]), 'every entry once, in seq order');
    const fromMemory = batches.flat().filter((e) => e === held(bus.recent, e.seq));
    t.same(seqs(fromMemory), seqs(appended.filter((e) => e.nodeId === 'arc-a')), 'this node\'s entries came from memory, the other\'s were read');
  });

  t.test(`${database.name}: a gap in the seqs is no entry; an entry memory holds that the journal does not is not believed`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    const bus = new JournalBus();
    const journal = new GroupCommitJournal(store.db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus });
    const before = [await journal.append(signalReception({ dedupKey: 'a' })), await journal.append(signalReception({ dedupKey: 'b' }))];
    const { rows } = await sql<{ seq: string }>`select nextval('journal_seq_seq')::text as seq`.execute(store.db); // what a rolled-back append leaves
    const gap = rows[0]!.seq;
    const after = [await journal.append(signalReception({ dedupKey: 'c' })), await journal.append(signalReception({ dedupKey: 'd' }))];

    const taken: JournalEntry[] = [];
    const consumer: JournalConsumer = { name: 'incidents', async handle(_trx, entries) { taken.push(...entries); } };
    t.equal(await consumeBatch(store.db, consumer, { batchSize: 10, recent: bus.recent }), 4);
    t.same(seqs(taken), seqs([...before, ...after]), 'the four entries, the gap passed over');
    t.ok(taken.every((e) => e === held(bus.recent, e.seq)), 'all from memory: the count of the range says it is whole');

    // Memory claiming an entry at a seq the journal has none at (which a reissued seq would mean):
    // the counts disagree, and the step reads its range from the journal instead.
    bus.recent.add([{ ...before[1]!, seq: gap, dedupKey: 'phantom' }]);
    const again: JournalEntry[] = [];
    await consumeBatch(store.db, { name: 'supervision', async handle(_trx, entries) { again.push(...entries); } }, { batchSize: 10, recent: bus.recent });
    t.same(again.map((e) => e.dedupKey), ['a', 'b', 'c', 'd'], 'only what the journal holds');
    t.ok(again.every((e) => e !== held(bus.recent, e.seq)), 'read from the journal');
  });

  t.test(`${database.name}: a running consumer's metrics say how far behind it is and where its entries came from`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    const bus = new JournalBus();
    const here = new GroupCommitJournal(store.db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus });
    const there = new GroupCommitJournal(store.db, { nodeId: 'arc-b', dedupWindowMs: 120_000, bus: new JournalBus() });
    for (let i = 0; i < 5; i++) await here.append(signalReception({ dedupKey: `a${i}` }));
    const last = await there.append(signalReception({ dedupKey: 'b' }));
    bus.committed(last.seq); // as LISTEN tells of the other node's commit

    const registry = new Registry();
    const metrics = createJournalMetrics(registry);
    const value = async (name: string, labels: Record<string, string>) => (await registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let steps = 0;
    let stepped: () => void = () => {};
    const firstStepDone = new Promise<void>((resolve) => (stepped = resolve));
    const handled: string[] = [];
    const consumer: JournalConsumer = {
      name: 'incidents',
      async handle(_trx, entries) {
        handled.push(...entries.map((e) => e.seq));
        if (++steps === 2) {
          stepped();
          await held; // the second step waits: the gauge shows the first step's lag
        }
      },
    };
    const running = runConsumer(store.db, consumer, { bus, batchSize: 2, pollMs: 60_000, metrics });
    t.teardown(() => running.stop());
    await firstStepDone;
    t.equal(await value('arc_journal_consumer_lag', { consumer: 'incidents' }), 4, 'two of six taken: four behind');
    release();
    while (handled.length < 6) await new Promise((r) => setTimeout(r, 10));
    await running.stop();
    t.equal(await value('arc_journal_consumer_lag', { consumer: 'incidents' }), 0, 'caught up');
    t.equal(await value('arc_journal_consumer_entries_total', { consumer: 'incidents', source: 'memory' }), 5, "this node's five from memory");
    t.equal(await value('arc_journal_consumer_entries_total', { consumer: 'incidents', source: 'database' }), 1, "the other node's one read");
  });
}
