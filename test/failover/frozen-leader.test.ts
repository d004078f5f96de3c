import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import t, { type Test } from 'tap';
import { assertTerm } from '../../src/failover/assert-term.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { arcEnv } from '../helpers/arc-process.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { repoRoot } from '../helpers/vectors.js';
import { keeperFor, RENEW_MS, TTL_MS, until, type Journal } from './failover-test-kit.js';

const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');

type Event = { event: string } & Record<string, unknown>;

/** A node in a child process: its events, and a way to wait for the next of a kind. */
function spawnNode(t: Test, databaseUrl: string, nodeId: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'failover', 'keeper-child.ts')], {
    env: arcEnv({ DATABASE_URL: databaseUrl, NODE_ID: nodeId, RENEW_MS: String(RENEW_MS), TTL_MS: String(TTL_MS) }),
    stdio: 'pipe',
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  });
  const events: Event[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => events.push(JSON.parse(line) as Event));
  let read = 0;
  return {
    child,
    events,
    send: (command: string) => child.stdin.write(`${command}\n`),
    /** The next event of `kind` after the last one waited for. */
    async next(kind: string): Promise<Event> {
      let found: Event | undefined;
      await until(() => {
        const i = events.findIndex((e, n) => n >= read && e.event === kind);
        if (i >= 0) {
          found = events[i];
          read = i + 1;
        }
        return found !== undefined || child.exitCode !== null;
      }, `${nodeId}: ${kind}`, 30_000);
      if (!found) throw new Error(`${nodeId} exited (${child.exitCode}) before ${kind}: ${stderr}`);
      return found;
    },
    stderr: () => stderr,
  };
}

t.test('postgres: a frozen leader is deposed; resumed, its write in flight and its next write are refused, and it stands down', { skip: postgres ? false : 'TEST_DATABASE_URL is not set' }, async (t) => {
  const { databaseUrl } = await postgres!.location(t);
  const store = await openDatabase({ databaseUrl, dataDir: '' });
  t.teardown(() => store.close());
  await migrateToLatest(store.db);

  const a = spawnNode(t, databaseUrl!, 'node-a');
  t.match(await a.next('lead'), { term: 1 }, 'the first node leads under term 1');
  const log: Journal = [];
  const b = await keeperFor(t, store.db, 'node-b', log);
  await until(() => b.keeper.status().holder === 'node-a', 'node-b to stand by');
  t.notOk(b.leading(), 'node-b stands by');

  // node-a is in the middle of a consumer's write (fenced, not yet committed) when it freezes.
  a.send('hold');
  t.match(await a.next('holding'), { term: 1 });
  a.child.kill('SIGSTOP');
  const frozenAt = Date.now();
  await until(() => b.leading(), 'node-b to take over', 30_000);
  t.comment(`node-b led ${Date.now() - frozenAt} ms after node-a froze (renewal ${RENEW_MS} ms, ttl ${TTL_MS} ms; the frozen transaction is ended after ttl idle)`);
  t.same(b.terms, [2], 'node-b leads under a higher term');
  const change = await store.db.selectFrom('leadership_change').select(['term', 'holder', 'previous_holder', 'reason', 'takeover_ms']).orderBy('id', 'desc').executeTakeFirstOrThrow();
  t.match(change, { term: '2', holder: 'node-b', previous_holder: 'node-a', reason: 'lapsed' });
  t.comment(`takeover measured from the lapsed expiry: ${Math.round(change.takeover_ms!)} ms`);
  await t.rejects(store.db.transaction().execute((trx) => assertTerm(trx, 1)), { code: 'STALE_TERM' }, 'a write under term 1 is refused');

  a.child.kill('SIGCONT');
  await a.next('lose');
  t.pass('node-a, resumed, finds itself deposed and stops its consumers');
  a.send('commit');
  const commit = await a.next('commit');
  t.match(commit, { ok: false }, 'its write in flight never commits');
  t.comment(`node-a's held transaction: ${String(commit.message)}`);
  a.send('write');
  t.match(await a.next('write'), { ok: false, code: 'STALE_TERM' }, 'its next write under term 1 is refused by the fence');
  t.equal(await store.db.selectFrom('journal_cursor').select('seq').where('consumer', '=', 'frozen').executeTakeFirst(), undefined, 'nothing node-a wrote under term 1 after it was deposed is there');
  await until(async () => {
    a.send('status');
    return (await a.next('status')).holder === 'node-b';
  }, 'node-a to see node-b');
  t.match(a.events.filter((e) => e.event === 'status').at(-1), { role: 'standby', term: 2, holder: 'node-b' }, 'node-a stands by');
  t.equal(a.events.filter((e) => e.event === 'lead').length, 1, 'and has not led again');
  t.ok(b.leading(), 'node-b still leads');

  a.send('stop');
  const code = await new Promise<number | null>((done) => (a.child.exitCode !== null ? done(a.child.exitCode) : a.child.on('exit', done)));
  t.equal(code, 0, `node-a exits cleanly: ${a.stderr()}`);
});
