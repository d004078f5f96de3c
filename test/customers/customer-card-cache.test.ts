import t from 'tap';
import { CustomerCardCache } from '../../src/customers/customer-card-cache.js';
import { changeCustomerStatus, createCustomer } from '../../src/customers/customer-changes.js';
import { customerInputSchema } from '../../src/customers/customer-schemas.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { bankBody } from './customer-test-kit.js';

t.test('the incident consumer\'s card cache: kept until invalidated, and never past its ttl', async (t) => {
  const store = await TEST_DATABASES[0]!.open(t);
  await migrateToLatest(store.db);
  const body = customerInputSchema.parse(bankBody());
  const ctx = { actor: 'test', now: new Date('2026-11-23T08:00:00Z') };
  const created = await createCustomer(store.db, body, ctx);
  const account = body.accounts[0]!.number;
  let now = 0;
  const cache = new CustomerCardCache({ ttlMs: 60_000, now: () => now });

  t.equal((await cache.find(store.db, account))?.serviceStatus, 'in_service');
  t.equal(await cache.find(store.db, 'FFFF'), undefined, 'an account with no customer is no card (and that is kept too)');

  await changeCustomerStatus(store.db, created.id, { serviceStatus: 'suspended', onTest: null }, ctx);
  t.equal((await cache.find(store.db, account))?.serviceStatus, 'in_service', 'until told, the cache answers from memory');
  cache.invalidate();
  t.equal((await cache.find(store.db, account))?.serviceStatus, 'suspended', 'after invalidate, the change is seen');

  await changeCustomerStatus(store.db, created.id, { serviceStatus: 'in_service', onTest: null }, ctx);
  now += 59_999;
  t.equal((await cache.find(store.db, account))?.serviceStatus, 'suspended');
  now += 1;
  t.equal((await cache.find(store.db, account))?.serviceStatus, 'in_service', 'a missed notification costs at most the ttl');
});
