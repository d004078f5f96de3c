import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Fence } from '../journal/journal-consumer.js';
import type { Database } from '../store/database-schema.js';
import { evolveComplaint, foldComplaint, type Complaint, type ComplaintEvent, type ComplaintHeader, type NewComplaintEvent } from './complaint.js';
import type { ComplaintEventTable, ComplaintStateTable, ComplaintTable } from './complaint-tables.js';
import { decideComplaint, registerComplaint } from './decide-complaint.js';

type Db = Kysely<Database> | Transaction<Database>;

const COMPLAINT_ID = /^[1-9][0-9]{0,17}$/;

export function complaintHeader(row: Selectable<ComplaintTable>): ComplaintHeader {
  return {
    id: row.id,
    complainant: { customerId: row.customer_id, name: row.complainant_name, phone: row.complainant_phone },
    complainedAt: row.complained_at.getTime(),
    content: row.content,
    receivedBy: row.received_by,
    promised: row.promised,
    recordedAt: row.recorded_at.getTime(),
  };
}

export function complaintEvent(row: Selectable<ComplaintEventTable>): ComplaintEvent {
  return { id: row.id, complaintId: row.complaint_id, at: row.at.getTime(), actor: row.actor, kind: row.kind, detail: row.detail } as ComplaintEvent; // written together from a NewComplaintEvent
}

export interface LoadedComplaint {
  complaint: Complaint;
  events: ComplaintEvent[];
}

/** A complaint from its header and events. */
export async function loadComplaint(db: Db, id: string): Promise<LoadedComplaint | undefined> {
  if (!COMPLAINT_ID.test(id)) return undefined;
  const header = await db.selectFrom('complaint').selectAll().where('id', '=', id).executeTakeFirst();
  if (!header) return undefined;
  const rows = await db.selectFrom('complaint_event').selectAll().where('complaint_id', '=', id).orderBy('id').execute();
  const events = rows.map(complaintEvent);
  return { complaint: foldComplaint(complaintHeader(header), events), events };
}

/** Locks a complaint (its state row) for the rest of the transaction and loads it. */
export async function lockComplaint(trx: Transaction<Database>, id: string): Promise<LoadedComplaint | undefined> {
  if (!COMPLAINT_ID.test(id)) return undefined;
  const row = await trx.selectFrom('complaint_state').select('complaint_id').where('complaint_id', '=', id).forUpdate().executeTakeFirst();
  return row ? loadComplaint(trx, id) : undefined;
}

export async function appendComplaintEvents(trx: Transaction<Database>, complaint: Complaint, events: readonly NewComplaintEvent[]): Promise<{ complaint: Complaint; stored: ComplaintEvent[] }> {
  if (events.length === 0) return { complaint, stored: [] };
  const rows = await trx
    .insertInto('complaint_event')
    .values(events.map((e) => ({ complaint_id: complaint.id, at: new Date(e.at), actor: e.actor, kind: e.kind, detail: JSON.stringify(e.detail) })))
    .returningAll()
    .execute();
  const stored = rows.map(complaintEvent).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  const after = stored.reduce(evolveComplaint, complaint);
  await upsertStateRows(trx, [after]);
  return { complaint: after, stored };
}

/** Registers a complaint: header, first events, state row. */
export async function insertComplaint(trx: Transaction<Database>, header: Omit<ComplaintHeader, 'id'>, now: number): Promise<{ complaint: Complaint; stored: ComplaintEvent[] }> {
  const row = await trx
    .insertInto('complaint')
    .values({
      customer_id: header.complainant.customerId,
      complainant_name: header.complainant.name,
      complainant_phone: header.complainant.phone,
      complained_at: new Date(header.complainedAt),
      content: header.content,
      received_by: header.receivedBy,
      promised: header.promised,
      recorded_at: new Date(header.recordedAt),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const stored = complaintHeader(row);
  const { events } = registerComplaint(stored, now);
  return appendComplaintEvents(trx, foldComplaint(stored, []), events);
}

export function complaintStateRow(c: Complaint): Insertable<ComplaintStateTable> {
  return {
    complaint_id: c.id,
    customer_id: c.complainant.customerId,
    status: c.status,
    complained_at: new Date(c.complainedAt),
    reply_due_at: new Date(c.replyDueAt),
    replied_at: c.reply === null ? null : new Date(c.reply.at),
    overdue: c.overdue,
    last_event_id: c.lastEventId!,
    state: JSON.stringify(c),
  };
}

async function upsertStateRows(trx: Transaction<Database>, complaints: readonly Complaint[]): Promise<void> {
  await trx
    .insertInto('complaint_state')
    .values(complaints.map(complaintStateRow))
    .onConflict((oc) =>
      oc.column('complaint_id').doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        reply_due_at: eb.ref('excluded.reply_due_at'),
        replied_at: eb.ref('excluded.replied_at'),
        overdue: eb.ref('excluded.overdue'),
        last_event_id: eb.ref('excluded.last_event_id'),
        state: eb.ref('excluded.state'),
      })),
    )
    .execute();
}

/**
 * One pass of the complaints' overdue loop: every open complaint past its reply deadline gets
 * its `overdue` event, once; rows taken `for update skip locked` (two nodes never both record
 * it). Resolves to how many it marked.
 */
export async function markOverdueComplaints(db: Kysely<Database>, now: number, options: { batchSize?: number; fence?: Fence | undefined } = {}): Promise<number> {
  const { batchSize = 200, fence } = options;
  return db.transaction().execute(async (trx) => {
    await fence?.(trx);
    const due = await trx
      .selectFrom('complaint_state')
      .select('complaint_id')
      .where('status', '=', 'open')
      .where('overdue', '=', false)
      .where('reply_due_at', '<', new Date(now))
      .orderBy('reply_due_at')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    let marked = 0;
    for (const { complaint_id } of due) {
      const loaded = await loadComplaint(trx, complaint_id);
      if (!loaded) continue;
      const decision = decideComplaint(loaded.complaint, { kind: 'tick' }, now);
      if (!decision.ok || decision.events.length === 0) continue;
      await appendComplaintEvents(trx, loaded.complaint, decision.events);
      marked++;
    }
    return marked;
  });
}

/** Rewrites every complaint's state row from its events. Returns how many it folded. */
export async function rebuildComplaintStates(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ids = await trx.selectFrom('complaint').select('id').orderBy('id').execute();
    for (const { id } of ids) {
      const loaded = await loadComplaint(trx, id);
      if (loaded && loaded.complaint.lastEventId !== null) await upsertStateRows(trx, [loaded.complaint]);
    }
    return ids.length;
  });
}
