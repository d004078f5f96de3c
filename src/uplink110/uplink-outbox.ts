import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { SYSTEM_ACTOR, type NewAction, type UplinkEscalation, type UplinkMessageKind } from '../incidents/incident-action.js';
import { IncidentBatch } from '../incidents/incident-batch.js';
import { appendActions, lockIncident } from '../incidents/incident-store.js';
import type { Database } from '../store/database-schema.js';
import { retryDelay, type SendOutcome } from './send-message.js';
import type { UplinkOutboxTable } from './uplink-tables.js';

/** A message taken for delivery: its lease runs until the outcome is recorded or it lapses. */
export interface ClaimedMessage {
  id: string;
  incidentId: string;
  revision: number;
  kind: UplinkMessageKind;
  payload: object;
  /** This attempt's number, from 1. */
  attempt: number;
  createdAt: number;
}

/** What a transaction of the outbox appended to incidents, to wake live views after commit. */
export interface Appended {
  lastActionIds: string[];
  escalations: UplinkEscalation[];
}

/**
 * Takes up to `limit` due messages, the oldest first, and leases them for `leaseMs`: another
 * worker (the other node, a second pass) skips them, and a crash mid-send lets the lease lapse
 * and the message go again (at least once; 110 de-duplicates by the key). A message waits while
 * an earlier one of its incident is pending, so that 110 never sees an update before its notify.
 * `for update skip locked` works on PGlite as on PostgreSQL (one session there: nothing to skip).
 */
export async function claimDue(db: Kysely<Database>, now: number, leaseMs: number, limit: number): Promise<ClaimedMessage[]> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('uplink_outbox as o')
      .selectAll('o')
      .where('o.status', '=', 'pending')
      .where('o.next_attempt_at', '<=', new Date(now))
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('uplink_outbox as e').select('e.id').whereRef('e.incident_id', '=', 'o.incident_id').where('e.status', '=', 'pending').whereRef('e.id', '<', 'o.id'))),
      )
      .orderBy('o.next_attempt_at')
      .orderBy('o.id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length === 0) return [];
    await trx
      .updateTable('uplink_outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: new Date(now + leaseMs) }))
      .where('id', 'in', rows.map((r) => r.id))
      .execute();
    return rows.map((r) => ({ id: r.id, incidentId: r.incident_id, revision: r.revision, kind: r.kind as UplinkMessageKind, payload: r.payload, attempt: r.attempts + 1, createdAt: r.created_at.getTime() }));
  });
}

/**
 * Records one attempt and what it changes, in one transaction: the attempt row always; accepted
 * → the case number and an `uplink_accepted` action; rejected → `uplink_rejected` and, unless
 * done already, `uplink_escalated`; anything else → the next attempt, backed off. A message
 * answered meanwhile (a lapsed lease sent twice) only gets its attempt logged.
 */
export async function recordOutcome(
  db: Kysely<Database>,
  message: ClaimedMessage,
  outcome: SendOutcome,
  at: { startedAt: number; now: number; retry: { initialMs: number; maxMs: number } },
): Promise<Appended & { stillPending: boolean }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('uplink_outbox').selectAll().where('id', '=', message.id).forUpdate().executeTakeFirstOrThrow();
    const detail = outcome.result === 'accepted' ? outcome.caseNumber : outcome.result === 'rejected' ? outcome.reason : outcome.error;
    await trx
      .insertInto('uplink_attempt')
      .values({ outbox_id: message.id, attempt: message.attempt, started_at: new Date(at.startedAt), duration_ms: Math.max(0, Math.round(at.now - at.startedAt)), result: outcome.result, http_status: outcome.httpStatus, detail: detail.slice(0, 1000) })
      .execute();
    const none: Appended & { stillPending: boolean } = { lastActionIds: [], escalations: [], stillPending: row.status === 'pending' };
    if (row.status !== 'pending') return none;
    const key = { revision: message.revision, message: message.kind };
    const base = { at: at.now, actor: SYSTEM_ACTOR, journalSeq: null };
    switch (outcome.result) {
      case 'accepted': {
        await trx.updateTable('uplink_outbox').set({ status: 'accepted', accepted_at: new Date(at.now), case_number: outcome.caseNumber, next_attempt_at: null, last_error: null }).where('id', '=', message.id).execute();
        return { ...(await append(trx, message.incidentId, [{ ...base, kind: 'uplink_accepted', detail: { ...key, caseNumber: outcome.caseNumber } }])), stillPending: false };
      }
      case 'rejected': {
        const escalate = row.escalated_at === null;
        await trx
          .updateTable('uplink_outbox')
          .set({ status: 'rejected', reject_reason: outcome.reason, next_attempt_at: null, ...(escalate && { escalated_at: new Date(at.now) }) })
          .where('id', '=', message.id)
          .execute();
        const actions: NewAction[] = [{ ...base, kind: 'uplink_rejected', detail: { ...key, reason: outcome.reason } }];
        if (escalate) actions.push({ ...base, kind: 'uplink_escalated', detail: { ...key, reason: 'rejected' } });
        const appended = await append(trx, message.incidentId, actions);
        return { ...appended, escalations: escalate ? ['rejected'] : [], stillPending: false };
      }
      default: {
        const next = at.now + retryDelay(message.attempt, at.retry);
        await trx.updateTable('uplink_outbox').set({ next_attempt_at: new Date(next), last_error: outcome.error.slice(0, 1000) }).where('id', '=', message.id).execute();
        return none;
      }
    }
  });
}

