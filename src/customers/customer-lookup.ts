import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { CustomerCard } from './customer-card.js';
import { loadCustomerViews } from './customer-store.js';

/**
 * The customer an account belongs to, as incidents and the console show it; undefined when the
 * account is unknown or has no customer yet. Decommissioned and suspended customers are found
 * too: what to do with their signals is the caller's decision, by `serviceStatus`.
 *
 * @example const card = await findCustomerCard(trx, event.account); // card?.zones, card?.contacts
 */
export async function findCustomerCard(db: Kysely<Database> | Transaction<Database>, account: string): Promise<CustomerCard | undefined> {
  return (await findCustomerCards(db, [account])).get(account);
}

/** findCustomerCard for several accounts in a handful of queries: every account is in the map, unknown ones as undefined. */
export async function findCustomerCards(db: Kysely<Database> | Transaction<Database>, accounts: readonly string[]): Promise<Map<string, CustomerCard | undefined>> {
  const cards = new Map<string, CustomerCard | undefined>(accounts.map((a) => [a, undefined]));
  if (accounts.length === 0) return cards;
  const rows = await db
    .selectFrom('account')
    .leftJoin('customer', 'customer.id', 'account.customer_id')
    .select(['account.number', 'account.customer_id', 'customer.contracted_arrival_min'])
    .where('account.number', 'in', accounts)
    .execute();
  const views = await loadCustomerViews(db, [...new Set(rows.flatMap((r) => (r.customer_id ? [r.customer_id] : [])))]);
  for (const row of rows) {
    const view = row.customer_id === null ? undefined : views.get(row.customer_id);
    if (!view) continue;
    cards.set(row.number, {
      id: view.id,
      name: view.name,
      address: view.address,
      position: view.position,
      contractType: view.contractType,
      serviceStatus: view.serviceStatus,
      onTest: view.onTest,
      accounts: view.accounts.map((a) => a.number),
      zones: view.zones,
      contacts: view.contacts,
      panelUsers: view.panelUsers,
      reportingIntervalS: view.reportingIntervalS,
      guardArea: view.guardArea,
      contractedArrivalMin: row.contracted_arrival_min,
      videoLinks: view.videoLinks,
      schedule: view.schedule,
      hasPasscode: view.hasPasscode,
    });
  }
  return cards;
}
