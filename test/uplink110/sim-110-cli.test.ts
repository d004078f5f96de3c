import { spawn } from 'node:child_process';
import t from 'tap';
import { signedHeaders } from '../../src/signing/hmac-signature.js';
import { arcBin, arcEnv } from '../helpers/arc-process.js';

const notify = (incidentId: string, account: string) => ({
  kind: 'notify', messageId: `${incidentId}/1/notify`, incidentId, revision: 1, account, level: 'emergency', threatToLife: true,
  premises: { customerId: null, name: '银行', address: '朝阳路 88 号', position: null }, zones: [],
  evidence: [{ kind: 'alarm', at: 1, zone: 1, zoneName: null, principle: null, code: '122', description: 'Silent panic' }],
  openedAt: '2026-11-23T08:00:00.000Z', confirmedAt: '2026-11-23T08:00:01.000Z',
});

t.test('arc sim-110 starts, answers signed reports, lists what it received, and stops on SIGTERM', async (t) => {
  const key = { keyId: 'arc', secret: 'the cli test secret' };
  const child = spawn(process.execPath, [arcBin, 'sim-110', '--port', '0', '--reject-accounts', '7001,7002', '--secret', key.secret], { env: arcEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`sim-110 exited ${code}: ${out}`)));
  });
  const post = (body: object, k = key) => {
    const text = JSON.stringify(body);
    return fetch(`${url}/api/incidents`, { method: 'POST', body: text, headers: { 'content-type': 'application/json', ...signedHeaders(k, text, Date.now()) } });
  };
  const accepted = await post(notify('5', '10000'));
  t.equal(accepted.status, 200);
  const { caseNumber } = (await accepted.json()) as { caseNumber: string };
  t.match(caseNumber, /^110-\d{8}-00001$/);
  t.same(await (await post(notify('5', '10000'))).json(), { status: 'accepted', caseNumber }, 'the same case for a repeat');
  const rejected = await post(notify('6', '7002'));
  t.equal(rejected.status, 422);
  t.match(await rejected.json(), { status: 'rejected', reason: /7002/ });
  t.equal((await post(notify('7', '10000'), { ...key, secret: 'guessed' })).status, 401, 'a bad signature');
  t.same(await (await fetch(`${url}/api/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'down' }) })).json(), { mode: 'down', rejectAccounts: ['7001', '7002'] });
  t.equal((await post(notify('8', '10000'))).status, 503, 'down');

  const { messages } = (await (await fetch(`${url}/api/received`)).json()) as { messages: { messageId: string | null; answer: string; caseNumber: string | null }[] };
  t.same(messages.map((m) => [m.messageId, m.answer, m.caseNumber]), [
    ['5/1/notify', 'accepted', caseNumber],
    ['5/1/notify', 'accepted', caseNumber],
    ['6/1/notify', 'rejected', null],
    [null, 'refused', null],
    [null, 'down', null],
  ]);
  const page = await fetch(`${url}/`);
  t.match(page.headers.get('content-type'), /text\/html/);
  t.match(await page.text(), caseNumber, 'the liaison page lists the case');

  const code = await new Promise<number | null>((done) => { child.on('exit', done); child.kill('SIGTERM'); });
  t.equal(code, 0);
});

t.test('arc sim-110 refuses a wrong option with exit status 2', async (t) => {
  const child = spawn(process.execPath, [arcBin, 'sim-110', '--port', 'eighty'], { env: arcEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  t.equal(await new Promise<number | null>((done) => child.on('close', done)), 2);
  t.match(err, '--port is a number, got "eighty"');
});
