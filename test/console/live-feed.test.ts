import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import t, { type Test } from 'tap';
import WebSocket from 'ws';
import { findCustomerCards } from '../../src/customers/customer-lookup.js';
import { buildHttpServer, type HttpServerDeps } from '../../src/console/http-server.js';
import { registerStaticRoutes } from '../../src/console/static-routes.js';
import { IncidentBus } from '../../src/incidents/incident-bus.js';
import { createIncidentConsumer } from '../../src/incidents/incident-consumer.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch } from '../../src/journal/journal-consumer.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { AlarmEvent } from '../../src/protocols/alarm-event.js';
import type { Store } from '../../src/store/database.js';
import type { Database } from '../../src/store/database-schema.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { cid } from '../incidents/incident-events.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';
import { signIn } from '../helpers/sign-in.js';

const silent = () => createLogger({ logLevel: 'silent', nodeId: 'test', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));

interface Message {
  type: string;
  seq?: string;
  since?: string;
  incident?: { id: string; status: string; alarms: number; owner: string | null; lastActionId: string };
  action?: { id: string; kind: string; incidentId: string };
  user?: { role: string };
}

/**
 * A real `ws` client that keeps every message it receives, each action of a page as its own
 * entry (`type: 'action'`, with its incident's row from the page's `incidents`), and how many
 * actions came in each page message.
 */
class LiveClient {
  readonly messages: Message[] = [];
  readonly pageSizes: number[] = [];
  /** Each page message as it came. */
  readonly rawPages: { incidents?: unknown[]; actions?: Record<string, unknown>[] }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as Message & { actions?: Omit<Message, 'type'>[]; incidents?: NonNullable<Message['incident']>[] };
      if (message.type === 'actions') {
        this.pageSizes.push(message.actions!.length);
        this.rawPages.push(message);
        // v=2: the page's rows once, in `incidents`; else each action carries its row.
        const rows = new Map((message.incidents ?? []).map((i) => [i.id, i]));
        this.messages.push(...message.actions!.map((a) => ({ type: 'action', ...a, incident: a.incident ?? rows.get(a.action!.incidentId) })));
      } else this.messages.push(message);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static connect(url: string): Promise<LiveClient> {
    const client = new LiveClient(new WebSocket(url));
    return new Promise((resolve, reject) => {
      client.socket.once('open', () => resolve(client));
      client.socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      client.socket.once('error', reject);
    });
  }

  /** Resolves once `done(messages)` holds (the test's own timeout bounds the wait). */
  async until(done: (messages: Message[]) => boolean): Promise<void> {
    while (!done(this.messages)) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  actionSeqs(): string[] {
    return this.messages.filter((m) => m.type === 'action').map((m) => m.seq!);
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}

/** The HTTP status a WebSocket upgrade is refused with. */
function refusal(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.on('error', () => undefined); // terminate() reports the aborted handshake as an error
      socket.terminate();
    });
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
  });
}

async function arcWithIncidents(t: Test, store: Store, liveFeed?: HttpServerDeps['liveFeed']) {
  const bus = new IncidentBus();
  const metrics = createMetrics();
  const app = buildHttpServer({ config: { nodeId: 'a' }, store, metrics, logger: silent(), incidentBus: bus, ...(liveFeed ? { liveFeed } : {}) });
  t.teardown(() => app.close());
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, metrics, bus, wsBase: `${address.replace('http', 'ws')}/api/live` };
}

async function prepare(db: Kysely<Database>) {
  await migrateToLatest(db);
  await db.insertInto('account').values([{ number: '1234', aes_key: null }, { number: '5678', aes_key: null }]).execute();
}

/** Signals into the journal and through the incidents consumer, which wakes `bus` after commit. */
function signaller(db: Kysely<Database>, bus: IncidentBus) {
  const journal = new GroupCommitJournal(db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus: new JournalBus() });
  const consumer = createIncidentConsumer(db, { findCustomerCards, bus, now: Date.now });
  return async (events: AlarmEvent[], account = '1234') => {
    await journal.append(signalReception({ account, events, receivedAt: Date.now() }));
    while ((await consumeBatch(db, consumer)) > 0);
  };
}

async function feedIds(app: FastifyInstance, authorization: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const res = await app.inject({ url: `/api/incidents/feed?since=${ids.at(-1) ?? '0'}&limit=5000`, headers: { authorization } });
    const page = res.json<{ actions: { id: string }[] }>().actions.map((a) => a.id);
    if (page.length === 0) return ids;
    ids.push(...page);
  }
}

