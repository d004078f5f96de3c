import t from 'tap';
import type { Role } from '../../src/auth/roles.js';
import type { CustomerSummary, CustomerView } from '../../src/customers/customer-schemas.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signIn } from '../helpers/sign-in.js';
import { bankBody, customerServer, KEY_ASCII, KEY_HEX } from './customer-test-kit.js';

const SOME_ID = '00000000-0000-4000-8000-000000000000';

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: customer routes`, async (t) => {
    const { store, app, directory, logs, reloads } = await customerServer(t, database);
    const auth: Record<Role, string> = {
      admin: (await signIn(app, store.db, 'admin')).authorization,
      supervisor: (await signIn(app, store.db, 'supervisor')).authorization,
      operator: (await signIn(app, store.db, 'operator')).authorization,
      guard: (await signIn(app, store.db, 'guard')).authorization,
      police: (await signIn(app, store.db, 'police')).authorization,
    };
    const as = (role: Role) => ({ authorization: auth[role] });
    const create = async (body: object) => {
      const res = await app.inject({ method: 'POST', url: '/api/customers', headers: as('admin'), payload: body });
      if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
      return res.json<{ id: string }>();
    };
    const auditOf = (id: string) => store.db.selectFrom('audit_log').selectAll().where('subject_type', '=', 'customer').where('subject_id', '=', id).orderBy('seq').execute();

    t.test('an admin creates a customer; the answer has everything but the secrets', async (t) => {
      const before = reloads();
      const res = await app.inject({ method: 'POST', url: '/api/customers', headers: as('admin'), payload: bankBody() });
      t.equal(res.statusCode, 201);
      const view = res.json();
      t.match(view, {
        name: '工商银行北京朝阳路支行',
        position: { lat: 39.9219, lng: 116.4836 },
        serviceStatus: 'in_service',
        onTest: null,
        hasPasscode: true,
        hasDuressCode: true,
        accounts: [{ number: '10000', hasKey: true, encryptedOnly: true }, { number: '10100', hasKey: false, encryptedOnly: false }],
        contacts: [{ order: 1, name: '刘建国', phones: ['13800001001', '010-6500-1001'] }, { order: 2, name: '王丽' }],
        zones: [{ account: '10000', number: 1, type: 'hold_up' }, { number: 3, linkedGroup: '金库' }, { number: 4 }, { account: '10100', number: 1, linkedGroup: null }],
        schedule: [{ day: 1, open: '08:30', close: '17:30' }],
      });
      t.notMatch(res.body, new RegExp(`${KEY_HEX}|731946|731947|"aesKey"|"passcode"|"duressCode"|scrypt`, 'i'), 'no key, code or hash in the answer');
      t.equal(reloads(), before + 1, 'receivers were told to reload');
      t.same(directory.find('10000')?.aesKey, Buffer.from(KEY_HEX, 'hex'), 'the receivers know the new account and its key');
      t.equal(directory.find('10000')?.encryptedOnly, true);
      const got = await app.inject({ url: `/api/customers/${view.id}`, headers: as('operator') });
      t.equal(got.statusCode, 200);
      t.same(got.json(), view, 'an operator reads the same customer');
      const [row] = await auditOf(view.id);
      t.match(row, { action: 'customer.create', actor: /^[0-9a-f-]{36}$/, detail: { after: { name: view.name }, passcodeChanged: true, keysChanged: ['10000'] } });
      t.notMatch(JSON.stringify(row), new RegExp(`${KEY_HEX}|731946|731947`, 'i'), 'no secret in the audit log');
    });

    t.test('every route refuses without a token, and the roles that must not', async (t) => {
      const { id } = await create(bankBody({ accounts: [{ number: '20001' }], zones: [], panelUsers: [] }));
      const routes: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: object; readers: boolean }[] = [
        { method: 'POST', url: '/api/customers', payload: bankBody({ accounts: [{ number: '20002' }], zones: [], panelUsers: [] }), readers: false },
        { method: 'GET', url: '/api/customers', readers: true },
        { method: 'GET', url: `/api/customers/${id}`, readers: true },
        { method: 'PUT', url: `/api/customers/${id}`, payload: bankBody({ accounts: [{ number: '20001' }], zones: [], panelUsers: [] }), readers: false },
        { method: 'PUT', url: `/api/customers/${id}/status`, payload: { serviceStatus: 'suspended' }, readers: false },
        { method: 'PUT', url: `/api/customers/${id}/accounts/20001`, payload: { aesKey: KEY_HEX }, readers: false },
        { method: 'DELETE', url: `/api/customers/${id}`, readers: false },
        { method: 'POST', url: `/api/customers/${id}/passcode-check`, payload: { code: '731946' }, readers: true },
      ];
      for (const route of routes) {
        const name = `${route.method} ${route.url}`;
        const anonymous = await app.inject({ method: route.method, url: route.url, payload: route.payload });
        t.equal(anonymous.statusCode, 401, `${name} without a token`);
        t.equal(anonymous.json().error.code, 'UNAUTHENTICATED');
        const refused: Role[] = route.readers ? ['guard', 'police'] : ['guard', 'police', 'operator', 'supervisor'];
        for (const role of refused) {
          const res = await app.inject({ method: route.method, url: route.url, payload: route.payload, headers: as(role) });
          t.equal(res.statusCode, 403, `${name} as ${role}`);
          t.equal(res.json().error.code, 'FORBIDDEN');
        }
        if (route.readers) {
          for (const role of ['operator', 'supervisor', 'admin'] as const) {
            t.equal((await app.inject({ method: route.method, url: route.url, payload: route.payload, headers: as(role) })).statusCode, 200, `${name} as ${role}`);
          }
        }
      }
      const row = await store.db.selectFrom('customer').select(['service_status']).where('id', '=', id).executeTakeFirstOrThrow();
      t.equal(row.service_status, 'in_service', 'no refused write changed anything');
      t.equal(directory.find('20001')?.aesKey ?? null, null);
    });

    t.test('a bad body is a 400 BAD_REQUEST naming each problem, and writes nothing', async (t) => {
      const count = async () => (await store.db.selectFrom('customer').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
      const before = await count();
      const cases: [string, object, RegExp][] = [
        ['a zone on an account the customer does not have', bankBody({ accounts: [{ number: '30001' }], panelUsers: [] }), /zones\/0\/account|zones\.0\.account/],
        ['an AES key of the wrong length', bankBody({ accounts: [{ number: '30001', aesKey: 'ABCDEF0123' }], zones: [], panelUsers: [] }), /aesKey/],
        ['on test without its span', bankBody({ accounts: [{ number: '30001' }], zones: [], panelUsers: [], serviceStatus: 'on_test' }), /onTest/],
        ['an account listed twice', bankBody({ accounts: [{ number: '30001' }, { number: '30001' }], zones: [], panelUsers: [] }), /accounts/],
        ['a duress code equal to the passcode', bankBody({ accounts: [{ number: '30001' }], zones: [], panelUsers: [], duressCode: '731946' }), /duressCode/],
        ['an unknown zone type', bankBody({ accounts: [{ number: '30001' }], panelUsers: [], zones: [{ account: '30001', number: 1, name: 'x', type: 'intrusion' }] }), /type/],
        ['a window that closes before it opens', bankBody({ accounts: [{ number: '30001' }], zones: [], panelUsers: [], schedule: [{ day: 1, open: '18:00', close: '08:00' }] }), /schedule/],
        ['no accounts and no name', { ...bankBody({ accounts: [] }), name: undefined }, /name[\s\S]*accounts|accounts[\s\S]*name/],
      ];
      for (const [what, body, field] of cases) {
        const res = await app.inject({ method: 'POST', url: '/api/customers', headers: as('admin'), payload: body });
        t.equal(res.statusCode, 400, what);
        t.equal(res.json().error.code, 'BAD_REQUEST', what);
        t.ok(res.json().error.issues.length > 0, `${what}: the issues are listed`);
        t.match(res.json().error.message, field, `${what}: the message names the field`);
        t.notMatch(res.body, /ABCDEF0123/, 'a refused key is not echoed');
      }
      t.equal(await count(), before);
      t.equal((await app.inject({ url: '/api/customers/not-a-uuid', headers: as('admin') })).json().error.code, 'BAD_REQUEST');
      t.equal((await app.inject({ url: `/api/customers/${SOME_ID}`, headers: as('admin') })).json().error.code, 'CUSTOMER_NOT_FOUND');
      t.equal((await app.inject({ method: 'PUT', url: `/api/customers/${SOME_ID}`, headers: as('admin'), payload: bankBody({ accounts: [{ number: '30002' }], zones: [], panelUsers: [] }) })).statusCode, 404);
      t.equal(directory.find('30002'), undefined, 'a refused replace claimed no account');
    });

    t.test('an account of another customer is refused with 409 ACCOUNT_TAKEN, and nothing is written', async (t) => {
      await create(bankBody({ name: '甲', accounts: [{ number: '40001' }], zones: [], panelUsers: [] }));
      const res = await app.inject({ method: 'POST', url: '/api/customers', headers: as('admin'), payload: bankBody({ name: '乙', accounts: [{ number: '40002' }, { number: '40001' }], zones: [], panelUsers: [] }) });
      t.equal(res.statusCode, 409);
      t.equal(res.json().error.code, 'ACCOUNT_TAKEN');
      t.equal((await store.db.selectFrom('customer').select('id').where('name', '=', '乙').execute()).length, 0, 'the customer was rolled back');
      t.equal((await store.db.selectFrom('account').select('number').where('number', '=', '40002').execute()).length, 0, 'so was its other account');
    });

    t.test('an account that exists before its customer is taken over with its key', async (t) => {
      await store.db.insertInto('account').values({ number: '40010', aes_key: Buffer.from(KEY_HEX, 'hex') }).execute();
      const { id } = await create(bankBody({ accounts: [{ number: '40010' }], zones: [], panelUsers: [] }));
      const view = (await app.inject({ url: `/api/customers/${id}`, headers: as('admin') })).json();
      t.same(view.accounts, [{ number: '40010', hasKey: true, encryptedOnly: false }]);
    });

    t.test('a changed key is what the receivers use right after the call', async (t) => {
      const { id } = await create(bankBody({ accounts: [{ number: '50001', aesKey: KEY_HEX }], zones: [], panelUsers: [] }));
      t.same(directory.find('50001')?.aesKey, Buffer.from(KEY_HEX, 'hex'));
      const ascii = await app.inject({ method: 'PUT', url: `/api/customers/${id}/accounts/50001`, headers: as('admin'), payload: { aesKey: KEY_ASCII, encryptedOnly: true } });
      t.equal(ascii.statusCode, 200);
      t.same(ascii.json().accounts, [{ number: '50001', hasKey: true, encryptedOnly: true }]);
      t.same(directory.find('50001')?.aesKey, Buffer.from(KEY_ASCII, 'latin1'), 'a 16-character key is read as ASCII');
      t.equal(directory.find('50001')?.encryptedOnly, true);
      await app.inject({ method: 'PUT', url: `/api/customers/${id}/accounts/50001`, headers: as('admin'), payload: { aesKey: `hex:${KEY_HEX}` } });
      t.same(directory.find('50001')?.aesKey, Buffer.from(KEY_HEX, 'hex'), 'hex: says hex');
      t.equal(directory.find('50001')?.encryptedOnly, false, 'encryptedOnly defaults to false');
      await app.inject({ method: 'PUT', url: `/api/customers/${id}/accounts/50001`, headers: as('admin'), payload: { encryptedOnly: false } });
      t.same(directory.find('50001')?.aesKey, Buffer.from(KEY_HEX, 'hex'), 'an absent key keeps the stored one');
      await app.inject({ method: 'PUT', url: `/api/customers/${id}/accounts/50001`, headers: as('admin'), payload: { aesKey: null } });
      t.equal(directory.find('50001')?.aesKey, null, 'null removes it');
      const added = await app.inject({ method: 'PUT', url: `/api/customers/${id}/accounts/50002`, headers: as('admin'), payload: { aesKey: KEY_HEX } });
      t.same(added.json<{ accounts: { number: string }[] }>().accounts.map((a) => a.number), ['50001', '50002'], 'a new number is added to the customer');
      t.ok(directory.find('50002'));
      const audit = await auditOf(id);
      t.same(audit.map((r) => r.action), ['customer.create', 'customer.account', 'customer.account', 'customer.account', 'customer.account', 'customer.account']);
      t.match(audit[1]!.detail, { account: '50001', keyChanged: true });
      t.notMatch(JSON.stringify(audit), new RegExp(`${KEY_HEX}|${KEY_ASCII.replace(/[$]/g, '\\$')}`, 'i'));
    });

    t.test('a replace keeps what it does not send, detaches dropped accounts, and audits what changed', async (t) => {
      const { id } = await create(bankBody({ accounts: [{ number: '60001', aesKey: KEY_HEX }, { number: '60002' }], zones: [{ account: '60002', number: 1, name: 'z', type: 'fire' }], panelUsers: [] }));
      const read = (await app.inject({ url: `/api/customers/${id}`, headers: as('admin') })).json();
      // What a client read, changed and sent back: no key, no passcode in it.
      const body = { ...bankBody(), name: '工商银行朝阳路支行(新址)', accounts: [{ number: '60001' }], zones: [{ account: '60001', number: 9, name: '新金库', type: 'burglary' }], panelUsers: [] };
      delete (body as { passcode?: string }).passcode;
      delete (body as { duressCode?: string }).duressCode;
      const res = await app.inject({ method: 'PUT', url: `/api/customers/${id}`, headers: as('admin'), payload: body });
      t.equal(res.statusCode, 200);
      const view = res.json<CustomerView>();
      t.equal(view.name, '工商银行朝阳路支行(新址)');
      t.same(view.accounts, [{ number: '60001', hasKey: true, encryptedOnly: false }], 'the key was kept');
      t.match(view, { hasPasscode: true, hasDuressCode: true });
      t.same(view.zones.map((z) => z.number), [9]);
      t.equal(view.createdAt, read.createdAt);
      const dropped = await store.db.selectFrom('account').selectAll().where('number', '=', '60002').executeTakeFirstOrThrow();
      t.equal(dropped.customer_id, null, 'the dropped account is detached, not deleted');
      t.equal((await store.db.selectFrom('zone').select('number').where('account', '=', '60002').execute()).length, 0, 'its zones went with it');
      const check = await app.inject({ method: 'POST', url: `/api/customers/${id}/passcode-check`, headers: as('operator'), payload: { code: '731946' } });
      t.same(check.json(), { match: 'passcode' }, 'the passcode was kept');
      const replace = (await auditOf(id)).find((r) => r.action === 'customer.replace');
      t.match(replace?.detail, { changes: { name: { from: '工商银行北京朝阳路支行', to: '工商银行朝阳路支行(新址)' }, zones: {} }, passcodeChanged: false, keysChanged: [] });
      t.notOk('address' in (replace!.detail as { changes: object }).changes, 'unchanged fields are not listed');
    });

    t.test('customers are listed by part of the name, by account, by status', async (t) => {
      await create(bankBody({ name: '金缘珠宝南京东路店', accounts: [{ number: '70001' }], zones: [], panelUsers: [] }));
      await create(bankBody({ name: '金缘珠宝淮海路店', accounts: [{ number: '70002' }], zones: [], panelUsers: [], serviceStatus: 'suspended' }));
      const list = async (query: string) => (await app.inject({ url: `/api/customers?${query}`, headers: as('supervisor') })).json<{ total: number; customers: CustomerSummary[] }>();
      const byName = await list(`name=${encodeURIComponent('金缘珠宝')}`);
      t.equal(byName.total, 2);
      t.same(byName.customers.map((c) => c.name), ['金缘珠宝南京东路店', '金缘珠宝淮海路店'].sort());
      t.same((await list('account=70002')).customers.map((c) => c.accounts), [['70002']]);
      t.same((await list(`name=${encodeURIComponent('金缘')}&status=suspended`)).customers.map((c) => c.name), ['金缘珠宝淮海路店']);
      t.equal((await list('name=%25')).total, 0, 'a % is a character, not a wildcard');
      const page = await list(`name=${encodeURIComponent('金缘')}&limit=1&offset=1`);
      t.equal(page.total, 2);
      t.equal(page.customers.length, 1);
      t.equal((await app.inject({ url: '/api/customers?limit=0', headers: as('admin') })).statusCode, 400);
    });

    t.test('status: on test with its span, suspended; delete decommissions and keeps every row', async (t) => {
      const { id } = await create(bankBody({ accounts: [{ number: '80001', aesKey: KEY_HEX }], zones: [], panelUsers: [] }));
      const onTest = { from: '2026-11-20T00:00:00+08:00', until: '2027-01-31T00:00:00+08:00' };
      const res = await app.inject({ method: 'PUT', url: `/api/customers/${id}/status`, headers: as('admin'), payload: { serviceStatus: 'on_test', onTest } });
      t.equal(res.statusCode, 200);
      t.same(res.json().onTest, { from: '2026-11-19T16:00:00.000Z', until: '2027-01-30T16:00:00.000Z' });
      const bad = await app.inject({ method: 'PUT', url: `/api/customers/${id}/status`, headers: as('admin'), payload: { serviceStatus: 'suspended', onTest } });
      t.equal(bad.statusCode, 400, 'a span without on_test is refused');
      const gone = await app.inject({ method: 'DELETE', url: `/api/customers/${id}`, headers: as('admin') });
      t.equal(gone.statusCode, 200);
      t.match(gone.json(), { serviceStatus: 'decommissioned', onTest: null, accounts: [{ number: '80001', hasKey: true }] });
      t.equal((await app.inject({ url: `/api/customers/${id}`, headers: as('operator') })).json().serviceStatus, 'decommissioned', 'still readable');
      t.ok(directory.find('80001'), 'its account still reaches the journal as a known account');
      t.same((await auditOf(id)).map((r) => r.action), ['customer.create', 'customer.status', 'customer.decommission']);
      t.equal((await app.inject({ method: 'DELETE', url: `/api/customers/${SOME_ID}`, headers: as('admin') })).json().error.code, 'CUSTOMER_NOT_FOUND');
    });

    t.test('the password callback tells passcode, duress and none apart, and is audited without the code', async (t) => {
      const { id } = await create(bankBody({ accounts: [{ number: '90001' }], zones: [], panelUsers: [] }));
      const check = async (code: string) => (await app.inject({ method: 'POST', url: `/api/customers/${id}/passcode-check`, headers: as('operator'), payload: { code } })).json<{ match: string }>();
      t.same(await check('731946'), { match: 'passcode' });
      t.same(await check('731947'), { match: 'duress' }, 'the duress code is reported as duress');
      t.same(await check('000000'), { match: 'none' });
      const audit = (await auditOf(id)).filter((r) => r.action === 'customer.passcode_check');
      t.same(audit.map((r) => (r.detail as { match: string }).match), ['passcode', 'duress', 'none']);
      t.notMatch(JSON.stringify(audit), /731946|731947|000000/);
      const { id: bare } = await create(bankBody({ accounts: [{ number: '90002' }], zones: [], panelUsers: [], passcode: undefined, duressCode: undefined }));
      const none = await app.inject({ method: 'POST', url: `/api/customers/${bare}/passcode-check`, headers: as('operator'), payload: { code: '1234' } });
      t.equal(none.statusCode, 409);
      t.equal(none.json().error.code, 'NO_PASSCODE');
      const removed = await app.inject({ method: 'PUT', url: `/api/customers/${id}`, headers: as('admin'), payload: bankBody({ accounts: [{ number: '90001' }], zones: [], panelUsers: [], duressCode: null }) });
      t.match(removed.json(), { hasPasscode: true, hasDuressCode: false }, 'null removes a code');
      t.same(await check('731947'), { match: 'none' });
    });

    t.test('/docs describes the customer routes', async (t) => {
      const doc = (await app.inject('/docs/json')).json();
      for (const path of ['/api/customers', '/api/customers/{id}', '/api/customers/{id}/status', '/api/customers/{id}/accounts/{number}', '/api/customers/{id}/passcode-check']) {
        t.ok(doc.paths[path], path);
      }
      t.ok(doc.paths['/api/customers'].post.requestBody, 'with the body schema');
    });

    t.test('no key, code or hash ever reached the log', async (t) => {
      const all = logs.join('');
      t.ok(all.length > 0, 'requests were logged');
      t.notMatch(all, new RegExp(`${KEY_HEX}|${KEY_ASCII.replace(/[$]/g, '\\$')}|731946|731947|scrypt`, 'i'));
    });
  });
}
