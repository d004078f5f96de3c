import type { Kysely } from 'kysely';
import type { Fence } from '../journal/journal-consumer.js';
import type { Database } from '../store/database-schema.js';
import { decideTicket } from './decide-ticket.js';
import { appendTicketEvents, loadTicket } from './ticket-store.js';
import type { TicketPolicy } from './ticket-policy.js';
import type { TicketEvent } from './ticket.js';

/**
 * One pass of the overdue loop: every ticket with a deadline passed by `now` gets its
 * `response_overdue` / `repair_overdue` event, once (the event clears the state row's `due_at`).
 * The due rows are taken `for update skip locked`, so two nodes never escalate one ticket twice:
 * the other passes over it. Resolves to the events appended.
 */
export async function escalateOverdueTickets(db: Kysely<Database>, now: number, policy: TicketPolicy, options: { batchSize?: number; fence?: Fence | undefined } = {}): Promise<TicketEvent[]> {
  const { batchSize = 200, fence } = options;
  return db.transaction().execute(async (trx) => {
    await fence?.(trx);
    const due = await trx
      .selectFrom('maintenance_ticket_state')
      .select('ticket_id')
      .where('due_at', '<', new Date(now))
      .orderBy('due_at')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    const appended: TicketEvent[] = [];
    for (const { ticket_id } of due) {
      const loaded = await loadTicket(trx, ticket_id);
      if (!loaded) continue;
      const decision = decideTicket(loaded.ticket, { kind: 'tick' }, now, policy);
      if (!decision.ok) continue;
      const { stored } = await appendTicketEvents(trx, loaded.ticket, decision.events);
      appended.push(...stored);
    }
    return appended;
  });
}
