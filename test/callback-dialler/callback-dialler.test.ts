import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { Registry, type Counter } from 'prom-client';
import { createCallbackDialler } from '../../src/callback-dialler/callback-dialler.js';
import { createDiallerMetrics, type DiallerMetrics } from '../../src/callback-dialler/dialler-metrics.js';
import type { GatewayRetry } from '../../src/callback-dialler/gateway-retry.js';
import { startSimDialler, type SimDialler } from '../../src/callback-dialler/sim-dialler/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { eventually } from '../scenarios/scenario-kit.js';

const SECRET = 'dialler-test-secret-0123456789';
/** Short, so that a test sees a call given up in well under a second. */
const FAST: GatewayRetry = { requestTimeoutMs: 500, firstDelayMs: 20, maxDelayMs: 100, giveUpAfterMs: 800, maxAttempts: 4 };
const CALL = { kind: 'start_callback', incidentId: '42', callId: '42:call:1', contact: 'premises', contactOrder: 0, phone: '025-8471-0001' } as const;

/** The dialler against `url`, its metrics, what it logged, and the calls it gave up on. */
function dialler(t: Test, url: string, secret = SECRET) {
  let logs = '';
  const logger = createLogger({ logLevel: 'debug', nodeId: 't', nodeEnv: 'test' }, new Writable({ write: (c, _e, done) => ((logs += String(c)), done()) }));
  const metrics = createDiallerMetrics(new Registry());
  const notPlaced: string[] = [];
  const d = createCallbackDialler({ gateway: { url, secret }, now: Date.now, logger, metrics, retry: FAST, onNotPlaced: (call) => Promise.resolve(void notPlaced.push(call.callId)) });
  t.teardown(() => d.stop());
  return { d, metrics, notPlaced, logs: () => logs };
}

async function gateway(t: Test): Promise<SimDialler> {
  const sim = await startSimDialler({ port: 0, secret: SECRET });
  t.teardown(() => sim.stop());
  return sim;
}

async function count(counter: Counter, labels: Record<string, string>): Promise<number> {
  const { values } = await counter.get();
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((sum, v) => sum + v.value, 0);
}

const attempts = (m: DiallerMetrics, request: string, result?: string) => count(m.attempts, { request, ...(result && { result }) });

t.test('a call goes to the gateway signed, with the number, the contact and the prompt', async (t) => {
  const sim = await gateway(t);
  const { d, metrics } = dialler(t, `${sim.url}/`);
  d.start(CALL);
  const [call] = await eventually(async () => (sim.received().requests.length > 0 ? sim.received().requests : undefined), 'the call at the gateway');
  t.match(call, { kind: 'call', answer: 'accepted', incidentId: '42', callId: '42:call:1', contact: 'premises', phone: '025-8471-0001', prompt: /passcode/ });
  // The gateway has it before arc has read the answer: wait for the count, not the request.
  await eventually(async () => ((await attempts(metrics, 'call', 'delivered')) === 1 ? true : undefined), 'the delivered call counted');
});

t.test('start returns at once and never throws, even with nothing listening', async (t) => {
  const closedPort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
  const { d, metrics, notPlaced } = dialler(t, `http://127.0.0.1:${closedPort}`);
  const before = performance.now();
  t.doesNotThrow(() => d.start(CALL));
  t.ok(performance.now() - before < 500, 'the caller (the consumer after its commit) is not held up by the ~800 ms of attempts');
  await eventually(async () => (notPlaced.length > 0 ? true : undefined), 'the call given up');
  t.same(notPlaced, ['42:call:1'], 'the console is told, once');
  t.equal(await attempts(metrics, 'call', 'network_error'), FAST.maxAttempts, 'every attempt counted');
  t.equal(await count(metrics.failures as Counter, { request: 'call' }), 1);
});

t.test('a gateway that is down: retried with backoff, every attempt counted, then given up', async (t) => {
  const sim = await gateway(t);
  sim.setMode('down');
  const { d, metrics, notPlaced, logs } = dialler(t, sim.url);
  d.start(CALL);
  await eventually(async () => (notPlaced.length > 0 ? true : undefined), 'the call given up');
  const down = sim.received().requests.filter((r) => r.answer === 'down');
  t.ok(down.length >= 2, `${down.length} attempts reached the gateway`);
  t.equal(await attempts(metrics, 'call', 'http_error'), down.length, 'each counted');
  t.match(logs(), /"attempt":2.*"result":"http_error".*"httpStatus":503/, 'each failed attempt logged');
  t.match(logs(), /never took the call/);
  t.notMatch(logs(), SECRET, 'never the secret');
});

t.test('a gateway that refuses the signature is not asked again within the call', async (t) => {
  const sim = await gateway(t);
  const { d, metrics, notPlaced } = dialler(t, sim.url, 'not-the-gateway-secret-0000');
  d.start(CALL);
  await eventually(async () => (notPlaced.length > 0 ? true : undefined), 'the call given up');
  t.match(sim.received().requests, [{ kind: 'call', answer: 'refused', error: 'DIALLER_BAD_SIGNATURE' }]);
  t.equal(await attempts(metrics, 'call'), 1, 'one attempt');
  t.equal(await attempts(metrics, 'call', 'refused'), 1);
});

t.test('a cancel goes after its call, and stops the call\'s further attempts', async (t) => {
  const sim = await gateway(t);
  const { d, metrics, notPlaced } = dialler(t, sim.url);
  d.start(CALL);
  d.cancel({ kind: 'cancel_callback', incidentId: '42', callId: CALL.callId });
  await eventually(async () => (sim.received().requests.length >= 2 ? true : undefined), 'the call and its cancel');
  t.same(sim.received().requests.map((r) => [r.kind, r.callId, r.answer]), [['call', CALL.callId, 'accepted'], ['cancel', CALL.callId, 'accepted']], 'in that order');
  await eventually(async () => ((await attempts(metrics, 'cancel', 'delivered')) === 1 ? true : undefined), 'the delivered cancel counted');

  sim.setMode('down');
  const second = { ...CALL, callId: '42:call:2' };
  d.start(second);
  await eventually(async () => (sim.received().requests.some((r) => r.callId === second.callId && r.answer === 'down') ? true : undefined), 'a first attempt refused');
  d.cancel({ kind: 'cancel_callback', incidentId: '42', callId: second.callId });
  sim.setMode('up');
  await eventually(async () => (sim.received().requests.some((r) => r.kind === 'cancel' && r.callId === second.callId && r.answer === 'accepted') ? true : undefined), 'the cancel');
  const afterCancel = sim.received().requests.findIndex((r) => r.kind === 'cancel' && r.callId === second.callId);
  t.notOk(sim.received().requests.slice(afterCancel).some((r) => r.kind === 'call'), 'no attempt at the call after its cancel');
  t.same(notPlaced, [], 'a cancelled call is nothing to tell the console about');
});

t.test('after stop, nothing more is sent', async (t) => {
  const sim = await gateway(t);
  const { d } = dialler(t, sim.url);
  await d.stop();
  d.start(CALL);
  await new Promise((r) => setTimeout(r, 100));
  t.same(sim.received().requests, []);
});
