import { sql, type Kysely, type Transaction } from 'kysely';
import { appendAudit, lockAuditChain } from '../audit/append-audit.js';
import type { IncidentAction, NewAction } from '../incidents/incident-action.js';
import type { IncidentBus } from '../incidents/incident-bus.js';
import { IncidentBatch } from '../incidents/incident-batch.js';
import { appendActions, lockIncident, type LockedIncident } from '../incidents/incident-store.js';
import type { IncidentState } from '../incidents/incident-state.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database-schema.js';
import type { GuardFinding } from '../verification/evidence.js';
import type { GuardCandidate } from './choose-guard.js';
import { DispatchBus } from './dispatch-bus.js';
import { DispatchError } from './dispatch-error.js';
import { markDispatchRequests, queueDispatchRequests, takeDispatchRequests, type HandledRequest, type QueuedDispatchRequest } from './dispatch-requests.js';
import { ACTIVE_STATUSES, type DispatchOrder, type GuardStatus, type LatLng, type NewOrderEvent, type OrderHeader } from './dispatch-order.js';
import {
  activeOrderOf,
  activeOrdersOf,
  appendOrderEvents,
  appendOrdersEvents,
  availableGuards,
  candidateOf,
  guardOf,
  holdsActiveOrder,
  insertOrderHeaders,
  isUuid,
  loadGuard,
  lockOrder,
  orderSitesOf,
  writeGuardStatus,
  type Guard,
} from './dispatch-store.js';
import { decideOrder, openOrder, type DispatchPolicy, type OrderEffect, type OrderInput } from './decide-order.js';

/** What the verification engine hears of a guard's report, in the transaction that records it. */
export interface GuardReport {
  incidentId: string;
  orderId: string;
  guardId: string;
  finding: GuardFinding;
  note: string;
  /** Epoch ms. */
  at: number;
}

export interface DispatchServiceDeps {
  db: Kysely<Database>;
  /** Epoch ms. */
  now: () => number;
  logger: Logger;
  policy: DispatchPolicy;
  /**
   * Called inside the transaction that records a guard's report: a throw rolls the report back.
   * What it returns runs once that transaction has committed.
   */
  onGuardReport?: (trx: Transaction<Database>, report: GuardReport) => Promise<void | (() => void)>;
  /** Told after commit of the incident actions dispatch appended in its own transactions. */
  incidentBus?: IncidentBus;
  /** How often the timer looks for orders past a deadline (default 1 s). */
  tickMs?: number;
}

export interface DispatchRequest {
  incidentId: string;
  account: string;
  reason: string;
  /** A user id, or `system` (the verification engine). */
  requestedBy: string;
  /** Epoch ms. */
  at: number;
  /** The guard an operator named; absent or null: dispatch chooses. */
  guardId?: string | null;
}

/**
 * The answer to a request. `created` false: nothing was written, because the incident already
 * has an order at work (`order` is that one) or is closed (`order` null); `message` says which.
 */
export type DispatchRequestResult =
  | { created: true; order: DispatchOrder; incident: { state: IncidentState; stored: IncidentAction[] } }
  | { created: false; order: DispatchOrder | null; message: string };

/** What a guard does to their order through the API (the guard is the signed-in user). */
export type GuardCommand =
  | { kind: 'accept'; etaMin?: number | null }
  | { kind: 'decline'; note: string }
  | { kind: 'en_route'; etaMin?: number | null }
  | { kind: 'on_scene' }
  | { kind: 'report'; finding: GuardFinding; note: string };

/** What the operator's dispatch command appended besides its own action, and what became of it. */
export interface DispatchHookResult {
  stored: IncidentAction[];
  /** The incident after them; undefined when nothing was appended. */
  state: IncidentState | undefined;
  dispatch: { orderId: string | null; created: boolean; message: string };
}

