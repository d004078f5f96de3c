import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { decideTicket, openTicket, SYSTEM_ACTOR } from './decide-ticket.js';
import type { MaintenanceTicketEventTable, MaintenanceTicketStateTable, MaintenanceTicketTable } from './maintenance-tables.js';
import { evolveTicket, foldTicket, nextDueAt, OPEN_STATUSES, type NewTicketEvent, type Ticket, type TicketEvent, type TicketHeader } from './ticket.js';
import { LEVEL_RANK, type TicketLevel, type TicketPolicy, type TicketSource } from './ticket-policy.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The advisory lock namespace of "one open ticket per dedupe key" (two-key form: namespace, hash). */
const DEDUPE_LOCK = 0x4d_4e_54_4b; // "MNTK"

export function ticketHeader(row: Selectable<MaintenanceTicketTable>): TicketHeader {
  return {
    id: row.id,
    account: row.account,
    customerId: row.customer_id,
    receiver: row.receiver,
    source: row.source as TicketSource,
    dedupeKey: row.dedupe_key,
    code: row.code,
    zone: row.zone,
    description: row.description,
    level: row.level as TicketLevel,
    openedAt: row.opened_at.getTime(),
    openedBy: row.opened_by,
  };
}

export function ticketEvent(row: Selectable<MaintenanceTicketEventTable>): TicketEvent {
  return { id: row.id, ticketId: row.ticket_id, at: row.at.getTime(), actor: row.actor, kind: row.kind, detail: row.detail } as TicketEvent; // written together from a NewTicketEvent
}

export interface LoadedTicket {
  ticket: Ticket;
  events: TicketEvent[];
}

const TICKET_ID = /^[1-9][0-9]{0,17}$/;

/** A ticket from its header and events (the state row is not trusted for it). */
export async function loadTicket(db: Db, id: string): Promise<LoadedTicket | undefined> {
  if (!TICKET_ID.test(id)) return undefined;
  const header = await db.selectFrom('maintenance_ticket').selectAll().where('id', '=', id).executeTakeFirst();
  if (header === undefined) return undefined;
  const rows = await db.selectFrom('maintenance_ticket_event').selectAll().where('ticket_id', '=', id).orderBy('id').execute();
  const events = rows.map(ticketEvent);
  return { ticket: foldTicket(ticketHeader(header), events), events };
}

/**
 * Locks a ticket (its state row) for the rest of the transaction and loads it; `skipLocked`:
 * undefined when another transaction holds it (the overdue loop on the other node).
 */
export async function lockTicket(trx: Transaction<Database>, id: string, options: { skipLocked?: boolean } = {}): Promise<LoadedTicket | undefined> {
  if (!TICKET_ID.test(id)) return undefined;
  let query = trx.selectFrom('maintenance_ticket_state').select('ticket_id').where('ticket_id', '=', id).forUpdate();
  if (options.skipLocked) query = query.skipLocked();
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : loadTicket(trx, id);
}

/** Appends events to a ticket, in order, and writes its state row; returns the ticket after them. */
export async function appendTicketEvents(trx: Transaction<Database>, ticket: Ticket, events: readonly NewTicketEvent[]): Promise<{ ticket: Ticket; stored: TicketEvent[] }> {
  if (events.length === 0) return { ticket, stored: [] };
  const rows = await trx
    .insertInto('maintenance_ticket_event')
    .values(events.map((e) => ({ ticket_id: ticket.id, at: new Date(e.at), actor: e.actor, kind: e.kind, detail: JSON.stringify(e.detail) })))
    .returningAll()
    .execute();
  const stored = rows.map(ticketEvent).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  const after = stored.reduce(evolveTicket, ticket);
  await upsertStateRows(trx, [after]);
  return { ticket: after, stored };
}

export type NewTicket = Omit<TicketHeader, 'id'>;

