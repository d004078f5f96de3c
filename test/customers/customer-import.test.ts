import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { findCustomerCard } from '../../src/customers/customer-lookup.js';
import { formatImportReport, importCustomers, readImportRows, type ImportRow } from '../../src/customers/customer-import.js';
import { ZONE_TYPES } from '../../src/customers/customer-card.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { repoRoot } from '../helpers/vectors.js';
import { bankBody } from './customer-test-kit.js';

const demoJson = readFileSync(join(repoRoot, 'fixtures/demo/customers.json'), 'utf8');
const demoCsv = readFileSync(join(repoRoot, 'fixtures/demo/customers-example.csv'), 'utf8');
const now = () => new Date('2026-11-23T08:00:00Z');

const rowsOf = (text: string, format: 'json' | 'csv'): ImportRow[] => {
  const read = readImportRows(text, format);
  if ('error' in read) throw new Error(read.error);
  return read.rows;
};

t.test('a file that cannot be read at all is one error', async (t) => {
  t.match(readImportRows('[{"name": ', 'json'), { error: /^not JSON: / });
  t.same(readImportRows('{"name": "x"}', 'json'), { error: 'the JSON file must hold an array of customers' });
  t.same(readImportRows('', 'csv'), { error: 'the CSV file is empty: it needs a header row' });
  t.match(readImportRows('name,colour\nx,red\n', 'csv'), { error: /^line 1: unknown column "colour".*missing column "address"/ });
});

