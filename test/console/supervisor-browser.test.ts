import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { chromium } from 'playwright-core';
import t from 'tap';
import { createUser } from '../../src/auth/user-store.js';
import { startArc } from '../../src/cli/start-arc.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { saveAccount } from '../../src/receivers/account-store.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'day shift 2026 supervisor';

t.test("a supervisor's tab in a real browser: the node's failover status and the open maintenance tickets, most urgent first", { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)` }, async (t) => {
  const location = await TEST_DATABASES[0]!.location(t);
  const setup = await openDatabase(location);
  await migrateToLatest(setup.db);
  await saveAccount(setup.db, { number: '5678', aesKey: null, encryptedOnly: false });
  await createUser(setup.db, { username: 'zhao.lei', displayName: '赵磊 Zhao Lei', role: 'supervisor', password: PASSWORD });
  await setup.close();

  const config = loadConfig({ ...location.env, ARC_NODE_ID: 'arc-main', ARC_HTTP_PORT: '0', ARC_HTTP_HOST: '127.0.0.1', ARC_DC09_PORT: '0', ARC_DC09_HOST: '127.0.0.1', ARC_LOG_LEVEL: 'silent', ARC_TICKET_DEADLINES: '{"major":{"responseMin":1,"repairMin":60}}' });
  const arc = await startArc(config, createLogger(config, new Writable({ write: (_c, _e, done) => done() })));
  t.teardown(() => arc.stop());

  // Two tickets by hand through the API: a major one (its response deadline 1 minute, by the
  // setting above) and a general one.
  const signIn = await fetch(`${arc.address}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'zhao.lei', password: PASSWORD }) });
  const { token } = (await signIn.json()) as { token: string };
  const open = (body: object) => fetch(`${arc.address}/api/maintenance/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  t.equal((await open({ account: '5678', description: '主机电池欠压 panel battery low', level: 'general', code: '302' })).status, 201);
  const major = await open({ account: '5678', description: '防拆报警 <b>tamper</b>', level: 'major', code: '383' });
  t.equal(major.status, 201);
  const { ticket } = (await major.json()) as { ticket: { openedAt: string; responseDueAt: string } };
  t.equal(Date.parse(ticket.responseDueAt) - Date.parse(ticket.openedAt), 60_000, 'ARC_TICKET_DEADLINES is in force');

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${arc.address}/`);
  await page.fill('input[name=username]', 'zhao.lei');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#tab-supervisor:not([hidden])');
  await page.click('#tab-supervisor');

  await page.waitForFunction(() => document.querySelectorAll('#tickets tbody tr').length === 2);
  const rows = await page.$$eval('#tickets tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
  t.match(rows[0], [/^#\d+$/, '重大 major', '5678', '防拆报警 <b>tamper</b>', '已接单 received'], 'the most urgent first; the description as text, never as markup');
  t.match(rows[1], [/^#\d+$/, '一般 general', '5678', '主机电池欠压 panel battery low'], 'then the general one');
  t.notMatch(rows[0]![5], /overdue/, 'not overdue yet');

  await page.waitForFunction(() => document.querySelector('#node-status')?.textContent?.includes('arc-main'));
  t.match(await page.textContent('#node-status'), /arc-main · 单机 single node · 任期 term 1 · 主节点 leader arc-main · 本地缓存 spool 0/, "the node's role, term, leader and spool depth");
  t.equal(pageErrors.length, 0, `no script error (${pageErrors.join('; ')})`);
});