export interface DispatchService {
  /** This node's guard channels listen here. */
  readonly bus: DispatchBus;
  /**
   * Creates the incident's order and gives it to a guard, in the caller's transaction (the
   * verification shell for the engine's `dispatch_guard`; the operator's command through
   * `onDispatchRequested`). Appends the incident actions (guard_assigned, dispatch_escalated).
   * A second request while an order is at work is a no-op that says so.
   */
  requestDispatch(trx: Transaction<Database>, request: DispatchRequest): Promise<DispatchRequestResult>;
  /**
   * The verification engine's `dispatch_guard`s: queued in the deciding transaction (one insert
   * for all of a batch's), turned into orders by this service's worker on the leader right after
   * that commit (call `kick`). An alarm storm's batch then never waits for guards to be chosen
   * under the audit lock.
   */
  queueRequests(trx: Transaction<Database>, requests: readonly Omit<DispatchRequest, 'guardId'>[]): Promise<void>;
  /** Queued requests committed: the worker (when started) handles them now, not at the next tick. */
  kick(): void;
  /** Turns every queued request into an order (or records why none), in batches (see openRequestedOrders); resolves to how many it handled. */
  drainRequests(): Promise<number>;
  /**
   * The incident routes' hook (IncidentRouteDeps.onDispatchRequested): the operator's
   * `dispatch_requested` action becomes an order in the command's transaction.
   */
  onDispatchRequested: (trx: Transaction<Database>, request: { action: IncidentAction & { kind: 'dispatch_requested' }; incident: IncidentState }) => Promise<DispatchHookResult>;
  /** A guard's command on an order; throws DispatchError when refused. */
  guardCommand(orderId: string, guardId: string, command: GuardCommand): Promise<DispatchOrder>;
  /** An operator gives the order to this guard (the current one loses it). */
  assign(orderId: string, guardId: string, actor: string): Promise<DispatchOrder>;
  /** An operator files the order (cancelled if the guard had not reported). */
  close(orderId: string, note: string, actor: string): Promise<DispatchOrder>;
  /** A guard's own status and position (the phone app); refused off duty or available while holding an order. */
  setGuardStatus(guardId: string, change: { status: GuardStatus; position?: LatLng | null }): Promise<Guard>;
  /** Registers an existing user with role guard. */
  registerGuard(input: { userId: string; area: string | null; position: LatLng | null; status: GuardStatus }, actor: string): Promise<Guard>;
  /** Acts on every order past a deadline (and every waiting order, when a guard is free), and on queued requests; resolves to how many orders it changed. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

const TICK_MS = 1_000;
/** The note on an order cancelled because its incident was closed. */
export const INCIDENT_CLOSED_NOTE = 'the incident was closed: the guard is stood down';
const TICK_BATCH = 100;
/** Queued requests per transaction at most (see openRequestedOrders). */
const REQUEST_BATCH = 50;

/** Why a request made no order: the incident has one at work. */
function secondOrder(incidentId: string, open: DispatchOrder): string {
  return `incident ${incidentId} already has dispatch order ${open.id} (${open.status}): no second order`;
}

/**
 * Why a request makes no order (undefined: it makes one): its incident has one at work, or is
 * closed. Throws for a request that names an incident arc does not have, or another account's.
 * The operator's request and the worker's batches both ask it, in this order.
 */
function noOrderFor(request: { incidentId: string; account: string }, incident: IncidentState | undefined, open: DispatchOrder | undefined): { order: DispatchOrder | null; message: string } | undefined {
  if (!incident) throw new DispatchError('INCIDENT_NOT_FOUND', `no incident ${request.incidentId}`);
  if (request.account !== incident.account) throw new Error(`dispatch request for incident ${request.incidentId} names account ${request.account}, the incident's is ${incident.account}`);
  if (open) return { order: open, message: secondOrder(request.incidentId, open) };
  if (incident.status === 'closed') return { order: null, message: `incident ${request.incidentId} is closed: no guard is sent` };
  return undefined;
}

/**
 * The I/O shell around decideOrder: loads and locks (incident, then order, then the audit
 * chain's lock, then guards: one lock order, so no deadlock; and a guard's status is read and
 * written under the audit lock, so two orders never both take the same free guard), decides,
 * stores the events and the incident actions, sets guard statuses, tells the verification
 * engine of reports; after commit, wakes the live views.
 */
export function createDispatchService(deps: DispatchServiceDeps): DispatchService {
  const { db, now, logger, policy, tickMs = TICK_MS } = deps;
  const bus = new DispatchBus();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<number> | undefined;
  let queued: Promise<number> | undefined;
  let draining: Promise<number> | undefined;
  let drainAgain = false;
  let stopping = false;

  /** The effects of a decision, in the transaction; returns what to announce after commit. */
  const apply = async (trx: Transaction<Database>, incident: LockedIncident, header: OrderHeader, before: DispatchOrder | undefined, decision: { events: NewOrderEvent[]; effects: OrderEffect[] }) => {
    const { order } = await appendOrderEvents(trx, header, before, decision.events);
    const at = now();
    const guards = new Set<string>();
    const actions: NewAction[] = [];
    for (const effect of decision.effects) {
      if (effect.kind === 'guard_status') {
        // A guard an operator gave a second order stays busy until the last one is done.
        if (effect.status === 'available' && (await holdsActiveOrder(trx, effect.guardId))) continue;
        await writeGuardStatus(trx, effect.guardId, effect.status, at);
      }
      else if (effect.kind === 'notify_guard') guards.add(effect.guardId);
      else if (effect.kind === 'incident_action') actions.push(effect.action);
    }
    const appended = actions.length > 0 ? await appendActions(trx, incident.state, incident.state, actions) : undefined;
    const afterCommit: (() => void)[] = [];
    for (const effect of decision.effects) {
      if (effect.kind !== 'guard_report' || !deps.onGuardReport) continue;
      const after = await deps.onGuardReport(trx, { incidentId: order.incidentId, orderId: order.id, guardId: effect.guardId, finding: effect.finding, note: effect.note, at: decision.events.at(-1)!.at });
      if (after) afterCommit.push(after);
    }
    return { order, guards, appended, afterCommit };
  };

  const announce = (guards: Iterable<string>, lastActionId: string | null | undefined) => {
    if (lastActionId) deps.incidentBus?.published(lastActionId);
    bus.changed(guards);
  };

  /** One decision on an existing order in its own transaction; undefined when the input changes nothing. */
  const onOrder = async (orderId: string, input: (trx: Transaction<Database>, order: DispatchOrder) => Promise<OrderInput>, options: { skipLocked?: boolean } = {}) => {
    const header = /^[1-9][0-9]{0,17}$/.test(orderId) ? await db.selectFrom('dispatch_order').select('incident_id').where('id', '=', orderId).executeTakeFirst() : undefined;
    if (!header) throw new DispatchError('ORDER_NOT_FOUND', `no dispatch order ${orderId}`);
    const result = await db.transaction().execute(async (trx) => {
      const incident = await lockIncident(trx, header.incident_id);
      if (!incident) throw new Error(`dispatch order ${orderId}: incident ${header.incident_id} has no queue row`);
      if (options.skipLocked) {
        // Another node's timer on the same order: this one passes, that one acts.
        const free = await trx.selectFrom('dispatch_order_state').select('order_id').where('order_id', '=', orderId).forUpdate().skipLocked().executeTakeFirst();
        if (!free) return undefined;
      }
      const loaded = await lockOrder(trx, orderId);
      if (!loaded) throw new DispatchError('ORDER_NOT_FOUND', `no dispatch order ${orderId}`);
      await lockAuditChain(trx);
      const decision = decideOrder(loaded.order, await input(trx, loaded.order), now(), policy);
      if (!decision.ok) throw new DispatchError(decision.code);
      if (decision.events.length === 0) return { order: loaded.order, guards: new Set<string>(), appended: undefined, afterCommit: [], changed: false };
      return { ...(await apply(trx, incident, loaded.order, loaded.order, decision)), changed: true };
    });
    if (result) announce(result.guards, result.appended?.state.lastActionId);
    for (const after of result?.afterCommit ?? []) after();
    return result;
  };

  const requestDispatch = async (trx: Transaction<Database>, request: DispatchRequest): Promise<DispatchRequestResult> => {
    const locked = await lockIncident(trx, request.incidentId);
    const refused = noOrderFor(request, locked?.state, locked && (await activeOrderOf(trx, request.incidentId)));
    if (refused) return { created: false, ...refused };
    const incident = locked!; // noOrderFor has thrown when there is none
    await lockAuditChain(trx);
    let named: GuardCandidate | null = null;
    if (request.guardId) {
      const guard = await loadGuard(trx, request.guardId);
      if (!guard) throw new DispatchError('GUARD_NOT_FOUND', `no guard ${request.guardId}`);
      if (guard.status === 'off_duty') throw new DispatchError('GUARD_OFF_DUTY', `guard ${guard.name} is off duty`);
      named = candidateOf(guard);
    }
    const { site, contractedArrivalMin } = (await orderSitesOf(trx, [request.account])).get(request.account)!;
    const candidates = named ? [] : await availableGuards(trx);
    const [header] = await insertOrderHeaders(trx, [{ incidentId: request.incidentId, account: request.account, requestedAt: request.at, reason: request.reason, requestedBy: request.requestedBy }]);
    const contractedArrivalAt = contractedArrivalMin === null ? null : request.at + contractedArrivalMin * 60_000;
    const opened = openOrder(header!, { site, contractedArrivalAt, guard: named, candidates }, request.at, policy);
    const { order, guards, appended } = await apply(trx, incident, header!, undefined, opened);
    // Committed by the caller: the guard's channel hears of it through the incident bus, or polls.
    logger.info({ orderId: order.id, incidentId: order.incidentId, guardId: order.guardId, guards: [...guards] }, 'dispatch order created');
    return { created: true, order, incident: appended ?? { state: incident.state, stored: [] } };
  };

  /**
   * The engine's queued requests, oldest first, as orders: a batch of them in one transaction
   * and one round of statements (their incidents locked in the one lock order, the guards read
   * once and handed out in request order). In a storm's first seconds the worker so keeps pace
   * with the consumer, where one request per transaction waited for each of its batches in turn.
   * A request that cannot become an order (its incident closed, or given an order already) is
   * marked so; one that fails is found by retrying the batch one request at a time, recorded as
   * failed in a transaction of its own, and never retried in a loop that would hold up the rest.
   */
  const openRequestedOrders = async (trx: Transaction<Database>, requests: readonly QueuedDispatchRequest[]) => {
    const at = now();
    const incidentIds = requests.map((r) => r.incidentId);
    const batch = new IncidentBatch();
    const incidents = await batch.loadIncidents(trx, incidentIds);
    const active = await activeOrdersOf(trx, incidentIds);
    await lockAuditChain(trx);
    const handled: HandledRequest[] = [];
    const opening: QueuedDispatchRequest[] = [];
    const repeats: QueuedDispatchRequest[] = [];
    for (const request of requests) {
      const refused = noOrderFor(request, incidents.get(request.incidentId), active.get(request.incidentId));
      if (refused) handled.push({ id: request.id, at, orderId: refused.order?.id ?? null, outcome: refused.message });
      else if (opening.some((o) => o.incidentId === request.incidentId)) repeats.push(request);
      else opening.push(request);
    }
    const guards = new Set<string>();
    if (opening.length > 0) {
      const sites = await orderSitesOf(trx, opening.map((r) => r.account));
      let candidates = await availableGuards(trx);
      const headers = await insertOrderHeaders(trx, opening.map((r) => ({ incidentId: r.incidentId, account: r.account, requestedAt: r.requestedAt, reason: r.reason, requestedBy: r.requestedBy })));
      const opened = headers.map((header, i) => {
        const request = opening[i]!;
        const { site, contractedArrivalMin } = sites.get(request.account)!;
        const contractedArrivalAt = contractedArrivalMin === null ? null : request.requestedAt + contractedArrivalMin * 60_000;
        const decision = openOrder(header, { site, contractedArrivalAt, guard: null, candidates }, request.requestedAt, policy);
        // A guard given this order is not free for the next one in the batch.
        const busy = new Set(decision.effects.flatMap((e) => (e.kind === 'guard_status' && e.status === 'busy' ? [e.guardId] : [])));
        candidates = candidates.filter((c) => !busy.has(c.id));
        return { header, decision, busy };
      });
      const appended = await appendOrdersEvents(trx, opened.map(({ header, decision }) => ({ header, before: undefined, events: decision.events })));
      // openOrder only gives orders to guards (busy): freeing one is another decision's (see apply).
      await writeGuardStatus(trx, opened.flatMap((o) => [...o.busy]), 'busy', at);
      for (const [i, { header, decision }] of opened.entries()) {
        for (const effect of decision.effects) if (effect.kind === 'notify_guard') guards.add(effect.guardId);
        const actions = decision.effects.flatMap((e) => (e.kind === 'incident_action' ? [e.action] : []));
        if (actions.length > 0) batch.appendTo(header.incidentId, actions);
        const order = appended[i]!.order;
        handled.push({ id: opening[i]!.id, at, orderId: order.id, outcome: 'order created' });
        logger.info({ orderId: order.id, incidentId: order.incidentId, guardId: order.guardId }, 'dispatch order created');
      }
      for (const request of repeats) {
        const order = appended[opening.findIndex((o) => o.incidentId === request.incidentId)]!.order;
        handled.push({ id: request.id, at, orderId: order.id, outcome: secondOrder(request.incidentId, order) });
      }
    }
    const lastActionId = await batch.write(trx);
    await markDispatchRequests(trx, handled);
    return { guards, lastActionId };
  };

  /** After a batch failed, this many requests are taken one at a time: the failing one alone. */
  let singly = 0;

  /** The oldest queued requests, in a transaction of their own; resolves to how many it handled, null when none is left. */
  const handleQueuedRequests = async (): Promise<number | null> => {
    let taken: QueuedDispatchRequest[] = [];
    try {
      const result = await db.transaction().execute(async (trx) => {
        taken = await takeDispatchRequests(trx, singly > 0 ? 1 : REQUEST_BATCH);
        return taken.length === 0 ? undefined : openRequestedOrders(trx, taken);
      });
      if (!result) return null;
      if (singly > 0) singly--;
      announce(result.guards, result.lastActionId);
      return taken.length;
    } catch (err) {
      if (taken.length === 0) throw err; // the queue itself could not be read: the next tick tries again
      if (taken.length > 1) {
        singly = taken.length;
        return 0;
      }
      // Rolled back, then recorded as failed in a transaction of its own: the incident stays open
      // before the operators, who can dispatch by hand. (With the database down this throws too,
      // and the request waits for the next tick.)
      singly = Math.max(0, singly - 1);
      const request = taken[0]!;
      logger.error({ err, requestId: request.id, incidentId: request.incidentId }, 'a queued dispatch request could not become an order');
      await db.transaction().execute((trx) => markDispatchRequests(trx, [{ id: request.id, at: now(), orderId: null, outcome: `failed: ${err instanceof DispatchError ? err.code : 'internal error'}` }]));
      return 1;
    }
  };

  const drainRequests = (): Promise<number> => {
    if (draining) {
      drainAgain = true;
      return draining;
    }
    draining = (async () => {
      let count = 0;
      try {
        do {
          drainAgain = false;
          while (!stopping) {
            const handled = await handleQueuedRequests();
            if (handled === null) break;
            count += handled;
          }
        } while (drainAgain);
        return count;
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  };

  const tick = (): Promise<number> => {
    // A tick asked for while one runs runs after it, with its own `now`: never folded into the older one.
    if (ticking) return (queued ??= ticking.catch(() => 0).then(() => ((queued = undefined), tick())));
    ticking = (async () => {
      try {
        await drainRequests();
        let changed = 0;
        // An order still at work for an incident that has been closed (an operator filed it, the
        // engine closed it as false): the guard is stood down, and free for the next alarm.
        const orphaned = await db
          .selectFrom('dispatch_order_state')
          .innerJoin('incident_queue', 'incident_queue.incident_id', 'dispatch_order_state.incident_id')
          .select('dispatch_order_state.order_id')
          .where('dispatch_order_state.status', 'in', [...ACTIVE_STATUSES])
          .where('incident_queue.status', '=', 'closed')
          .orderBy('dispatch_order_state.requested_at')
          .limit(TICK_BATCH)
          .execute();
        for (const { order_id } of orphaned) {
          try {
            const result = await onOrder(order_id, () => Promise.resolve({ kind: 'close', actor: 'system', note: INCIDENT_CLOSED_NOTE }), { skipLocked: true });
            if (result?.changed) changed++;
          } catch (err) {
            logger.error({ err, orderId: order_id }, 'dispatch timer could not stand down the order of a closed incident');
          }
        }
        const at = now();
        const due = await db
          .selectFrom('dispatch_order_state')
          .select('order_id')
          .where((eb) =>
            eb.or([
              eb('due_at', '<=', new Date(at)),
              // A waiting order and a free guard who has not refused it.
              eb.and([
                eb('status', '=', 'unassigned'),
                eb.exists(eb.selectFrom('guard').select('guard.id').where('guard.status', '=', 'available').where(sql<boolean>`not (dispatch_order_state.state->'refused' ? guard.id::text)`)),
              ]),
            ]),
          )
          .orderBy('requested_at')
          .limit(TICK_BATCH)
          .execute();
        for (const { order_id } of due) {
          try {
            const result = await onOrder(order_id, async (trx) => ({ kind: 'tick', candidates: await availableGuards(trx) }), { skipLocked: true });
            if (result?.changed) changed++;
          } catch (err) {
            logger.error({ err, orderId: order_id }, 'dispatch timer could not act on an order');
          }
        }
        return changed;
      } finally {
        ticking = undefined;
      }
    })();
    return ticking;
  };

  return {
    bus,
    requestDispatch,
    queueRequests: (trx, requests) => queueDispatchRequests(trx, requests.map((request) => ({ incidentId: request.incidentId, account: request.account, reason: request.reason, requestedBy: request.requestedBy, requestedAt: request.at }))),
    kick() {
      if (timer) void drainRequests().catch((err: unknown) => logger.error({ err }, 'dispatch requests failed'));
    },
    drainRequests,
    async onDispatchRequested(trx, { action, incident }) {
      const reason = action.detail.note.trim() === '' ? 'dispatch requested by the operator' : action.detail.note;
      const result = await requestDispatch(trx, { incidentId: action.incidentId, account: incident.account, reason, requestedBy: action.actor, at: action.at, guardId: action.detail.guardId });
      if (!result.created) return { stored: [], state: undefined, dispatch: { orderId: result.order?.id ?? null, created: false, message: result.message } };
      return { stored: result.incident.stored, state: result.incident.state, dispatch: { orderId: result.order.id, created: true, message: `dispatch order ${result.order.id}: ${result.order.status}` } };
    },
    async guardCommand(orderId, guardId, command) {
      const result = await onOrder(orderId, async (trx) => {
        switch (command.kind) {
          case 'decline':
            return { kind: 'decline', guardId, note: command.note, candidates: await availableGuards(trx) };
          case 'report':
            return { kind: 'report', guardId, finding: command.finding, note: command.note };
          case 'on_scene':
            return { kind: 'on_scene', guardId };
          default:
            return { kind: command.kind, guardId, etaMin: command.etaMin ?? null };
        }
      });
      return result!.order;
    },
    async assign(orderId, guardId, actor) {
      const result = await onOrder(orderId, async (trx) => {
        const guard = await loadGuard(trx, guardId);
        if (!guard) throw new DispatchError('GUARD_NOT_FOUND', `no guard ${guardId}`);
        if (guard.status === 'off_duty') throw new DispatchError('GUARD_OFF_DUTY', `guard ${guard.name} is off duty`);
        return { kind: 'assign', actor, guard: candidateOf(guard) };
      });
      return result!.order;
    },
    async close(orderId, note, actor) {
      const result = await onOrder(orderId, () => Promise.resolve({ kind: 'close', actor, note }));
      return result!.order;
    },
    async setGuardStatus(guardId, change) {
      const at = now();
      const guard = await db.transaction().execute(async (trx) => {
        await lockAuditChain(trx);
        const before = await loadGuard(trx, guardId);
        if (!before) throw new DispatchError('GUARD_NOT_REGISTERED');
        if (change.status !== before.status && change.status !== 'busy') {
          const holding = await holdsActiveOrder(trx, guardId);
          if (holding) throw new DispatchError('GUARD_HAS_OPEN_ORDER', `you hold dispatch order ${holding}: decline it or report it first`);
        }
        await appendAudit(trx, { actor: guardId, action: 'dispatch.guard_status', subjectType: 'guard', subjectId: guardId, detail: { from: before.status, to: change.status, position: change.position }, at: new Date(at) });
        await writeGuardStatus(trx, guardId, change.status, at);
        if (change.position !== undefined) {
          await trx.updateTable('guard').set({ lat: change.position?.lat ?? null, lng: change.position?.lng ?? null }).where('id', '=', guardId).execute();
        }
        return guardOf(await trx.selectFrom('guard').selectAll().where('id', '=', guardId).executeTakeFirstOrThrow());
      });
      bus.changed([guardId]);
      // A guard coming on duty takes a waiting order at once, not at the next tick.
      if (guard.status === 'available') void tick().catch((err: unknown) => logger.error({ err }, 'dispatch tick failed'));
      return guard;
    },
    async registerGuard(input, actor) {
      const at = new Date(now());
      return db.transaction().execute(async (trx) => {
        await lockAuditChain(trx);
        const user = isUuid(input.userId) ? await trx.selectFrom('app_user').select(['id', 'display_name', 'role', 'disabled']).where('id', '=', input.userId).executeTakeFirst() : undefined;
        if (!user || user.role !== 'guard' || user.disabled) throw new DispatchError('NOT_A_GUARD_USER', `user ${input.userId} is not an enabled user with role guard`);
        const row = await trx
          .insertInto('guard')
          .values({ id: user.id, name: user.display_name, status: input.status, area: input.area, lat: input.position?.lat ?? null, lng: input.position?.lng ?? null, status_since: at, updated_at: at })
          .onConflict((oc) => oc.column('id').doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) throw new DispatchError('GUARD_EXISTS', `user ${input.userId} is already a guard`);
        await appendAudit(trx, { actor, action: 'dispatch.guard_register', subjectType: 'guard', subjectId: user.id, detail: { area: input.area, status: input.status }, at });
        return guardOf(row);
      });
    },
    tick,
    start() {
      if (timer) return;
      stopping = false;
      timer = setInterval(() => void tick().catch((err: unknown) => logger.error({ err }, 'dispatch tick failed')), tickMs);
      timer.unref();
    },
    async stop() {
      stopping = true;
      clearInterval(timer);
      timer = undefined;
      await ticking?.catch(() => undefined);
      await draining?.catch(() => undefined);
    },
  };
}

