// A node in a process of its own, for tests that freeze it (SIGSTOP) as a stalled VM or a long
// pause would. Run with `node --import tsx keeper-child.ts`; DATABASE_URL, NODE_ID, RENEW_MS,
// TTL_MS in the environment. Prints one JSON object per line (lead, lose, holding, commit,
// write, status) and obeys one command per line on stdin (hold, commit, write, status, stop).
import { createInterface } from 'node:readline';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { assertTerm } from '../../src/failover/assert-term.js';
import { startLeaseKeeper } from '../../src/failover/lease-keeper.js';
import type { Database } from '../../src/store/database-schema.js';

const emit = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const env = process.env;

// Run by the test runner as a file of test/failover (no NODE_ID): nothing to do.
if (env.NODE_ID !== undefined) await main();

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
  pool.on('error', (err) => emit({ event: 'pool-error', message: err.message }));
  // A checked-out connection the server ends (the fence's idle timeout) must not crash the process.
  pool.on('connect', (client) => client.on('error', (err) => emit({ event: 'connection-error', message: err.message })));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

  let term: number | undefined;
  const keeper = await startLeaseKeeper({
    db,
    nodeId: env.NODE_ID!,
    renewMs: Number(env.RENEW_MS),
    ttlMs: Number(env.TTL_MS),
    logger: pino({ level: 'warn' }, process.stderr),
    onLead: (t) => {
      term = t;
      emit({ event: 'lead', term: t });
    },
    onLose: () => {
      emit({ event: 'lose' });
    },
  });

  const outcome = (event: string) => ({
    ok: () => emit({ event, ok: true }),
    failed: (err: unknown) => emit({ event, ok: false, code: (err as { code?: unknown }).code, message: (err as Error).message }),
  });

  let release: (() => void) | undefined;
  createInterface({ input: process.stdin }).on('line', (line) => {
    switch (line.trim()) {
      case 'hold': // a consumer's write, fenced, that stops before its commit
        void db
          .transaction()
          .execute(async (trx) => {
            await assertTerm(trx, term!);
            await trx.insertInto('journal_cursor').values({ consumer: 'frozen', seq: '1' }).execute();
            emit({ event: 'holding', term });
            await new Promise<void>((resolve) => (release = resolve));
          })
          .then(outcome('commit').ok, outcome('commit').failed);
        break;
      case 'commit':
        release?.();
        break;
      case 'write': // the same write, at once, under the term it last led with
        void db
          .transaction()
          .execute(async (trx) => {
            await assertTerm(trx, term!);
            await trx.insertInto('journal_cursor').values({ consumer: 'frozen', seq: '2' }).execute();
          })
          .then(outcome('write').ok, outcome('write').failed);
        break;
      case 'status':
        emit({ event: 'status', ...keeper.status() });
        break;
      case 'stop':
        void keeper
          .stop()
          .then(() => db.destroy())
          .then(() => process.exit(0));
        break;
    }
  });
  emit({ event: 'ready' });
}
