import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { currentUser, requireRole } from '../auth/require-role.js';
import { keepSocketAlive } from '../console/socket-keep-alive.js';
import type { IncidentBus } from '../incidents/incident-bus.js';
import type { Database } from '../store/database-schema.js';
import type { DispatchBus } from './dispatch-bus.js';
import type { DispatchOrder } from './dispatch-order.js';
import { orderView } from './dispatch-schemas.js';

export interface GuardLiveDeps {
  db: Kysely<Database>;
  dispatchBus: DispatchBus;
  /** Every incident commit may be an order change made in another's transaction: a (delayed) re-read. */
  incidentBus?: IncidentBus;
  now: () => number;
  /** The poll under the wake-ups: the guard's orders are re-read at least this often (default 5 s). */
  pollMs?: number;
  /** Keep-alive: a protocol ping and a `ping` message (default 15 s). */
  pingIntervalMs?: number;
}

const POLL_MS = 5_000;
const PING_INTERVAL_MS = 15_000;
/** Incident commits come in storms; a guard's orders are re-read for them at most this often. */
const INCIDENT_WAKE_DELAY_MS = 100;
const OPEN = 1;

/** What a guard's channel needs of its WebSocket. */
interface GuardSocket {
  readonly readyState: number;
  send(data: string): void;
}

/** The orders a guard holds (issued … reported), and what became of the others they held. */
async function readHeld(db: Kysely<Database>, guardId: string, alsoIds: readonly string[]): Promise<{ held: DispatchOrder[]; others: DispatchOrder[] }> {
  const held = await db.selectFrom('dispatch_order_state').select('state').where('guard_id', '=', guardId).where('status', '<>', 'closed').orderBy('order_id').execute();
  const heldOrders = held.map((r) => r.state as DispatchOrder);
  const gone = alsoIds.filter((id) => !heldOrders.some((o) => o.id === id));
  const others = gone.length === 0 ? [] : await db.selectFrom('dispatch_order_state').select('state').where('order_id', 'in', gone).execute();
  return { held: heldOrders, others: others.map((r) => r.state as DispatchOrder) };
}

/**
 * One guard's connection: sends the orders they hold, then every change to them: `order` for a
 * new or changed one, `order_removed` (with `reason` closed or reassigned) for one they no
 * longer hold. Wake-ups only trigger a re-read, so a missed one costs latency, never a change;
 * one read runs at a time, and a wake-up during a read makes it read again.
 */
export class GuardSession {
  readonly #known = new Map<string, string>();
  #reading = false;
  #again = false;
  #soon: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: GuardSocket,
    private readonly guardId: string,
    private readonly db: Kysely<Database>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** The first message after `hello`: every order the guard holds. */
  async start(): Promise<void> {
    // Counts as a read: a wake-up meanwhile reads again after it, never before the snapshot.
    this.#reading = true;
    try {
      const { held } = await readHeld(this.db, this.guardId, []);
      for (const o of held) this.#known.set(o.id, JSON.stringify(o));
      this.#send({ type: 'orders', orders: held.map(orderView) });
    } finally {
      this.#reading = false;
    }
    if (this.#again) this.wake();
  }

  /** Re-read now. */
  wake(): void {
    void this.#pump();
  }

  /** Re-read shortly (many wake-ups in a burst make one read). */
  wakeSoon(): void {
    this.#soon ??= setTimeout(() => {
      this.#soon = undefined;
      this.wake();
    }, INCIDENT_WAKE_DELAY_MS);
  }

  close(): void {
    clearTimeout(this.#soon);
  }

  async #pump(): Promise<void> {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    try {
      do {
        this.#again = false;
        const { held, others } = await readHeld(this.db, this.guardId, [...this.#known.keys()]);
        if (this.socket.readyState !== OPEN) return;
        for (const o of held) {
          const json = JSON.stringify(o);
          if (this.#known.get(o.id) === json) continue;
          this.#known.set(o.id, json);
          this.#send({ type: 'order', order: orderView(o) });
        }
        for (const o of others) {
          this.#known.delete(o.id);
          this.#send({ type: 'order_removed', orderId: o.id, reason: o.status === 'closed' ? 'closed' : 'reassigned', order: orderView(o) });
        }
      } while (this.#again && this.socket.readyState === OPEN);
    } catch (err) {
      this.onError(err);
    } finally {
      this.#reading = false;
    }
  }

  #send(message: object): void {
    if (this.socket.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }
}

const liveQuerySchema = z.object({ token: z.string().optional().describe('the session token (a WebSocket client may not set headers)') });

/**
 * `GET /api/guard/live`: a guard's WebSocket (what a phone app keeps open). Messages, all JSON:
 * `{type:'hello', guard, serverTime}`, then `{type:'orders', orders}` (every order held), then
 * `{type:'order', order}` and `{type:'order_removed', orderId, reason, order}` as they change,
 * and `{type:'ping', serverTime}` every 15 s. The guard acts through the REST routes.
 */
export function registerGuardLive(scope: FastifyInstance, deps: GuardLiveDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const pollMs = deps.pollMs ?? POLL_MS;
  const pingIntervalMs = deps.pingIntervalMs ?? PING_INTERVAL_MS;
  app.get(
    '/api/guard/live',
    {
      websocket: true,
      preHandler: requireRole('guard'),
      schema: { tags: ['dispatch'], summary: "A guard's orders (WebSocket): all held, then each change as it commits", querystring: liveQuerySchema },
    },
    (socket, req) => {
      const user = currentUser(req);
      const session = new GuardSession(socket, user.id, deps.db, (err) => req.log.warn({ err }, 'guard channel read failed'));
      const stops = [
        deps.dispatchBus.onChanged((ids) => ids.includes(user.id) && session.wake()),
        deps.incidentBus?.onPublished(() => session.wakeSoon()) ?? (() => {}),
      ];
      const poll = setInterval(() => session.wake(), pollMs);
      const stopPings = keepSocketAlive(socket, pingIntervalMs, () => {
        if (socket.readyState === OPEN) socket.send(JSON.stringify({ type: 'ping', serverTime: new Date(deps.now()).toISOString() }));
      });
      socket.on('close', () => {
        clearInterval(poll);
        stopPings();
        session.close();
        for (const stop of stops) stop();
      });
      socket.send(JSON.stringify({ type: 'hello', guard: user, serverTime: new Date(deps.now()).toISOString() }));
      session.start().catch((err: unknown) => {
        req.log.warn({ err }, 'guard channel could not start');
        if (socket.readyState === OPEN) socket.close(1011, 'orders unavailable: reconnect');
      });
    },
  );
}
