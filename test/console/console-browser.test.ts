import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium } from 'playwright-core';
import t from 'tap';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain.js';
import { createUser } from '../../src/auth/user-store.js';
import { startArc } from '../../src/cli/start-arc.js';
import { loadConfig } from '../../src/config/config.js';
import { createCustomer } from '../../src/customers/customer-changes.js';
import { customerInputSchema } from '../../src/customers/customer-schemas.js';
import { createLogger } from '../../src/observability/logger.js';
import { encodeDc09 } from '../../src/protocols/dc09/encode-dc09.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { sendDc09Frame } from '../../bench/support/scenario-centre.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { repoRoot } from '../helpers/vectors.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(repoRoot, 'docs', 'console.png');
const PASSWORD = 'night shift 2026';

/** The ACK arrives once the journal has committed the frame: the clock of the 1 s requirement starts there. */
function sendAlarm(port: number, seq: number, zone: number): Promise<string> {
  return sendDc09Frame(port, encodeDc09({ token: 'ADM-CID', seq, prefix: '0', account: '1234', data: `#1234|1130 01 ${String(zone).padStart(3, '0')}` }));
}

t.test('an operator works a burglary in a real browser, live over DC-09 and WebSocket', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)` }, async (t) => {
  // Set up on the embedded database, as a centre starts: a customer with its account, an operator.
  const location = await TEST_DATABASES[0]!.location(t);
  const setup = await openDatabase(location);
  await migrateToLatest(setup.db);
  await createCustomer(
    setup.db,
    customerInputSchema.parse({
      name: '工商银行新街口支行 ICBC Xinjiekou branch',
      address: '南京市中山路 1 号 1 Zhongshan Road, Nanjing',
      contractType: 'lease',
      serviceStatus: 'in_service',
      accounts: [{ number: '1234' }],
      zones: [
        { account: '1234', number: 5, name: '营业厅红外 Hall PIR', location: '营业厅 banking hall', type: 'burglary', principle: 'pir', linkedGroup: 'hall' },
        { account: '1234', number: 6, name: '营业厅玻璃破碎 Hall glass-break', location: '营业厅 banking hall', type: 'burglary', principle: 'glass_break', linkedGroup: 'hall' },
        { account: '1234', number: 9, name: '金库门磁 Vault door', location: '金库 vault', type: 'burglary', principle: 'contact', linkedGroup: null },
      ],
      contacts: [
        { name: '王经理 Manager Wang', relation: '行长 branch manager', phones: ['+86 25 8471 0001', '139 0000 0001'] },
        { name: '李保安 Guard Li', relation: '保卫科 security', phones: ['139 0000 0002'] },
      ],
      guardArea: '鼓楼 Gulou',
    }),
    { actor: 'import', now: new Date() },
  );
  await createUser(setup.db, { username: 'wang.fang', displayName: '王芳 Wang Fang', role: 'operator', password: PASSWORD });
  await setup.close();

  const config = loadConfig({ ...location.env, ARC_HTTP_PORT: '0', ARC_HTTP_HOST: '127.0.0.1', ARC_DC09_PORT: '0', ARC_DC09_HOST: '127.0.0.1', ARC_LOG_LEVEL: 'silent', ARC_SERIAL_PORTS: '[]' });
  const arc = await startArc(config, createLogger(config, new Writable({ write: (_c, _e, done) => done() })));
  let running = true;
  const stopArc = async () => {
    if (running) await arc.stop();
    running = false;
  };
  t.teardown(stopArc);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));

  // The operator signs in and the feed goes live.
  await page.goto(`${arc.address}/`);
  await page.fill('input[name=username]', 'wang.fang');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#link.up');
  t.equal(await page.textContent('#queue-count'), '0', 'the queue starts empty');

  // A panel reports a burglary over DC-09: within 1 s of the ACK it is in the queue.
  const ack = await sendAlarm(arc.dc09Port, 1, 5);
  t.match(ack, /"ACK"0001/, 'the receiver ACKed the frame (after the journal committed it)');
  await page.waitForSelector('#queue tbody tr[data-incident]', { timeout: 1000 });
  const incidentId = await page.getAttribute('#queue tbody tr[data-incident]', 'data-incident');
  const row = `#queue tr[data-incident="${incidentId}"]`;
  t.match(await page.textContent(row), /盗警 Burglary.*1234/, 'a burglary row for the account');
  t.match(await page.getAttribute(row, 'class'), /age-green/, 'a fresh unacknowledged alarm is green');
  t.equal(await page.getAttribute('body', 'data-beeps'), null, 'a burglary (priority 4) does not beep; emergencies and fire do');

  // Take, acknowledge.
  await page.click(row);
  await page.waitForSelector('#incident button[data-action=take]');
  t.match(await page.textContent('#incident'), /王经理 Manager Wang.*139 0000 0001/, 'the incident shows the contacts with their numbers');
  t.match(await page.textContent('#incident'), /营业厅红外 Hall PIR/, 'and the zones');
  await page.click('#incident button[data-action=take]');
  await page.waitForFunction((id) => document.querySelector(`#queue tr[data-incident="${id}"]`)?.textContent?.includes('我 me'), incidentId);
  await page.click('#incident button[data-action=acknowledge]');
  await page.waitForFunction((id) => document.querySelector(`#queue tr[data-incident="${id}"]`)?.classList.contains('acked'), incidentId);

  // A second alarm from the same account joins the open incident.
  await sendAlarm(arc.dc09Port, 2, 6);
  await page.waitForFunction(() => document.querySelector('#alarm-count')?.textContent === '2');
  t.same(
    await page.$$eval('#queue tbody tr', (rows) => rows.map((r) => [r.getAttribute('data-incident'), r.querySelector('.alarms')?.textContent])),
    [[incidentId, '2']],
    'one incident, same id, two alarms',
  );
  await page.waitForFunction(() => document.querySelector('#checklist .done')?.textContent?.includes('关联防区'));
  mkdirSync(join(repoRoot, 'docs'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });

  // Close with an outcome and a note: it leaves the queue.
  await page.selectOption('#close-outcome', 'device_false_alarm');
  await page.fill('#close-note', '玻璃破碎探测器误报，已通知维修 glass-break detector fault, service called');
  await page.click('#incident button[data-action=close]');
  await page.waitForFunction(() => document.querySelectorAll('#queue tbody tr').length === 0);
  await page.waitForSelector('#incident .status[data-status=closed]');
  t.same(pageErrors, [], 'no script error on the page');

  // Every step is in the audit chain, and the chain verifies.
  await browser.close();
  await stopArc();
  const store = await openDatabase(location);
  t.teardown(() => store.close());
  t.match(await verifyAuditChain(store.db), { ok: true });
  const actions = await store.db.selectFrom('incident_action').select(['kind', 'actor']).where('incident_id', '=', incidentId!).orderBy('id').execute();
  // Beside them, the verification engine called back, confirmed the second zone and forwarded
  // (with no 110 configured, escalated to the phone), and dispatch kept its own record of the
  // guard requested (no guard on duty here; the closing stands the order down, at the next tick).
  const byDispatch = (kind: string) => kind.startsWith('dispatch_') || kind.startsWith('guard_');
  t.same(
    actions.filter((a) => a.actor !== 'verification' && !a.kind.startsWith('uplink_') && !byDispatch(a.kind)).map((a) => a.kind),
    ['opened', 'taken', 'acknowledged', 'alarm_joined', 'closed'],
    'opened by the alarm, worked by the operator, joined, closed',
  );
  t.same(
    actions.filter((a) => a.actor === 'verification').map((a) => a.kind),
    ['callback_started', 'verification_notice', 'callback_cancelled', 'forward_110_requested', 'dispatch_requested', 'verification_notice'],
    'the engine called back, then the second zone confirmed it: forwarded, a guard requested',
  );
});
