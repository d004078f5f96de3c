import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { SYSTEM_ACTOR, type NewAction, type UplinkEscalation, type UplinkMessageKind } from '../incidents/incident-action.js';
import { IncidentBatch } from '../incidents/incident-batch.js';
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

/** One attempt's answer (or failure), to record. */
export interface AnsweredMessage {
  message: ClaimedMessage;
  outcome: SendOutcome;
  startedAt: number;
  /** When the answer came (epoch ms): the attempt's end, and the time of what it appends. */
  at: number;
}

/** What recording one answer left: whether its message is still pending (to be tried again), and the escalation it raised. */
export interface RecordedOutcome {
  stillPending: boolean;
  escalation: UplinkEscalation | null;
}

/**
 * Records attempts and what they change, in one transaction whatever their number: each
 * attempt's row always; accepted → the case number and an `uplink_accepted` action; rejected →
 * `uplink_rejected` and, unless done already, `uplink_escalated`; anything else → the next
 * attempt, backed off. A message answered meanwhile (a lapsed lease sent twice) only gets its
 * attempt logged. The incidents' actions are written in one round of statements (IncidentBatch):
 * in a storm of hold-ups 110 answers hundreds of reports within a second or two, and one
 * transaction each held the audit chain's lock, one after another, with the incidents consumer
 * waiting behind them.
 */
export async function recordOutcomes(db: Kysely<Database>, answered: readonly AnsweredMessage[], retry: { initialMs: number; maxMs: number }): Promise<{ appended: Appended; recorded: RecordedOutcome[] }> {
  return db.transaction().execute(async (trx) => {
    const ids = [...new Set(answered.map((a) => a.message.id))];
    const rows = await trx.selectFrom('uplink_outbox').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute();
    const current = new Map(rows.map((r) => [r.id, r]));
    const unknown = ids.find((id) => !current.has(id));
    if (unknown !== undefined) throw new Error(`uplink message ${unknown} is not in the outbox`);
    await trx
      .insertInto('uplink_attempt')
      .values(answered.map(({ message, outcome, startedAt, at }) => ({ outbox_id: message.id, attempt: message.attempt, started_at: new Date(startedAt), duration_ms: Math.max(0, Math.round(at - startedAt)), result: outcome.result, http_status: outcome.httpStatus, detail: answerDetail(outcome).slice(0, 1000) })))
      .execute();
    const changed = new Set<string>();
    const records: { incidentId: string; actions: NewAction[] }[] = [];
    const recorded = answered.map(({ message, outcome, at }): RecordedOutcome => {
      const row = current.get(message.id)!;
      if (row.status !== 'pending') return { stillPending: false, escalation: null };
      const key = { revision: message.revision, message: message.kind };
      const base = { at, actor: SYSTEM_ACTOR, journalSeq: null };
      const next = (change: Partial<typeof row>) => {
        current.set(row.id, { ...row, ...change });
        changed.add(row.id);
      };
      switch (outcome.result) {
        case 'accepted':
          next({ status: 'accepted', accepted_at: new Date(at), case_number: outcome.caseNumber, next_attempt_at: null, last_error: null });
          records.push({ incidentId: message.incidentId, actions: [{ ...base, kind: 'uplink_accepted', detail: { ...key, caseNumber: outcome.caseNumber } }] });
          return { stillPending: false, escalation: null };
        case 'rejected': {
          const escalate = row.escalated_at === null;
          next({ status: 'rejected', reject_reason: outcome.reason, next_attempt_at: null, ...(escalate && { escalated_at: new Date(at) }) });
          const actions: NewAction[] = [{ ...base, kind: 'uplink_rejected', detail: { ...key, reason: outcome.reason } }];
          if (escalate) actions.push({ ...base, kind: 'uplink_escalated', detail: { ...key, reason: 'rejected' } });
          records.push({ incidentId: message.incidentId, actions });
          return { stillPending: false, escalation: escalate ? 'rejected' : null };
        }
        default:
          next({ next_attempt_at: new Date(at + retryDelay(message.attempt, retry)), last_error: outcome.error.slice(0, 1000) });
          return { stillPending: true, escalation: null };
      }
    });
    if (changed.size > 0) {
      const values = sql.join(
        [...changed].map((id) => {
          const r = current.get(id)!;
          return sql`(${id}::bigint, ${r.status}::text, ${r.accepted_at}::timestamptz, ${r.case_number}::text, ${r.reject_reason}::text, ${r.escalated_at}::timestamptz, ${r.next_attempt_at}::timestamptz, ${r.last_error}::text)`;
        }),
      );
      await sql`update uplink_outbox as o set status = v.status, accepted_at = v.accepted_at, case_number = v.case_number, reject_reason = v.reject_reason,
          escalated_at = v.escalated_at, next_attempt_at = v.next_attempt_at, last_error = v.last_error
        from (values ${values}) as v(id, status, accepted_at, case_number, reject_reason, escalated_at, next_attempt_at, last_error)
        where o.id = v.id`.execute(trx);
    }
    if (records.length === 0) return { appended: { lastActionIds: [], escalations: [] }, recorded };
    // Every incident before the first append, in the one lock order (see IncidentBatch.load).
    const batch = new IncidentBatch();
    const incidents = await batch.loadIncidents(trx, records.map((r) => r.incidentId));
    // The outbox's foreign key makes a message without its incident's queue row a bug elsewhere: skip it, as before.
    for (const { incidentId, actions } of records) if (incidents.has(incidentId)) batch.appendTo(incidentId, actions);
    const last = await batch.write(trx);
    return { appended: { lastActionIds: last === null ? [] : [last], escalations: recorded.flatMap((r) => (r.escalation ? [r.escalation] : [])) }, recorded };
  });
}

/** What an attempt's row says of its answer. */
function answerDetail(outcome: SendOutcome): string {
  return outcome.result === 'accepted' ? outcome.caseNumber : outcome.result === 'rejected' ? outcome.reason : outcome.error;
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
