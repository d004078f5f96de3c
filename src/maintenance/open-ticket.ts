import type { Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { SYSTEM_ACTOR } from './decide-ticket.js';
import { customerOf, openOrRecur, type TroubleOutcome } from './ticket-store.js';
import type { TicketPolicy } from './ticket-policy.js';
import { troubleLevel } from './trouble-kind.js';

/** The verification engine's `open_maintenance_ticket`, with when it was decided (epoch ms). */
export interface TroubleTicket {
  account: string;
  /** One open ticket per key: the engine's is account, protocol, code and zone. */
  dedupeKey: string;
  code: string;
  zone: number | null;
  description: string;
  at: number;
}

/**
 * Opens a ticket for a panel's trouble (AC loss, low battery, communication fail, tamper…), at
 * the level its code gives, or notes a repeat on the open ticket of the same key. Runs in the
 * caller's transaction (the engine's deciding one): the ticket exists if and only if the
 * decision commits.
 *
 * @example openTicket: (trx, t) => openTicketForTrouble(trx, t, policy).then(() => undefined)
 */
export async function openTicketForTrouble(trx: Transaction<Database>, trouble: TroubleTicket, policy: TicketPolicy): Promise<TroubleOutcome> {
  const { customerId } = await customerOf(trx, trouble.account);
  return openOrRecur(
    trx,
    {
      account: trouble.account,
      customerId,
      receiver: null,
      source: 'trouble',
      dedupeKey: trouble.dedupeKey,
      code: trouble.code,
      zone: trouble.zone,
      description: trouble.description,
      level: troubleLevel(trouble.code),
      openedAt: trouble.at,
      openedBy: SYSTEM_ACTOR,
    },
    trouble.at,
    policy,
  );
}
