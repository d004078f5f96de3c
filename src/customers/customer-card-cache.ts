import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { CustomerCard } from './customer-card.js';
import { findCustomerCards } from './customer-lookup.js';

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
  readonly find = async (db: Kysely<Database> | Transaction<Database>, account: string): Promise<CustomerCard | undefined> => (await this.findMany(db, [account])).get(account);

  /** Same contract as findCustomerCards: the cards not kept are read together. */
  readonly findMany = async (db: Kysely<Database> | Transaction<Database>, accounts: readonly string[]): Promise<Map<string, CustomerCard | undefined>> => {
    const now = this.options.now();
    const cards = new Map<string, CustomerCard | undefined>();
    const missing: string[] = [];
    for (const account of accounts) {
      const kept = this.#cards.get(account);
      if (kept && now - kept.at < this.options.ttlMs) cards.set(account, kept.card);
      else missing.push(account);
    }
    if (missing.length === 0) return cards;
    for (const [account, card] of await findCustomerCards(db, missing)) {
      this.#cards.set(account, { card, at: now });
      cards.set(account, card);
    }
    return cards;
  };

  /** Forgets every card: the next alarm of each account reads its card again. */
  invalidate(): void {
    this.#cards.clear();
  }
}