const ascending = (seqs: string[]) => seqs.every((s, i) => i === 0 || BigInt(s) > BigInt(seqs[i - 1]!));

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the live console feed`, async (t) => {
    const store = await database.open(t);
    await prepare(store.db);
    const { app, metrics, bus, wsBase } = await arcWithIncidents(t, store);
    const signal = signaller(store.db, bus);
    const op = await signIn(app, store.db, 'operator');
    // v=2: the format the console page asks for.
    const url = (query: string) => `${wsBase}?v=2&token=${op.token}${query}`;

    t.test('is refused without a session, to police, and with a bad since', async (t) => {
      t.equal(await refusal(wsBase), 401, 'no token');
      t.equal(await refusal(`${wsBase}?token=not-a-session`), 401, 'an unknown token');
      const police = await signIn(app, store.db, 'police');
      t.equal(await refusal(`${wsBase}?token=${police.token}`), 403, 'police read forwarded incidents through the API, not the duty room feed');
      t.equal(await refusal(url('&since=abc')), 400, 'since must be an action id');
    });

    t.test("with v=2 a page carries each incident's row once; without it (a page loaded before), each action carries its row; hello names the page's build", async (t) => {
      const from = (await feedIds(app, op.authorization)).at(-1) ?? '0';
      await signal([cid('130', '1', 7), cid('130', '1', 8)], '5678');
      const compact = await LiveClient.connect(url(`&since=${from}`));
      const legacy = await LiveClient.connect(`${wsBase}?token=${op.token}&since=${from}`);
      for (const client of [compact, legacy]) await client.until((m) => m.some((x) => x.type === 'caught_up'));
      t.match(compact.messages[0], { type: 'hello', build: /^[0-9a-f]{16}$/ }, "hello names the console page's build");
      t.equal((legacy.messages[0] as { build?: string }).build, (compact.messages[0] as { build?: string }).build);
      const [page] = compact.rawPages;
      const incidentIds = new Set(page!.actions!.map((a) => (a.action as { incidentId: string }).incidentId));
      t.equal(page!.incidents!.length, incidentIds.size, 'v=2: one row per incident in the page');
      t.ok(page!.actions!.length > page!.incidents!.length, 'fewer rows than actions');
      t.ok(page!.actions!.every((a) => !('incident' in a)), 'and none with the actions');
      t.ok(legacy.rawPages[0]!.actions!.every((a) => 'incident' in a) && legacy.rawPages[0]!.incidents === undefined, 'without v: the row with every action');
      t.same(legacy.actionSeqs(), compact.actionSeqs(), 'the same actions either way');
      t.same(
        legacy.messages.filter((m) => m.type === 'action'),
        compact.messages.filter((m) => m.type === 'action'),
        'each with the same row',
      );
      await Promise.all([compact.close(), legacy.close()]);
    });

    t.test('a fresh console starts at the end, then gets each new action as it commits, once', async (t) => {
      await signal([cid('130', '1', 3)], '5678');
      const last = (await feedIds(app, op.authorization)).at(-1)!;
      const client = await LiveClient.connect(url(''));
      await client.until((m) => m.some((x) => x.type === 'caught_up'));
      t.match(client.messages[0], { type: 'hello', since: last, user: { role: 'operator' } }, 'hello names where the feed starts');
      t.same(client.actionSeqs(), [], 'no history without since');

      await signal([cid('130', '1', 5)]);
      await client.until((m) => m.some((x) => x.action?.kind === 'opened' && x.incident?.status === 'open'));
      const opened = client.messages.find((x) => x.action?.kind === 'opened')!;
      t.match(opened, { type: 'action', incident: { status: 'open', alarms: 1 } }, 'the action comes with its queue row');
      t.equal(opened.seq, opened.action!.id);
      t.match(await metrics.metrics(), /^arc_console_push_seconds_count 1$/m, 'the push of a received alarm is measured');

      const take = await app.inject({ method: 'POST', url: `/api/incidents/${opened.incident!.id}/actions`, headers: { authorization: op.authorization }, payload: { kind: 'take' } });
      t.equal(take.statusCode, 201);
      await client.until((m) => m.some((x) => x.action?.kind === 'taken'));
      t.match(client.messages.find((x) => x.action?.kind === 'taken'), { incident: { owner: op.user.id } });
      t.match(await metrics.metrics(), /^arc_console_push_seconds_count 1$/m, "an operator's action is not a receipt: not observed");

      bus.published(opened.seq!); // stale and repeated wake-ups send nothing again
      bus.published('999999999');
      await signal([cid('130', '1', 6)]);
      await client.until((m) => m.some((x) => x.action?.kind === 'alarm_joined'));
      const seqs = client.actionSeqs();
      t.same(seqs, (await feedIds(app, op.authorization)).filter((id) => BigInt(id) > BigInt(last)), 'exactly the feed after the start, in order, none twice');
      await client.close();
    });

    t.test('a console that reconnects with since misses nothing and gets nothing twice', async (t) => {
      const first = await LiveClient.connect(url('&since=0'));
      await first.until((m) => m.some((x) => x.type === 'caught_up'));
      const seen = first.actionSeqs();
      t.same(seen, await feedIds(app, op.authorization), 'since=0: the whole feed');
      await first.close();

      // While it is away: alarms, and another operator's action.
      await signal([cid('130', '1', 1)], '5678');
      await signal([cid('120', '1', 2)], '5678');
      const other = await signIn(app, store.db, 'supervisor');
      const queue = await app.inject({ url: '/api/incidents', headers: { authorization: other.authorization } });
      const incident = queue.json<{ incidents: { id: string; account: string }[] }>().incidents.find((i) => i.account === '5678')!;
      t.equal((await app.inject({ method: 'POST', url: `/api/incidents/${incident.id}/actions`, headers: { authorization: other.authorization }, payload: { kind: 'take' } })).statusCode, 201);

      const again = await LiveClient.connect(url(`&since=${seen.at(-1)!}`));
      await again.until((m) => m.some((x) => x.type === 'caught_up'));
      const resumed = again.actionSeqs();
      t.ok(resumed.length >= 3, 'the actions of its absence arrive');
      t.same(again.pageSizes, [resumed.length], 'in one message: a page holds up to 500');
      const all = [...seen, ...resumed];
      t.same(all, await feedIds(app, op.authorization), 'before and after the gap: the whole feed, in order, none twice');
      t.ok(ascending(all));

      // Live again: a burst of alarms and stray wake-ups keeps the order.
      for (let i = 0; i < 5; i++) {
        bus.published('1');
        await signal([cid('130', '1', 10 + i)], i % 2 ? '1234' : '5678');
      }
      const expected = await feedIds(app, op.authorization);
      await again.until(() => [...seen, ...again.actionSeqs()].length >= expected.length);
      t.same([...seen, ...again.actionSeqs()], expected, 'live pushes after the catch-up: in order, none twice');
      await again.close();
    });
  });

  t.test(`${database.name}: a console that does not read is closed with 4008 and resumes by since`, async (t) => {
    const store = await database.open(t);
    await prepare(store.db);
    const { app, wsBase } = await arcWithIncidents(t, store, { maxBufferedBytes: 1024 * 1024, drainTimeoutMs: 300, pageSize: 100 });
    const signal = signaller(store.db, new IncidentBus());
    const op = await signIn(app, store.db, 'operator');
    await signal([cid('130', '1', 5)]);
    // A backlog far larger than the loopback socket buffers: 3,000 actions of 4 kB each.
    const incident = await store.db.selectFrom('incident').select('id').executeTakeFirstOrThrow();
    await sql`insert into incident_action (incident_id, at, actor, kind, detail, journal_seq)
      select ${incident.id}, now(), 'system', 'signal_logged', jsonb_build_object('pad', repeat('x', 4000)), null
      from generate_series(1, 3000)`.execute(store.db);
    const expected = await feedIds(app, op.authorization);

    const slow = await LiveClient.connect(`${wsBase}?token=${op.token}&since=0`);
    slow.socket.pause();
    // The server gives up on it: its socket leaves OPEN while the client still reads nothing.
    while ([...app.websocketServer.clients].some((c) => c.readyState === WebSocket.OPEN)) await new Promise((r) => setTimeout(r, 20));
    slow.socket.resume();
    const closed = await slow.closed;
    t.equal(closed.code, 4008, 'closed as a slow client');
    const got = slow.actionSeqs();
    t.ok(got.length > 0 && got.length < expected.length, `it got part of the backlog (${got.length} of ${expected.length})`);

    const resumed = await LiveClient.connect(`${wsBase}?token=${op.token}&since=${got.at(-1)!}`);
    await resumed.until((m) => m.some((x) => x.type === 'caught_up'));
    t.same([...got, ...resumed.actionSeqs()], expected, 'with since, the rest: nothing missed, nothing twice');
    await resumed.close();
  });
}

t.test('the console page is served at / and /console, with its files and a strict CSP', async (t) => {
  const app = Fastify();
  registerStaticRoutes(app);
  t.teardown(() => app.close());
  for (const url of ['/', '/console']) {
    const page = await app.inject(url);
    t.equal(page.statusCode, 200, url);
    t.match(page.headers['content-type'], /^text\/html/);
    t.match(page.headers['content-security-policy'], /default-src 'self'/, 'no script from elsewhere, none inline');
    t.match(page.body, /<script type="module" src="\/console\/console.js">/);
  }
  const script = await app.inject('/console/console.js');
  t.equal(script.statusCode, 200);
  t.match(script.headers['content-type'], /^text\/javascript/);
  t.equal((await app.inject('/console/console.css')).statusCode, 200);
  t.equal((await app.inject('/console/..%2Fstatic-routes.ts')).statusCode, 404, 'only the files of the folder');
});
