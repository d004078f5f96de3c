import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { signedHeaders, verifySignature } from '../../src/signing/hmac-signature.js';
import { eventually } from '../scenarios/scenario-kit.js';
import { arcBin, arcEnv } from '../helpers/arc-process.js';

const key = { keyId: 'arc', secret: 'the cli test dialler secret' };

/** arc's webhook as the gateway sees it: checks the signature, keeps the result, answers code_accepted. */
async function fakeArc(t: Test) {
  const results: { signed: boolean; body: Record<string, unknown> }[] = [];
  const read = (req: IncomingMessage) => new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
  const server = createServer((req, res) => {
    void read(req).then((body) => {
      const signed = verifySignature(req.headers, body, (id) => (id === key.keyId ? key.secret : undefined), Date.now()).ok;
      results.push({ signed, body: JSON.parse(body.toString()) as Record<string, unknown> });
      res.writeHead(req.url === '/api/callback-dialler/results' ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify({ reply: 'code_accepted' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, results };
}

t.test('arc sim-dialler takes signed calls, reports each scripted result to arc, signed, honours cancels, and stops on SIGTERM', async (t) => {
  const arc = await fakeArc(t);
  const script = join(t.testdir({}), 'script.json');
  writeFileSync(script, JSON.stringify({ '025-1': { answer: 'answered', code: '2468' }, '025-2': { answer: 'answered', code: '2468', afterS: 1 } }));
  const child = spawn(process.execPath, [arcBin, 'sim-dialler', '--port', '0', '--secret', key.secret, '--target', arc.url, '--script', script, '--answer-after', '0.1'], { env: arcEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`sim-dialler exited ${code}: ${out}`)));
  });
  const post = (path: string, body: object, k = key) => {
    const text = JSON.stringify(body);
    return fetch(`${url}${path}`, { method: 'POST', body: text, headers: { 'content-type': 'application/json', ...signedHeaders(k, text, Date.now()) } });
  };
  const call = (callId: string, phone: string) => ({ incidentId: '7', callId, contact: 'premises', phone, prompt: 'please key in your passcode' });

  t.equal((await post('/calls', call('7:call:1', '025-1'))).status, 202, 'a call taken');
  t.equal((await post('/calls', call('7:call:1', '025-1'))).status, 202, 'a repeat taken too, and rung once');
  const [result] = await eventually(async () => (arc.results.length > 0 ? arc.results : undefined), 'the result at arc');
  t.same(result, { signed: true, body: { incidentId: '7', callId: '7:call:1', contact: 'premises', phone: '025-1', answer: 'answered', code: '2468' } }, 'signed with the link\'s key');

  t.equal((await post('/calls', call('7:call:2', '025-2'))).status, 202);
  t.equal((await post('/calls/7%3Acall%3A2/cancel', { incidentId: '7', callId: '7:call:2' })).status, 200, 'cancelled while it rings');
  t.equal((await post('/calls', call('7:call:3', '025-1'), { ...key, secret: 'guessed' })).status, 401, 'a bad signature');
  await new Promise((r) => setTimeout(r, 1_300));
  t.equal(arc.results.length, 1, 'no result for the cancelled call, none for the refused one');

  const received = (await (await fetch(`${url}/api/received`)).json()) as { requests: { kind: string; callId: string | null; answer: string; error: string | null }[]; results: Record<string, unknown>[] };
  t.same(received.requests.map((r) => [r.kind, r.callId, r.answer, r.error]), [
    ['call', '7:call:1', 'accepted', null],
    ['call', '7:call:1', 'accepted', null],
    ['call', '7:call:2', 'accepted', null],
    ['cancel', '7:call:2', 'accepted', null],
    ['call', null, 'refused', 'DIALLER_BAD_SIGNATURE'],
  ]);
  t.match(received.results, [{ callId: '7:call:1', answer: 'answered', codeGiven: true, arcStatus: 200, reply: 'code_accepted' }]);
  t.notMatch(JSON.stringify(received.results), '2468', 'it keeps whether a code was given, never the code');

  const code = await new Promise<number | null>((done) => { child.on('exit', done); child.kill('SIGTERM'); });
  t.equal(code, 0);
});

t.test('arc sim-dialler refuses a wrong option with exit status 2', async (t) => {
  for (const [args, message] of [
    [['--port', 'eighty'], '--port is an integer 0-65535, got "eighty"'],
    [['--script', '/nonexistent.json'], '--script: cannot read /nonexistent.json (ENOENT)'],
    [['--target', 'ftp://x'], '--target is an http(s) URL'],
  ] as const) {
    const child = spawn(process.execPath, [arcBin, 'sim-dialler', ...args], { env: arcEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    t.equal(await new Promise<number | null>((done) => child.on('close', done)), 2, args.join(' '));
    t.match(err, message);
  }
});
