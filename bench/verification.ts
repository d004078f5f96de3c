// npm run bench -- verification [postgres|pglite]
// The labelled set (fixtures/verification/labelled-alarms.json) through a running arc: each case's
// alarms over DC-09, the callback answered as the case says (by the operator's API), the guard
// finding what the case says; then what reached the simulated 110. Reports the share of
// forwarded incidents that are real (goal ≥ 95 %, issue 5), what was missed (a real alarm not
// forwarded), and confirmation → accepted by 110 (outbox created_at → accepted_at; goal p99 ≤ 1 s).
// Cases run one after another: the latency is that of a quiet centre, not of a storm.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchArcConfig } from './support/bench-arc-config.js';
import { eventually, GUARDS, PASSCODE, DURESS, startCentre, type Centre } from './support/scenario-centre.js';

interface Case {
  kind: string;
  truth: 'real' | 'false';
  signals: [string, number][];
  callback: 'passcode' | 'duress' | 'wrong_code' | 'no_answer' | null;
  guard: 'real' | 'false' | null;
}

const kind = process.argv[2] === 'pglite' ? 'pglite' : 'postgres';
const file = join(import.meta.dirname, '..', '..', 'fixtures', 'verification', 'labelled-alarms.json');
const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: Case[] }).cases;
const ACCOUNT_BASE = 60000;

interface ActionView {
  kind: string;
  detail: Record<string, unknown>;
}

async function run(): Promise<void> {
  const bench = await benchArcConfig(kind, 'verification');
  const env: Record<string, string> = { ...(bench.config.databaseUrl ? { DATABASE_URL: bench.config.databaseUrl } : { ARC_DATA_DIR: bench.config.dataDir }), ARC_SPOOL_DIR: bench.config.spoolDir };
  const accounts = cases.map((_, i) => String(ACCOUNT_BASE + i));
  const c = await startCentre(env, accounts.map((account) => ({ account })));
  try {
    const outcomes: { c: Case; forwarded: boolean; closed: boolean }[] = [];
    for (const [i, kase] of cases.entries()) outcomes.push({ c: kase, ...(await play(c, accounts[i]!, kase)) });
    const outbox = (await c.api<{ messages: { kind: string; status: string; createdAt: string; acceptedAt: string | null }[] }>('operator', 'GET', '/api/uplink110/outbox?limit=1000')).body.messages;
    const latencies = outbox.filter((m) => m.kind === 'notify' && m.acceptedAt !== null).map((m) => Date.parse(m.acceptedAt!) - Date.parse(m.createdAt)).sort((a, b) => a - b);
    const forwarded = outcomes.filter((o) => o.forwarded);
    const real = forwarded.filter((o) => o.c.truth === 'real');
    const missed = outcomes.filter((o) => o.c.truth === 'real' && !o.forwarded);
    const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    console.log(`verification on ${kind}: ${cases.length} labelled cases from ${file}`);
    console.log(`  forwarded to 110: ${forwarded.length}, of which real: ${real.length} → share real ${((100 * real.length) / Math.max(1, forwarded.length)).toFixed(1)} % (goal ≥ 95 %)`);
    for (const o of forwarded.filter((f) => f.c.truth === 'false')) console.log(`    forwarded but false: ${o.c.kind}`);
    console.log(`  real alarms not forwarded: ${missed.length}${missed.length ? ` (${missed.map((m) => m.c.kind).join(', ')})` : ''}`);
    console.log(`  false alarms closed by verification: ${outcomes.filter((o) => o.c.truth === 'false' && o.closed).length} of ${outcomes.filter((o) => o.c.truth === 'false').length}`);
    console.log(`  confirmed → accepted by 110 (outbox created_at → accepted_at, ${latencies.length} notifies): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${latencies.at(-1)} ms (goal p99 ≤ 1000 ms)`);
  } finally {
    await c.stop();
    await bench.cleanup();
  }
}

/** One case: its alarms, the callback answered and the guard's finding as labelled; what became of it. */
async function play(c: Centre, account: string, kase: Case): Promise<{ forwarded: boolean; closed: boolean }> {
  for (const [code, zone] of kase.signals) await c.panel(account, code, zone);
  const incident = await eventually(async () => {
    const { body } = await c.api<{ incidents: { id: string; account: string }[] }>('operator', 'GET', '/api/incidents?state=all&limit=1000');
    return body.incidents.find((i) => i.account === account);
  }, `the incident of ${account}`);
  const actions = async () => (await c.api<{ actions: ActionView[] }>('operator', 'GET', `/api/incidents/${incident.id}`)).body.actions;
  // Settled: the engine has decided on what it was given (a call is pending, or it is forwarded, dispatched or closed).
  const alarms = (a: ActionView[]) => a.filter((x) => x.kind === 'opened' || x.kind === 'alarm_joined').length;
  const settled = (a: ActionView[]) => alarms(a) >= kase.signals.length && a.some((x) => ['callback_started', 'forward_110_requested', 'dispatch_requested', 'closed'].includes(x.kind));
  await eventually(async () => (settled(await actions()) ? true : undefined), `verification of ${account}`);

  if (kase.callback !== null) {
    const answered = new Set<string>();
    for (;;) {
      const a = await actions();
      const pending = a.filter((x) => x.kind === 'callback_started' && !answered.has(String(x.detail.callId))).at(-1);
      if (pending === undefined || a.some((x) => x.kind === 'dispatch_requested' || x.kind === 'closed' || x.kind === 'forward_110_requested')) break;
      const { callId, contact, phone } = pending.detail as { callId: string; contact: string; phone: string };
      answered.add(callId);
      const body = kase.callback === 'no_answer' ? { answer: 'no_answer' } : { answer: 'answered', code: kase.callback === 'passcode' ? PASSCODE : kase.callback === 'duress' ? DURESS : '0000' };
      await c.api('operator', 'POST', `/api/incidents/${incident.id}/verification-calls`, { callId, contact, phone, ...body });
      await eventually(async () => ((await actions()).length > a.length ? true : undefined), 'the engine taking the answer');
    }
  }
  // A guard request becomes an order in the dispatch worker's own transaction, after the decision
  // committed (src/dispatch/dispatch-requests.ts): wait for it, or the guards find nothing to work.
  if ((await actions()).some((x) => x.kind === 'dispatch_requested')) {
    await eventually(async () => ((await actions()).some((x) => x.kind === 'guard_assigned' || x.kind === 'dispatch_escalated') ? true : undefined), `the guard order of ${account}`);
  }
  await workOrders(c, kase);
  const final = await actions();
  return { forwarded: final.some((x) => x.kind === 'forward_110_requested'), closed: final.some((x) => x.kind === 'closed') };
}

/** Every guard works every order they hold to the end, reporting what the case says (or what is true). */
async function workOrders(c: Centre, kase: Case): Promise<void> {
  for (const guard of GUARDS) {
    const { body } = await c.api<{ orders: { id: string; status: string }[] }>(guard, 'GET', '/api/guard/orders');
    for (const order of body.orders.filter((o) => o.status === 'issued')) {
      for (const step of ['accept', 'en-route', 'on-scene']) await c.api(guard, 'POST', `/api/dispatch-orders/${order.id}/${step}`, {});
      await c.api(guard, 'POST', `/api/dispatch-orders/${order.id}/report`, { finding: kase.guard ?? (kase.truth === 'real' ? 'real' : 'false'), note: kase.kind });
    }
  }
}

await run();
