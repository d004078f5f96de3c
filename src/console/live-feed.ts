import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Histogram } from 'prom-client';
import { z } from 'zod';
import { currentUser, requireRole } from '../auth/require-role.js';
import type { IncidentBus } from '../incidents/incident-bus.js';
import type { Database } from '../store/database-schema.js';
import { lastActionId, readLiveActions, sharedLiveReader } from './live-feed-reader.js';
import { LiveSession } from './live-session.js';
import { consoleBuild } from './static-routes.js';
import { keepSocketAlive } from './socket-keep-alive.js';

export interface LiveFeedDeps {
  db: Kysely<Database>;
  bus: IncidentBus;
  pushSeconds: Histogram;
  now: () => number;
  /** Keep-alive: a `ping` message, a protocol ping, and a read of the feed (in case a wake-up was lost). */
  pingIntervalMs?: number;
  /** A client with more than this not yet written to the network is closed with 4008. */
  maxBufferedBytes?: number;
  /** How long a client over half the cap gets to read before it is closed with 4008. */
  drainTimeoutMs?: number;
  pageSize?: number;
}

const PING_INTERVAL_MS = 15_000;
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;
const PAGE_SIZE = 500;

const liveQuerySchema = z.object({
  token: z.string().optional().describe('the session token (browsers cannot set headers on a WebSocket)'),
  since: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,17})$/, 'since is an action id, 0 for the beginning')
    .optional()
    .describe('the last action id this client saw; absent: start at the current end (then load GET /api/incidents)'),
  v: z
    .literal('2')
    .optional()
    .describe("2: each page carries every incident's row once (`incidents`) and its actions as {seq, action}; absent: each action as {seq, incident, action}, as pages loaded before 2026-12-07 read it"),
});

/**
 * `GET /api/live`: the console's WebSocket. Messages, all JSON:
 * - `{type:'hello', user, since, serverTime, build}` first (`build`: the console page's files, see
 *   consoleBuild: a page that sees it change reloads);
 * - `{type:'actions', incidents: [row, ...], actions: [{seq, action}, ...]}` with `v=2`: every
 *   incident action after `since`, in order, once, a page (up to 500) per message, with the queue
 *   row of each incident they belong to, once (`action.incidentId` names it); without `v`, the
 *   same page as `{type:'actions', actions: [{seq, incident, action}, ...]}`: first the catch-up, then
 *   `{type:'caught_up', seq}`, then each commit's actions as it commits;
 * - `{type:'ping', seq, serverTime}` every 15 s (the client reconnects when they stop).
 * Closed with 4008 when the client falls more than 4 MiB behind (or stays over 2 MiB for 10 s),
 * 1011 when the feed cannot be read: the client reconnects with `since` = the last seq it saw.
 *
 * Police are refused (403): their 110 view reads forwarded incidents through GET
 * /api/incidents; the live console is the duty room's.
 */
export function registerLiveFeed(scope: FastifyInstance, deps: LiveFeedDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const pingIntervalMs = deps.pingIntervalMs ?? PING_INTERVAL_MS;
  const feed = sharedLiveReader((since, limit) => readLiveActions(deps.db, since, limit));
  // Added before any console's wake-up, so that the reader has heard of a commit before they read it.
  deps.bus.onPublished((id, committed) => feed.published(id, committed));
  app.get(
    '/api/live',
    {
      websocket: true,
      preHandler: requireRole('operator', 'supervisor', 'admin'),
      schema: { tags: ['incidents'], summary: 'The live console feed (WebSocket): incident actions after `since`, then as they commit', querystring: liveQuerySchema },
    },
    (socket, req) => {
      const user = currentUser(req);
      let session: LiveSession | undefined;
      // Subscribed before the start point is read, so that no commit falls between the two.
      const unsubscribe = deps.bus.onPublished((id) => session?.wake(id));
      const stopPings = keepSocketAlive(socket, pingIntervalMs, () => {
        session?.sendControl({ type: 'ping', seq: session.last, serverTime: new Date(deps.now()).toISOString() });
        session?.wake();
      });
      socket.on('close', () => {
        stopPings();
        unsubscribe();
      });
      const begin = async () => {
        const since = req.query.since ?? (await lastActionId(deps.db));
        if (socket.readyState !== socket.OPEN) return;
        session = new LiveSession(socket, since, {
          read: feed.read,
          format: req.query.v === '2' ? 'rows_once' : 'row_per_action',
          pageSize: deps.pageSize ?? PAGE_SIZE,
          maxBufferedBytes: deps.maxBufferedBytes ?? MAX_BUFFERED_BYTES,
          drainTimeoutMs: deps.drainTimeoutMs ?? DRAIN_TIMEOUT_MS,
          onPushed: (receivedAt) => deps.pushSeconds.observe((deps.now() - receivedAt) / 1000),
          onError: (err) => req.log.warn({ err }, 'live feed read failed'),
        });
        session.sendControl({ type: 'hello', user, since, serverTime: new Date(deps.now()).toISOString(), build: consoleBuild() });
        await session.start();
      };
      begin().catch((err: unknown) => {
        req.log.warn({ err }, 'live feed could not start');
        if (socket.readyState === socket.OPEN) socket.close(1011, 'feed unavailable: reconnect');
      });
    },
  );
}
