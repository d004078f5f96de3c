// npm run bench -- incident-drain [--alarms N] [--accounts A]   (PostgreSQL: the cursor is watched from a second connection)
// The incidents consumer on a backlog: N alarms from A accounts are journaled first (as the
// simulated panels word them: burglary, fire and panic in turn, zones 1-99), then `arc serve`'s
// whole stack starts and its incidents consumer, with the verification engine and its effects
// (110 outbox, guard requests, tickets) and the workers behind them, drains the backlog. A
// backlog is what a storm or a failover leaves; reports how fast it drains, and the CPU each
// alarm costs in arc (its one thread) and in PostgreSQL: what the console bench's latency is made
// of on a shared machine, and a figure that holds when other work runs beside the benchmark.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startArc } from '../src/cli/start-arc.js';
import { GroupCommitJournal } from '../src/journal/group-commit-journal.js';
import { JournalBus } from '../src/journal/journal-bus.js';
import { dc09DedupKey } from '../src/journal/dedup-key.js';
import { createLogger } from '../src/observability/logger.js';
import { PanelMessageSource } from '../src/panel-sim/panel-messages.js';
import { decodeFrame } from '../src/protocols/decode-frame.js';
import { encodeDc09 } from '../src/protocols/dc09/encode-dc09.js';
import { openDatabase } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrations.js';
import { benchArcConfig } from './support/bench-arc-config.js';
import { importBenchCustomers } from './support/bench-customers.js';
import { cpuMark, cpuShare } from './measure.js';

const { values: opts } = parseArgs({
  options: { alarms: { type: 'string', default: '20000' }, accounts: { type: 'string', default: '200' } },
});
const ALARMS = Number(opts.alarms);
const ACCOUNTS = Number(opts.accounts);
const ACCOUNT_BASE = 40000;

const scratch = await benchArcConfig('postgres', 'drain');
const { config, database } = scratch;
try {
  const setup = await openDatabase(config);
  await migrateToLatest(setup.db);
  await importBenchCustomers(setup.db, ACCOUNTS, ACCOUNT_BASE);
  // The backlog, one second of receive time per 1,000 alarms (a storm's pace), journaled as the receiver would.
  const journal = new GroupCommitJournal(setup.db, { nodeId: 'bench', dedupWindowMs: 120_000, bus: new JournalBus() });
  const sources = Array.from({ length: ACCOUNTS }, () => new PanelMessageSource(1));
  const start = Date.now() - ALARMS;
  const appends: Promise<unknown>[] = [];
  for (let i = 0; i < ALARMS; i++) {
    const a = i % ACCOUNTS;
    const account = String(ACCOUNT_BASE + a);
    const message = sources[a]!.next(account);
    const raw = encodeDc09({ token: message.token, seq: Math.floor(i / ACCOUNTS) % 10_000, prefix: '0', account, data: message.data });
    const decoded = decodeFrame(raw, 'dc09', { now: Date.now() });
    if (!decoded.ok) throw new Error(`bench frame did not decode: ${decoded.error.message}`);
    const frame = decoded.value.frame as Parameters<typeof dc09DedupKey>[0];
    appends.push(journal.append({ transport: 'tcp', receiver: 'dc09', peer: '127.0.0.1:40000', receivedAt: start + i, raw, format: 'dc09', account, outcome: 'signal', error: null, frame, events: decoded.value.events, dedupKey: `${dc09DedupKey(frame)}#${i}` }));
    if (appends.length >= 2_000) await Promise.all(appends.splice(0));
  }
  await Promise.all(appends);
  await journal.close();
  const { seq: last } = await setup.db.selectFrom('journal').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow();

  const cpu = cpuMark(database);
  const began = performance.now();
  const arc = await startArc(config, createLogger(config, process.stdout));
  let drainedAt = 0;
  try {
    const cursor = () => setup.db.selectFrom('journal_cursor').select('seq').where('consumer', '=', 'incidents').executeTakeFirst();
    for (;;) {
      if ((await cursor())?.seq === String(last)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    drainedAt = performance.now();
    const used = cpuShare(cpu, 0);
    const seconds = (drainedAt - began) / 1000;
    const perThousand = (pct: number | null) => (pct === null ? '-' : `${Math.round(((pct / 100) * seconds * 1000 * 1000) / ALARMS)} ms`);
    const kinds = await setup.db.selectFrom('incident_action').select(['kind', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('kind').orderBy('n', 'desc').execute();
    const actions = { n: kinds.reduce((sum, k) => sum + Number(k.n), 0), byKind: kinds.map((k) => `${k.kind} ${k.n}`).join(', ') };
    console.log(`bench incident-drain (postgres): ${ALARMS} journaled alarms from ${ACCOUNTS} accounts, drained by arc serve's incidents consumer with verification`);
    console.log(`  drained in ${seconds.toFixed(2)} s: ${Math.round(ALARMS / seconds)} alarms/s; ${actions.n} incident actions written (${actions.byKind})`);
    console.log(`  CPU per 1,000 alarms: arc ${perThousand(used.self)}, postgres ${perThousand(used.postgres)} (arc ${used.self} %, postgres ${used.postgres ?? '-'} %, rest of machine ${used.others ?? '-'} % of one core; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    console.log('  method: the window runs from arc serve starting (its start-up included) to the consumer\'s cursor reaching the last journaled seq.');
  } finally {
    await arc.stop();
    await setup.close();
  }
} finally {
  await scratch.cleanup();
}
