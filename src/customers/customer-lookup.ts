import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { CustomerCard } from './customer-card.js';
import { loadCustomerView } from './customer-store.js';

/**
 * The customer an account belongs to, as incidents and the console show it; undefined when the
 * account is unknown or has no customer yet. Decommissioned and suspended customers are found
 * too: what to do with their signals is the caller's decision, by `serviceStatus`.
 *
 * @example const card = await findCustomerCard(trx, event.account); // card?.zones, card?.contacts
 */
export async function findCustomerCard(db: Kysely<Database> | Transaction<Database>, account: string): Promise<CustomerCard | undefined> {
  const row = await db
    .selectFrom('account')
    .leftJoin('customer', 'customer.id', 'account.customer_id')
    .select(['account.customer_id', 'customer.contracted_arrival_min'])
    .where('account.number', '=', account)
    .executeTakeFirst();
  if (!row?.customer_id) return undefined;
  const view = await loadCustomerView(db, row.customer_id);
  if (!view) return undefined;
  return {
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
  };
}
