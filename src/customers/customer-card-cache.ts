import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { CustomerCard } from './customer-card.js';
import { findCustomerCard } from './customer-lookup.js';

/**
 * Customer cards for the incident consumer, which needs one per alarm: six queries each would
 * cap a storm of alarms at a few hundred a second. A card is kept until `invalidate` (every
 * change to customers or accounts calls it, on this node directly and on the other through
 * NOTIFY arc_accounts), and at most `ttlMs` as a safety net under a missed notification.
 */
export class CustomerCardCache {
  readonly #cards = new Map<string, { card: CustomerCard | undefined; at: number }>();

  constructor(private readonly options: { ttlMs: number; now: () => number }) {}

  /** Same contract as findCustomerCard. */
  readonly find = async (db: Kysely<Database> | Transaction<Database>, account: string): Promise<CustomerCard | undefined> => {
    const now = this.options.now();
    const kept = this.#cards.get(account);
    if (kept && now - kept.at < this.options.ttlMs) return kept.card;
    const card = await findCustomerCard(db, account);
    this.#cards.set(account, { card, at: now });
    return card;
  };

  /** Forgets every card: the next alarm of each account reads its card again. */
  invalidate(): void {
    this.#cards.clear();
  }
}