/**
 * Tells the operators to call 110 by phone for every message still pending `timeoutMs` after it
 * was enqueued: once per message (escalated_at), and delivery goes on.
 */
export async function escalateOverdue(db: Kysely<Database>, now: number, timeoutMs: number, limit = 50): Promise<Appended> {
  return escalate(db, 'not_accepted_in_time', limit, (q) => q.where('created_at', '<=', new Date(now - timeoutMs)), now);
}

/** The uplink is off (ARC_UPLINK110_URL empty): every message is escalated at once and never sent. */
export async function escalateUnsendable(db: Kysely<Database>, now: number, limit = 50): Promise<Appended> {
  return escalate(db, 'uplink_off', limit, (q) => q, now);
}

type PendingQuery = ReturnType<typeof pendingUnescalated>;
function pendingUnescalated(trx: Transaction<Database>) {
  return trx.selectFrom('uplink_outbox').selectAll().where('status', '=', 'pending').where('escalated_at', 'is', null);
}

/**
 * Escalates up to `limit` messages in one transaction, their incidents' records written in one
 * round of statements (IncidentBatch): a storm's first seconds escalate hundreds at once, and
 * one append after another held their incidents' locks for as long, with the incidents
 * consumer waiting on them.
 */
async function escalate(db: Kysely<Database>, reason: UplinkEscalation, limit: number, filter: (q: PendingQuery) => PendingQuery, now: number): Promise<Appended> {
  return db.transaction().execute(async (trx) => {
    const rows: Selectable<UplinkOutboxTable>[] = await filter(pendingUnescalated(trx)).orderBy('id').limit(limit).forUpdate().skipLocked().execute();
    if (rows.length === 0) return { lastActionIds: [], escalations: [] };
    // Every incident before the first append, in the one lock order (see IncidentBatch.load).
    const batch = new IncidentBatch();
    const incidents = await batch.loadIncidents(trx, rows.map((r) => r.incident_id));
    const off = reason === 'uplink_off';
    await trx
      .updateTable('uplink_outbox')
      .set({ escalated_at: new Date(now), ...(off && { status: 'not_sent' as const, next_attempt_at: null }) })
      .where('id', 'in', rows.map((r) => r.id))
      .execute();
    for (const row of rows) {
      // The outbox's foreign key makes a message without its incident's queue row a bug elsewhere: skip it, as before.
      if (!incidents.has(row.incident_id)) continue;
      batch.appendTo(row.incident_id, [{ at: now, actor: SYSTEM_ACTOR, journalSeq: null, kind: 'uplink_escalated', detail: { revision: row.revision, message: row.kind as UplinkMessageKind, reason } }]);
    }
    const last = await batch.write(trx);
    return { lastActionIds: last === null ? [] : [last], escalations: rows.map(() => reason) };
  });
}

async function append(trx: Transaction<Database>, incidentId: string, actions: NewAction[]): Promise<Appended> {
  const loaded = await lockIncident(trx, incidentId);
  if (loaded === undefined) return { lastActionIds: [], escalations: [] }; // the outbox's foreign key makes this a queue without its row
  const { state } = await appendActions(trx, loaded.state, loaded.state, actions);
  return { lastActionIds: state.lastActionId === null ? [] : [state.lastActionId], escalations: [] };
}

/** When the worker must look again: the next due attempt, the next escalation, and the depth. */
export async function outboxWake(db: Kysely<Database>): Promise<{ due: number | null; oldestUnescalated: number | null; pending: number }> {
  const row = await sql<{ due: Date | null; oldest: Date | null; pending: string | number }>`
    select min(o.next_attempt_at) filter (where not exists (
             select 1 from uplink_outbox e where e.incident_id = o.incident_id and e.status = 'pending' and e.id < o.id)) as due,
           min(o.created_at) filter (where o.escalated_at is null) as oldest,
           count(*) as pending
      from uplink_outbox o where o.status = 'pending'`.execute(db);
  const r = row.rows[0]!;
  return { due: r.due?.getTime() ?? null, oldestUnescalated: r.oldest?.getTime() ?? null, pending: Number(r.pending) };
}
