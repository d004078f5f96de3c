import t from 'tap';
import { createCustomer } from '../../src/customers/customer-changes.js';
import { findCustomerCard } from '../../src/customers/customer-lookup.js';
import { customerInputSchema } from '../../src/customers/customer-schemas.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { bankBody } from './customer-test-kit.js';

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: findCustomerCard gives the customer of an account, as incidents see it`, async (t) => {
    const { db } = await database.open(t);
    await migrateToLatest(db);
    const created = await createCustomer(db, customerInputSchema.parse(bankBody()), { actor: 'system', now: new Date('2026-11-23T08:00:00Z') });
    await db.insertInto('account').values({ number: '99999' }).execute();

    const card = await findCustomerCard(db, '10100');
    t.match(card, {
      id: created.id,
      name: '工商银行北京朝阳路支行',
      accounts: ['10000', '10100'],
      serviceStatus: 'in_service',
      contacts: [{ order: 1, name: '刘建国' }, { order: 2, name: '王丽' }],
      zones: [{ account: '10000', number: 1, type: 'hold_up' }, {}, {}, { account: '10100', number: 1 }],
      panelUsers: [{ account: '10000', number: 1, name: '刘建国' }],
      reportingIntervalS: 300,
      guardArea: '朝阳一区',
      hasPasscode: true,
    });
    t.notMatch(JSON.stringify(card), /731946|scrypt|aesKey|hasKey/, 'no secret, not even whether a key is set');
    t.equal(await findCustomerCard(db, '99999'), undefined, 'an account without a customer');
    t.equal(await findCustomerCard(db, '12345'), undefined, 'an unknown account');
    await db.transaction().execute(async (trx) => {
      t.equal((await findCustomerCard(trx, '10000'))?.id, created.id, 'works inside a transaction');
    });
  });
}
