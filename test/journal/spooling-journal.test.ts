import { Writable } from 'node:stream';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import t, { type Test } from 'tap';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { batchRow } from '../../src/journal/journal-rows.js';
import type { Reception } from '../../src/journal/reception.js';
import { SpoolFile } from '../../src/journal/spool/spool-file.js';
import { createSpoolMetrics } from '../../src/journal/spool/spool-metrics.js';
import { SpoolingJournal } from '../../src/journal/spool/spooling-journal.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';

const WINDOW_MS = 120_000;
const silent = createLogger({ logLevel: 'silent', nodeId: 'test', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));

/**
 * The real group-commit journal, with one switch a test flips: `failing` makes its commits
 * reject, `hanging` makes them never settle (the database gone quiet), as a cut-off server would.
 */
class SwitchableJournal extends GroupCommitJournal {
  failing = false;
  hanging = false;
  override append(reception: Reception) {
    if (this.failing) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    if (this.hanging) return new Promise<never>(() => undefined);
    return super.append(reception);
  }
}

async function world(t: Test, store: Store, spoolPath: string, warnBytes = 1_000_000) {
  const bus = new JournalBus();
  const journal = new SwitchableJournal(store.db, { nodeId: 'arc-a', dedupWindowMs: WINDOW_MS, bus });
  const spool = await SpoolFile.open(spoolPath, { maxBytes: 10_000_000 });
  const registry = new Registry();
  const thresholds: { over: boolean; bytes: number }[] = [];
  const receiving = new SpoolingJournal({ db: store.db, journal, spool, nodeId: 'arc-a', dedupWindowMs: WINDOW_MS, bus, logger: silent, metrics: createSpoolMetrics(registry), spoolAfterMs: 200, warnBytes, retryMs: 20, onThreshold: (over, bytes) => thresholds.push({ over, bytes }) });
  t.teardown(() => receiving.close());
  const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.reduce((sum, v) => sum + v.value, 0);
  const rows = () => store.db.selectFrom('journal').select(['peer', 'dedup_key', 'duplicate_of', 'received_at']).orderBy('seq').execute();
  const drained = () => receiving.settled();
  return { journal, receiving, metric, rows, drained, thresholds };
}

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the spooling journal`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    // Not t.testdir: the embedded database already lives in this test's directory.
    const dir = await mkdtemp(join(tmpdir(), 'arc-spool-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));

    await t.test('while commits fail, receptions are spooled (durable, so ACKed), and later ones too; once the database is back they reach the journal in order, with their own receive times', async (t) => {
      const w = await world(t, store, join(dir, 'a.jsonl'));
      t.match(await w.receiving.append(signalReception({ peer: 'p:1', dedupKey: 'a1' })), { seq: String }, 'the database up: straight to the journal');
      w.journal.failing = true;
      t.same(await w.receiving.append(signalReception({ peer: 'p:2', dedupKey: 'a2', receivedAt: Date.parse('2026-11-23T08:00:02Z') })), { spooled: true });
      w.journal.failing = false;
      // The database answers again, but the spool drains first: p:3 queues behind p:2.
      const third = await w.receiving.append(signalReception({ peer: 'p:3', dedupKey: 'a3' }));
      t.ok('spooled' in third || 'seq' in third);
      await w.drained();
      t.same((await w.rows()).map((r) => r.peer), ['p:1', 'p:2', 'p:3'], 'in the order they came');
      t.equal((await w.rows())[1]!.received_at.toISOString(), '2026-11-23T08:00:02.000Z', 'when it was received, not when it was drained');
      t.equal(await w.metric('arc_spooled_total'), await w.metric('arc_spool_drained_total'));
      t.match(await w.receiving.append(signalReception({ peer: 'p:4', dedupKey: 'a4' })), { seq: String }, 'drained: straight to the journal again');
    });

    await t.test('under steady traffic the spool still empties and hands back to the journal while receptions keep coming, in order', async (t) => {
      const w = await world(t, store, join(dir, 'e.jsonl'));
      w.journal.failing = true;
      t.same(await w.receiving.append(signalReception({ peer: 'e:0', dedupKey: 'e0' })), { spooled: true });
      w.journal.failing = false;
      // Four senders, each with one reception out at a time (as panels are): there is always
      // one arriving while the drainer commits, so "drained when the spool is seen empty" would never come.
      const until = Date.now() + 1_500;
      let n = 0;
      const outcomes: { peer: string; direct: boolean; at: number }[] = [];
      await Promise.all(
        [0, 1, 2, 3].map(async () => {
          while (Date.now() < until) {
            const peer = `e:${++n}`;
            const result = await w.receiving.append(signalReception({ peer, dedupKey: `e${n}` }));
            outcomes.push({ peer, direct: 'seq' in result, at: Date.now() });
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        }),
      );
      await w.drained();
      const handedBack = outcomes.find((o) => o.direct)?.at ?? Infinity;
      t.ok(handedBack < until - 500, `the spool handed back to the journal under load (${handedBack < Infinity ? `${until - handedBack} ms before the end` : 'never'}; ${n} receptions)`);
      t.same(outcomes.filter((o) => o.at > handedBack && !o.direct), [], 'and stayed with it');
      const peers = (await w.rows()).map((r) => r.peer).filter((p) => p.startsWith('e:'));
      t.same(peers, Array.from({ length: n + 1 }, (_, i) => `e:${i}`), 'every reception is journaled once, in the order they came');
    });

    await t.test('past its threshold the spool is a trouble, told once, and its end told once it has drained under it', async (t) => {
      // What an outage left: the drainer here reaches the database even while the journal's own
      // commits are made to fail, so the backlog is written before the start, as after a restart.
      const path = join(dir, 'f.jsonl');
      const leftover = await SpoolFile.open(path, { maxBytes: 1_000_000 });
      for (let i = 0; i < 10; i++) await leftover.append(JSON.stringify(batchRow(signalReception({ peer: `f:${i}`, dedupKey: `f${i}` }), WINDOW_MS)));
      await leftover.close();
      const w = await world(t, store, path, 2_000);
      t.match(w.thresholds, [{ over: true, bytes: Number }], 'told, once, that the undrained spool is past 2,000 bytes');
      t.ok(w.thresholds[0]!.bytes > 2_000, `${w.thresholds[0]!.bytes} bytes`);
      t.equal(await w.metric('arc_spool_over_threshold'), 1);
      w.receiving.start();
      await w.drained();
      t.match(w.thresholds, [{ over: true }, { over: false }], 'and told again once drained under it');
      t.equal(await w.metric('arc_spool_over_threshold'), 0);
      t.equal((await w.rows()).filter((r) => r.peer.startsWith('f:')).length, 10);
    });

    await t.test('a commit that hangs is given up on after spoolAfterMs: the reception is spooled and ACKed', async (t) => {
      const w = await world(t, store, join(dir, 'b.jsonl'));
      w.journal.hanging = true;
      const started = Date.now();
      t.same(await w.receiving.append(signalReception({ peer: 'p:5', dedupKey: 'b5' })), { spooled: true });
      t.ok(Date.now() - started < 2_000, 'answered within the panels\' patience');
      w.journal.hanging = false;
      await w.drained();
      t.equal((await w.rows()).filter((r) => r.peer === 'p:5').length, 1);
      t.equal(await w.metric('arc_spooled_total'), 1);
    });

    await t.test('a reception whose slow commit landed after all, and was spooled too, is journaled as a duplicate: processed once', async (t) => {
      const w = await world(t, store, join(dir, 'c.jsonl'));
      const reception = signalReception({ peer: 'p:6', dedupKey: 'c6' });
      await w.journal.append(reception); // the commit that landed late
      w.journal.failing = true;
      await w.receiving.append(reception);
      w.journal.failing = false;
      await w.drained();
      const copies = (await w.rows()).filter((r) => r.dedup_key === 'c6');
      t.equal(copies.length, 2);
      t.equal(copies.filter((r) => r.duplicate_of === null).length, 1, 'one signal, one duplicate');
    });

    await t.test('what an earlier run left in the spool is drained at start; a line the database refuses is set aside, never lost, and does not stop the rest', async (t) => {
      const path = join(dir, 'd.jsonl');
      const leftover = await SpoolFile.open(path, { maxBytes: 1_000_000 });
      await leftover.append(JSON.stringify(batchRow(signalReception({ peer: 'p:7', dedupKey: 'd7' }), WINDOW_MS)));
      await leftover.append('{"transport": "tcp", "received_at": "not a time"}');
      await leftover.append(JSON.stringify(batchRow(signalReception({ peer: 'p:8', dedupKey: 'd8' }), WINDOW_MS)));
      await leftover.close();

      const w = await world(t, store, path);
      t.equal(w.receiving.depth, 3);
      w.receiving.start();
      await w.drained();
      const peers = (await w.rows()).map((r) => r.peer);
      t.ok(peers.includes('p:7') && peers.includes('p:8'), 'the good lines are journaled');
      t.equal(await w.metric('arc_spool_quarantined_total'), 1);
      const rejected = (await readFile(`${path}.rejected`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { error: string; line: string });
      t.equal(rejected.length, 1);
      t.match(rejected[0], { line: /not a time/, error: /./ }, 'set aside with the database\'s reason');
      t.equal(w.receiving.depth, 0);
    });
  });
}
