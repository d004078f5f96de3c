import { sql, type Kysely } from 'kysely';
import t from 'tap';
import { assertTerm, CONSUMERS_LEASE, isStaleTermError, StaleTermError } from '../../src/failover/assert-term.js';
import { ensureLease, readLease, releaseLease, takeLease } from '../../src/failover/lease-store.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch, consumerCursor, type JournalConsumer } from '../../src/journal/journal-consumer.js';
import type { Database } from '../../src/store/database-schema.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';
import { TTL_MS } from './failover-test-kit.js';

const lease = (nodeId: string) => ({ name: CONSUMERS_LEASE, nodeId, ttlMs: TTL_MS });

/** A consumer's write: its effect and its cursor, fenced by `term` (the fence first, as consumers call it). */
const fencedWrite = (db: Kysely<Database>, term: number, seq: string) =>
  db.transaction().execute(async (trx) => {
    await assertTerm(trx, term);
    await trx.insertInto('journal_cursor').values({ consumer: 'fenced', seq }).onConflict((oc) => oc.column('consumer').doUpdateSet({ seq })).execute();
  });

const cursor = async (db: Kysely<Database>) => (await db.selectFrom('journal_cursor').select('seq').where('consumer', '=', 'fenced').executeTakeFirst())?.seq;

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: a write under a stale term is refused and rolls back`, async (t) => {
    const { db } = await database.open(t);
    await migrateToLatest(db);
    await ensureLease(db, CONSUMERS_LEASE);

    const first = await takeLease(db, lease('node-a'));
    t.match(first, { term: 1, reason: 'first', previousHolder: null, takeoverMs: null }, 'the first node takes the free lease under term 1');
    await fencedWrite(db, 1, '10');
    t.equal(await cursor(db), '10', 'the leader writes under its term');
    t.equal(await takeLease(db, lease('node-b')), undefined, 'a standby cannot take a lease that has not lapsed');

    await releaseLease(db, { name: CONSUMERS_LEASE, nodeId: 'node-a', term: 1 });
    await t.rejects(fencedWrite(db, 1, '11'), { name: 'StaleTermError', code: 'STALE_TERM', term: 1 }, 'a lapsed lease fences its own term before anyone takes it');
    const second = await takeLease(db, lease('node-b'));
    t.match(second, { term: 2, reason: 'lapsed', previousHolder: 'node-a', previousTerm: 1 }, 'a lapsed lease is taken under a higher term');
    t.ok(second!.takeoverMs! >= 0, 'the takeover time is measured from the old expiry');

    await t.rejects(fencedWrite(db, 1, '12'), StaleTermError, 'the deposed leader (term 1) is refused');
    t.equal(await cursor(db), '10', 'and nothing it wrote remains');

    // The fence also undoes what the transaction wrote before it.
    const late = db.transaction().execute(async (trx) => {
      await trx.updateTable('journal_cursor').set({ seq: '13' }).where('consumer', '=', 'fenced').execute();
      await assertTerm(trx, 1);
    });
    await t.rejects(late, { code: 'STALE_TERM' });
    t.equal(await cursor(db), '10', 'the whole transaction rolled back');

    await t.rejects(fencedWrite(db, 3, '14'), StaleTermError, 'a term from the future is refused too');
    await fencedWrite(db, 2, '15');
    t.equal(await cursor(db), '15', 'the new leader writes under term 2');

    // The database's own error, for writers that call the function in SQL.
    const raw = await sql`select arc_assert_term(${CONSUMERS_LEASE}, 1)`.execute(db).catch((err: unknown) => err);
    t.ok(isStaleTermError(raw), 'SQLSTATE AR409');
    t.match((raw as Error).message, /^STALE_TERM: term 1 of lease consumers is not current \(current: 2\)/);
    t.ok(isStaleTermError(await sql`select arc_assert_term('no-such-lease', 1)`.execute(db).catch((err: unknown) => err)), 'a lease that does not exist fences everything');

    t.match(await readLease(db, CONSUMERS_LEASE), { holder: 'node-b', term: 2, expired: false, handoverTo: null });
    const changes = await db.selectFrom('leadership_change').select(['term', 'holder', 'previous_holder', 'reason']).orderBy('id').execute();
    t.same(changes, [
      { term: '1', holder: 'node-a', previous_holder: null, reason: 'first' },
      { term: '2', holder: 'node-b', previous_holder: 'node-a', reason: 'lapsed' },
    ], 'every change of holder is logged');
    await t.rejects(sql`update leadership_change set holder = 'x'`.execute(db), /HISTORY_APPEND_ONLY/, 'the log is append-only');
    await t.rejects(db.deleteFrom('leadership_change').execute(), /HISTORY_APPEND_ONLY/);
  });

  t.test(`${database.name}: a journal consumer's step under a stale term reads nothing and moves nothing`, async (t) => {
    const { db } = await database.open(t);
    await migrateToLatest(db);
    await ensureLease(db, CONSUMERS_LEASE);
    const journal = new GroupCommitJournal(db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus: new JournalBus() });
    t.teardown(() => journal.close());
    const first = await journal.append(signalReception({ dedupKey: 'a' }));
    const second = await journal.append(signalReception({ dedupKey: 'b' }));
    const handled: string[] = [];
    const consumer: JournalConsumer = { name: 'fenced-consumer', async handle(_trx, entries) { handled.push(...entries.map((e) => e.seq)); } };

    t.equal((await takeLease(db, lease('node-a')))?.term, 1);
    t.equal(await consumeBatch(db, consumer, { batchSize: 1, fence: { lease: CONSUMERS_LEASE, term: 1 } }), 1, 'the leader steps under its term');
    t.same(handled, [first.seq]);

    await releaseLease(db, { name: CONSUMERS_LEASE, nodeId: 'node-a', term: 1 });
    t.equal((await takeLease(db, lease('node-b')))?.term, 2);
    await t.rejects(consumeBatch(db, consumer, { batchSize: 1, fence: { lease: CONSUMERS_LEASE, term: 1 } }), { name: 'StaleTermError', code: 'STALE_TERM', term: 1 }, 'the deposed leader is refused');
    t.same(handled, [first.seq], 'before its consumer was handed anything');
    t.equal(await consumerCursor(db, 'fenced-consumer'), first.seq, 'and its cursor stayed where it was');

    t.equal(await consumeBatch(db, consumer, { batchSize: 10, fence: { lease: CONSUMERS_LEASE, term: 2 } }), 1, 'the new leader goes on from there');
    t.same(handled, [first.seq, second.seq], 'each entry once');
  });
}
