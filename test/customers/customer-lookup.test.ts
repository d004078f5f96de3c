import t from 'tap';
import { createCustomer } from '../../src/customers/customer-changes.js';
import { findCustomerCard, findCustomerCards } from '../../src/customers/customer-lookup.js';
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

  t.test(`${database.name}: findCustomerCards reads a batch of accounts at once, each with its own customer's card and nothing of another's`, async (t) => {
    const { db } = await database.open(t);
    await migrateToLatest(db);
    const bank = await createCustomer(db, customerInputSchema.parse(bankBody()), { actor: 'system', now: new Date('2026-11-23T08:00:00Z') });
    const shop = await createCustomer(
      db,
      customerInputSchema.parse(
        bankBody({
          name: '华联超市',
          accounts: [{ number: '20000' }],
          zones: [{ account: '20000', number: 7, name: '后门门磁', type: 'burglary', principle: 'contact' }],
          contacts: [{ name: '赵敏', relation: '店长', phones: ['13900002000'] }],
          panelUsers: [],
        }),
      ),
      { actor: 'system', now: new Date('2026-11-23T08:00:00Z') },
    );
    await db.insertInto('account').values({ number: '99999' }).execute();

    const cards = await findCustomerCards(db, ['20000', '10100', '10000', '99999', '12345']);
    t.same([...cards.keys()].sort(), ['10000', '10100', '12345', '20000', '99999'], 'every account asked for has an entry');
    t.equal(cards.get('10000')?.id, bank.id);
    t.equal(cards.get('10100')?.id, bank.id, 'two accounts of one customer share its card');
    t.match(cards.get('20000'), { id: shop.id, name: '华联超市', accounts: ['20000'], zones: [{ account: '20000', number: 7 }], contacts: [{ order: 1, name: '赵敏' }], panelUsers: [] });
    t.equal(cards.get('20000')?.zones.length, 1, "the shop's card has none of the bank's zones");
    t.equal(cards.get('10000')?.zones.length, 4, "and the bank's none of the shop's");
    t.same(cards.get('10000')?.contacts.map((c) => c.name), ['刘建国', '王丽'], 'contacts in their order, of their customer only');
    t.equal(cards.get('99999'), undefined, 'an account without a customer');
    t.equal(cards.get('12345'), undefined, 'an unknown account');
    t.same(await findCustomerCards(db, []), new Map(), 'nothing asked, nothing read');
    t.same(cards.get('10100'), await findCustomerCard(db, '10100'), 'the same card findCustomerCard gives');
  });
}
