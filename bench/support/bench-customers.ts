import type { Kysely } from 'kysely';
import { importCustomers } from '../../src/customers/customer-import.js';
import type { Database } from '../../src/store/database-schema.js';

/**
 * One customer in service per account, `base` to `base + count - 1`, each with a card as the
 * consumer looks one up for every alarm: one zone, one contact with a number to call back.
 */
export async function importBenchCustomers(db: Kysely<Database>, count: number, base: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => {
    const account = String(base + i);
    return { where: `panel ${i}`, value: { name: `Bench customer ${i}`, address: `${i} Bench Road`, contractType: 'lease', serviceStatus: 'in_service', accounts: [{ number: account }], zones: [{ account, number: 1, name: 'Hall PIR', type: 'burglary', principle: 'pir' }], contacts: [{ name: 'Owner', relation: 'owner', phones: ['13900000000'] }] } };
  });
  const imported = await importCustomers(db, rows, { now: () => new Date(), source: 'bench' });
  if (imported.rejected.length > 0) throw new Error(`bench customers rejected: ${JSON.stringify(imported.rejected[0])}`);
}
