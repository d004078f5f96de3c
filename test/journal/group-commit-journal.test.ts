import t from 'tap';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';

const WINDOW_MS = 120_000;

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: concurrent appends commit in batches, in order, each resolved only once durable`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    const batches: number[] = [];
    const bus = new JournalBus();
    const announced: string[] = [];
    bus.onCommitted((seq) => announced.push(seq));
    const journal = new GroupCommitJournal(store.db, { nodeId: 'arc-a', dedupWindowMs: WINDOW_MS, bus, onBatch: (n) => batches.push(n) });

    const entries = await Promise.all(Array.from({ length: 300 }, (_, i) => journal.append(signalReception({ peer: `10.0.0.1:${i}`, dedupKey: `k${i}` }))));
    const seqs = entries.map((e) => BigInt(e.seq));
    t.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!), 'seq follows the order of append');
    t.equal(batches.reduce((a, b) => a + b, 0), 300, 'every append was in exactly one batch');
    t.ok(batches.length < 300, `appends shared transactions (${batches.length} batches)`);
    t.equal(announced[announced.length - 1], entries[299]!.seq, 'the bus heard the last commit');

    const rows = await store.db.selectFrom('journal').select(['seq', 'peer', 'node_id', 'raw', 'received_at']).orderBy('seq').execute();
    t.equal(rows.length, 300, 'every resolved append is a row');
    t.same(rows.map((r) => r.peer), entries.map((e) => e.peer));
    t.equal(rows[0]!.node_id, 'arc-a');
    t.same(Buffer.from(rows[0]!.raw), Buffer.from(signalReception().raw), 'raw bytes kept exactly');
    t.equal(rows[0]!.received_at.toISOString(), '2026-11-23T08:00:00.000Z');
  });

  t.test(`${database.name}: a retransmission inside the window is recorded as a duplicate of the first`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    const journal = new GroupCommitJournal(store.db, { nodeId: 'arc-a', dedupWindowMs: WINDOW_MS, bus: new JournalBus() });
    const at = Date.parse('2026-11-23T08:00:00Z');
    const first = await journal.append(signalReception({ dedupKey: 'same', receivedAt: at }));
    // The same batch: the second of a pair inside one transaction is caught too.
    const [retry, fromOtherNode] = await Promise.all([
      journal.append(signalReception({ dedupKey: 'same', receivedAt: at + 30_000 })),
      journal.append(signalReception({ dedupKey: 'same', receivedAt: at + 31_000, transport: 'udp' })),
    ]);
    t.equal(first.duplicateOf, null);
    t.equal(retry.duplicateOf, first.seq);
    t.equal(fromOtherNode.duplicateOf, first.seq);
    const later = await journal.append(signalReception({ dedupKey: 'same', receivedAt: at + WINDOW_MS + 1 }));
    t.equal(later.duplicateOf, null, 'past the window it is a new signal');
    const shortA = await journal.append(signalReception({ dedupKey: 'serial', receivedAt: at, dedupWindowMs: 30_000 }));
    const shortB = await journal.append(signalReception({ dedupKey: 'serial', receivedAt: at + 10_000, dedupWindowMs: 30_000 }));
    const shortC = await journal.append(signalReception({ dedupKey: 'serial', receivedAt: at + 60_000, dedupWindowMs: 30_000 }));
    t.same([shortA.duplicateOf, shortB.duplicateOf, shortC.duplicateOf], [null, shortA.seq, null], 'a reception may bring its own, shorter window');
    const refusedA = await journal.append(signalReception({ outcome: 'refused', dedupKey: null }));
    const refusedB = await journal.append(signalReception({ outcome: 'refused', dedupKey: null }));
    t.same([refusedA.duplicateOf, refusedB.duplicateOf], [null, null], 'refused frames are never merged');
    const rows = await store.db.selectFrom('journal').select(['seq', 'duplicate_of']).orderBy('seq').execute();
    t.equal(rows.length, 9, 'every reception stays on record');
    t.same(rows.map((r) => r.duplicate_of), [null, first.seq, first.seq, null, null, shortA.seq, null, null, null]);
  });

  t.test(`${database.name}: when the database cannot commit, every append in the batch rejects`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    const journal = new GroupCommitJournal(store.db, { nodeId: 'arc-a', dedupWindowMs: WINDOW_MS, bus: new JournalBus() });
    await journal.append(signalReception());
    await store.close();
    const results = await Promise.allSettled([journal.append(signalReception()), journal.append(signalReception())]);
    t.same(results.map((r) => r.status), ['rejected', 'rejected'], 'no append resolves, so no receiver ACKs');
    await journal.close();
    await t.rejects(journal.append(signalReception()), { code: 'JOURNAL_CLOSED' });
  });
}
