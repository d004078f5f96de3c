import type { Kysely } from 'kysely';
import type { TicketLevel } from '../maintenance/ticket-policy.js';
import type { Database } from '../store/database-schema.js';
import { loadTimelines } from '../supervision/supervision-store.js';
import { loadDispatchFacts } from './load-dispatch-facts.js';
import { loadIncidentFacts } from './load-incident-facts.js';
import type { ComplaintFacts, MonthlyInput, TicketFacts } from './monthly-input.js';

/**
 * The facts of [from, until) that the monthly report is computed from, read in one repeatable-read
 * transaction so that every figure sees the same moment. Tickets and complaints are read from
 * their state tables (derived from their history): their deadlines as they stand now.
 */
export async function loadMonth(db: Kysely<Database>, from: number, until: number): Promise<MonthlyInput> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const [accounts, customers] = await Promise.all([
        trx.selectFrom('account as a').leftJoin('customer as c', 'c.id', 'a.customer_id').select(['a.number', 'a.customer_id', 'c.name']).orderBy('a.number').execute(),
        trx.selectFrom('customer').select(['id', 'name']).execute(),
      ]);
      const names = new Map(customers.map((c) => [c.id, c.name]));
      const customerName = (id: string | null) => (id === null ? null : (names.get(id) ?? null));
      const [supervision, incidents, dispatchOrders, tickets, complaints] = await Promise.all([
        loadTimelines(trx, from, until),
        loadIncidentFacts(trx, from, until, customerName),
        loadDispatchFacts(trx, from, until, customerName),
        loadTicketFacts(trx, from, until),
        loadComplaintFacts(trx, from, until),
      ]);
      return {
        accounts: accounts.map((a) => ({ account: a.number, customerId: a.customer_id, customerName: a.name })),
        supervision,
        incidents,
        dispatchOrders,
        tickets,
        complaints,
      };
    });
}

/** Maintenance tickets opened in [from, until). */
async function loadTicketFacts(db: Kysely<Database>, from: number, until: number): Promise<TicketFacts[]> {
  const rows = await db
    .selectFrom('maintenance_ticket_state')
    .select(['ticket_id', 'level', 'opened_at', 'response_due_at', 'repair_due_at', 'on_site_at', 'repaired_at'])
    .where('opened_at', '>=', new Date(from))
    .where('opened_at', '<', new Date(until))
    .orderBy('ticket_id')
    .execute();
  return rows.map((r) => ({
    id: r.ticket_id,
    level: r.level as TicketLevel,
    openedAt: r.opened_at.getTime(),
    responseDueAt: r.response_due_at.getTime(),
    repairDueAt: r.repair_due_at.getTime(),
    onSiteAt: r.on_site_at?.getTime() ?? null,
    repairedAt: r.repaired_at?.getTime() ?? null,
  }));
}

/** Complaints made in [from, until). */
async function loadComplaintFacts(db: Kysely<Database>, from: number, until: number): Promise<ComplaintFacts[]> {
  const rows = await db
    .selectFrom('complaint_state')
    .select(['complaint_id', 'complained_at', 'reply_due_at', 'replied_at'])
    .where('complained_at', '>=', new Date(from))
    .where('complained_at', '<', new Date(until))
    .orderBy('complaint_id')
    .execute();
  return rows.map((r) => ({ id: r.complaint_id, complainedAt: r.complained_at.getTime(), replyDueAt: r.reply_due_at.getTime(), repliedAt: r.replied_at?.getTime() ?? null }));
}