t.test('the CSV example reads into what the API takes: lists, ranges of days, keys, positions', async (t) => {
  const [shop, home] = rowsOf(demoCsv, 'csv') as { where: string; value: Record<string, unknown> }[];
  t.equal(shop!.where, 'line 2');
  t.match(shop!.value, {
    name: '平安超市(天河店)',
    position: { lat: 23.1325, lng: 113.3269 },
    accounts: [{ number: '20001', aesKey: '000102030405060708090A0B0C0D0E0F', encryptedOnly: false }],
    zones: [{ account: '20001', number: 1, name: '收银台抢劫按钮', type: 'hold_up', principle: 'button', linkedGroup: null }, {}, { linkedGroup: '正门' }, {}],
    contacts: [{ name: '林小红', relation: '店长', phones: ['13400009001'] }, { phones: ['13400009002', '020-3800-9002'] }],
    panelUsers: [{ account: '20001', number: 1, name: '林小红' }, { number: 2 }],
    reportingIntervalS: 600,
  });
  t.same((shop!.value.schedule as { day: number }[]).map((w) => w.day), [1, 2, 3, 4, 5, 6, 7]);
  t.match(home!.value, { onTest: { from: '2026-11-20T00:00:00+08:00' }, accounts: [{ number: '20002' }] });
  t.equal(home!.value.duressCode, undefined, 'an empty cell is an absent field');
});

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: import`, async (t) => {
    const { db } = await database.open(t);
    await migrateToLatest(db);

    t.test('the demo customers import cleanly and cover every zone type and the simulator accounts', async (t) => {
      const report = await importCustomers(db, rowsOf(demoJson, 'json'), { now, source: 'customers.json' });
      t.same(report.rejected, []);
      t.equal(report.imported.length, 8);
      const accounts = (await db.selectFrom('account').select('number').where('customer_id', 'is not', null).execute()).map((a) => a.number);
      for (let n = 10000; n <= 10007; n++) t.ok(accounts.includes(String(n)), `account ${n} (arc sim panels) has a customer`);
      const types = new Set((await db.selectFrom('zone').select('type').execute()).map((z) => z.type));
      t.same([...types].sort(), [...ZONE_TYPES].sort());
      const statuses = (await db.selectFrom('customer').select('service_status').execute()).map((c) => c.service_status);
      t.ok(statuses.includes('on_test') && statuses.includes('suspended'));
      const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'customer.create').execute();
      t.equal(audit.length, 8);
      t.ok(audit.every((a) => a.actor === 'import'), 'audited as the import');
      t.match(audit[0]!.detail, { source: 'customers.json', row: 'item 1' });
    });

    t.test('importing the same file again updates, never duplicates', async (t) => {
      const report = await importCustomers(db, rowsOf(demoJson, 'json'), { now, source: 'customers.json' });
      t.same(report.rejected, []);
      t.same(report.imported.map((r) => r.action), Array(8).fill('updated'));
      t.equal((await db.selectFrom('customer').select('id').execute()).length, 8);
      t.equal((await findCustomerCard(db, '10000'))?.zones.length, 10, 'zones replaced, not doubled');
    });

    t.test('bad rows are rejected with their line and reason; the good ones are imported', async (t) => {
      const csv = [
        'name,address,contract_type,service_status,accounts,zones,schedule',
        'Good shop,某地 1 号,lease,in_service,31001,1|门磁|正门|burglary,',
        'Bad type,某地 2 号,rent,in_service,31002,,',
        'Bad zone,某地 3 号,lease,in_service,31003,1|门磁|正门|intrusion,',
        '"Bad,schedule",某地 4 号,lease,in_service,31004,,mon 08:00-18:00',
        'Short row,某地 5 号',
        'Bad key,某地 6 号,lease,in_service,31006:ABCDEF,,',
      ].join('\n');
      const report = await importCustomers(db, rowsOf(csv, 'csv'), { now, source: 'bad.csv' });
      t.same(report.imported.map((r) => [r.where, r.name]), [['line 2', 'Good shop']]);
      t.same(report.rejected.map((r) => r.where), ['line 3', 'line 4', 'line 5', 'line 6', 'line 7']);
      t.match(report.rejected[0]!.reason, /^contractType: /);
      t.match(report.rejected[1]!.reason, /^zones\.0\.type: /);
      t.match(report.rejected[2]!.reason, /^schedule: "mon 08:00-18:00" is not DAY/);
      t.match(report.rejected[3]!.reason, /2 fields, the header has 7/);
      t.match(report.rejected[4]!.reason, /^accounts\.0\.aesKey: /);
      t.notMatch(formatImportReport(report), /ABCDEF/, 'a refused key is not printed');
      t.match(formatImportReport(report), /^imported 1 \(1 new, 0 updated\), rejected 5\n/);

      const json = JSON.stringify([bankBody({ accounts: [{ number: '32001' }], zones: [], panelUsers: [] }), { name: 'no address' }, bankBody({ accounts: [{ number: '10000' }, { number: '10001' }], zones: [], panelUsers: [] })]);
      const fromJson = await importCustomers(db, rowsOf(json, 'json'), { now, source: 'bad.json' });
      t.same(fromJson.imported.map((r) => r.where), ['item 1']);
      t.same(fromJson.rejected.map((r) => r.where), ['item 2', 'item 3']);
      t.match(fromJson.rejected[0]!.reason, /address: .*accounts: /);
      t.match(fromJson.rejected[1]!.reason, /^ACCOUNTS_SPLIT: /, 'two customers\' accounts in one row');
    });

    t.test('a dry run reports the same and writes nothing', async (t) => {
      const seqBefore = (await db.selectFrom('audit_log').select('seq').execute()).length;
      const report = await importCustomers(db, rowsOf(demoCsv, 'csv'), { now, source: 'x.csv', dryRun: true });
      t.same(report.rejected, []);
      t.same(report.imported.map((r) => r.action), ['created', 'created']);
      t.match(formatImportReport(report), /^would import 2 .*dry run: nothing written/);
      t.equal(await findCustomerCard(db, '20001'), undefined);
      t.equal((await db.selectFrom('audit_log').select('seq').execute()).length, seqBefore, 'no audit row either');
      const real = await importCustomers(db, rowsOf(demoCsv, 'csv'), { now, source: 'x.csv' });
      t.same(real.rejected, []);
      const key = await db.selectFrom('account').select('aes_key').where('number', '=', '20001').executeTakeFirstOrThrow();
      t.same(key.aes_key, Buffer.from('000102030405060708090A0B0C0D0E0F', 'hex'));
    });
  });
}