/** Stores a new ticket: header, opening events, state row. */
export async function insertTicket(trx: Transaction<Database>, header: NewTicket, now: number, policy: TicketPolicy): Promise<{ ticket: Ticket; stored: TicketEvent[] }> {
  const row = await trx
    .insertInto('maintenance_ticket')
    .values({
      account: header.account,
      customer_id: header.customerId,
      receiver: header.receiver,
      source: header.source,
      dedupe_key: header.dedupeKey,
      code: header.code,
      zone: header.zone,
      description: header.description,
      level: header.level,
      opened_at: new Date(header.openedAt),
      opened_by: header.openedBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const stored = ticketHeader(row);
  const opened = openTicket(stored, now, policy);
  return appendTicketEvents(trx, foldTicket(stored, []), opened.events);
}

/** What became of a trouble: a new ticket, or an occurrence / restore noted on the open one. */
export interface TroubleOutcome {
  ticketId: string;
  opened: boolean;
}

/**
 * Opens a ticket for a trouble, or notes it as an occurrence on the open ticket of the same
 * dedupe key. An advisory lock on the key serialises two troubles of one key (two transactions
 * would otherwise both find none open); the unique index is the last guard.
 */
export async function openOrRecur(trx: Transaction<Database>, header: NewTicket & { dedupeKey: string }, now: number, policy: TicketPolicy): Promise<TroubleOutcome> {
  const open = await lockOpenTicket(trx, header.dedupeKey);
  if (open) {
    const decision = decideTicket(open.ticket, { kind: 'occurrence', actor: header.openedBy, description: header.description }, now, policy);
    if (!decision.ok) throw new Error(`ticket ${open.ticket.id}: an occurrence refused (${decision.code})`);
    await appendTicketEvents(trx, open.ticket, decision.events);
    return { ticketId: open.ticket.id, opened: false };
  }
  const { ticket } = await insertTicket(trx, header, now, policy);
  return { ticketId: ticket.id, opened: true };
}

/** Notes the end of a trouble on its open ticket; undefined when none is open (nothing to note). */
export async function noteRestore(trx: Transaction<Database>, dedupeKey: string, description: string, now: number, policy: TicketPolicy): Promise<string | undefined> {
  const open = await lockOpenTicket(trx, dedupeKey);
  if (!open) return undefined;
  const decision = decideTicket(open.ticket, { kind: 'restored', actor: SYSTEM_ACTOR, description }, now, policy);
  if (!decision.ok) throw new Error(`ticket ${open.ticket.id}: a restore refused (${decision.code})`);
  await appendTicketEvents(trx, open.ticket, decision.events);
  return open.ticket.id;
}

async function lockOpenTicket(trx: Transaction<Database>, dedupeKey: string): Promise<LoadedTicket | undefined> {
  await sql`select pg_advisory_xact_lock(${DEDUPE_LOCK}, hashtext(${dedupeKey}))`.execute(trx);
  const row = await trx.selectFrom('maintenance_ticket_state').select('ticket_id').where('dedupe_key', '=', dedupeKey).where('status', 'in', OPEN_STATUSES).forUpdate().executeTakeFirst();
  return row === undefined ? undefined : loadTicket(trx, row.ticket_id);
}

/** The customer an account belongs to now (null: none, or no such account). */
export async function customerOf(db: Db, account: string): Promise<{ exists: boolean; customerId: string | null }> {
  const row = await db.selectFrom('account').select('customer_id').where('number', '=', account).executeTakeFirst();
  return { exists: row !== undefined, customerId: row?.customer_id ?? null };
}

/** The state row of a ticket (the row is the state, with what the loop and the lists query). */
export function stateRow(ticket: Ticket): Insertable<MaintenanceTicketStateTable> {
  const at = (ms: number | null) => (ms === null ? null : new Date(ms));
  return {
    ticket_id: ticket.id,
    account: ticket.account,
    dedupe_key: ticket.dedupeKey,
    status: ticket.status,
    level: ticket.currentLevel,
    level_rank: LEVEL_RANK[ticket.currentLevel],
    opened_at: new Date(ticket.openedAt),
    response_due_at: new Date(ticket.responseDueAt),
    repair_due_at: new Date(ticket.repairDueAt),
    on_site_at: at(ticket.onSiteAt),
    repaired_at: at(ticket.repairedAt),
    response_overdue: ticket.responseOverdue,
    repair_overdue: ticket.repairOverdue,
    due_at: at(nextDueAt(ticket)),
    last_event_id: ticket.lastEventId!,
    state: JSON.stringify(ticket),
  };
}

async function upsertStateRows(trx: Transaction<Database>, tickets: readonly Ticket[]): Promise<void> {
  await trx
    .insertInto('maintenance_ticket_state')
    .values(tickets.map(stateRow))
    .onConflict((oc) =>
      oc.column('ticket_id').doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        level: eb.ref('excluded.level'),
        level_rank: eb.ref('excluded.level_rank'),
        response_due_at: eb.ref('excluded.response_due_at'),
        repair_due_at: eb.ref('excluded.repair_due_at'),
        on_site_at: eb.ref('excluded.on_site_at'),
        repaired_at: eb.ref('excluded.repaired_at'),
        response_overdue: eb.ref('excluded.response_overdue'),
        repair_overdue: eb.ref('excluded.repair_overdue'),
        due_at: eb.ref('excluded.due_at'),
        last_event_id: eb.ref('excluded.last_event_id'),
        state: eb.ref('excluded.state'),
      })),
    )
    .execute();
}

/**
 * Rewrites every ticket's state row from its events: the state is derived, and this is the
 * proof (and the repair). Returns how many tickets it folded.
 */
export async function rebuildTicketStates(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ids = await trx.selectFrom('maintenance_ticket').select('id').orderBy('id').execute();
    for (const { id } of ids) {
      const loaded = await loadTicket(trx, id);
      if (loaded && loaded.ticket.lastEventId !== null) await upsertStateRows(trx, [loaded.ticket]);
    }
    return ids.length;
  });
}
