// npm run bench -- console [postgres|pglite] [--rate R] [--duration S] [--consoles C] [--panels P] [--uplink]
// Receipt → console push latency with the whole path live: a child `arc sim panels` sends
// alarms (burglary, fire and panic in turn, zones 1-99) over DC-09 at R/s; arc (in this process) journals them, the incident consumer
// opens or joins each account's incident, and the live feed pushes every action to C WebSocket
// consoles signed in as operators. Latency per pushed action = when this process's console
// client got it − the journal's received_at of the alarm behind it (same clock). Goal (issue 4):
// p99 ≤ 100 ms at 1,000 alarms/s with 20 consoles. Without --uplink the 110 link is off and every
// forward is escalated to the operators' phone at once; with it, a child `arc sim-110` accepts
// every report, and each acceptance is recorded on its incident, as in a centre linked to 110.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createUser } from '../src/auth/user-store.js';
import { startArc } from '../src/cli/start-arc.js';
import { createLogger } from '../src/observability/logger.js';
import { openDatabase } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrations.js';
import { benchArcConfig } from './support/bench-arc-config.js';
import { importBenchCustomers } from './support/bench-customers.js';
import { cpuMark, cpuShare, processTicks } from './measure.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '30' },
    consoles: { type: 'string', default: '20' },
    panels: { type: 'string', default: '200' },
    uplink: { type: 'boolean', default: false },
  },
});
const RATE = Number(opts.rate);
const DURATION_S = Number(opts.duration);
const CONSOLES = Number(opts.consoles);
const PANELS = Number(opts.panels);
const ACCOUNT_BASE = 40000;
const PASSWORD = 'bench console password';
const arcBin = join(import.meta.dirname, '..', '..', 'bin', 'arc');
const UPLINK_SECRET = 'bench console uplink secret';

interface Received {
  journalSeq: string;
  at: number;
}

/**
 * The consoles, in a child process of their own so that their work (parsing every push) is not
 * counted against arc's event loop: each signs in as the web page does and opens /api/live from
 * the current end. On stdin's end the child prints, per console, [journal seq, receive time].
 */
const CONSOLES_SCRIPT = `
import WebSocket from 'ws';
const [address, password, count] = process.argv.slice(1);
const got = [];
for (let i = 0; i < Number(count); i++) {
  const res = await fetch(address + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-operator', password }) });
  const { token } = await res.json();
  const sink = [];
  got.push(sink);
  const ws = new WebSocket(address.replace('http', 'ws') + '/api/live?v=2&token=' + encodeURIComponent(token));
  ws.on('message', (data) => {
    const at = Date.now();
    const m = JSON.parse(data.toString());
    if (m.type === 'actions') for (const a of m.actions) if (a.action.journalSeq) sink.push([a.action.journalSeq, at]);
  });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
}
console.log('ready');
process.stdin.resume();
process.stdin.on('end', () => process.stdout.write(JSON.stringify(got) + '\\n', () => process.exit(0)));
`;

interface Consoles {
  /** Resolves to each console's [journal seq, receive time (epoch ms)] pairs. */
  finish(): Promise<Received[][]>;
  ticks(): number;
}

async function startConsoles(httpAddress: string): Promise<Consoles> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CONSOLES_SCRIPT, httpAddress, PASSWORD, String(CONSOLES)], { stdio: ['pipe', 'pipe', 'inherit'], cwd: join(import.meta.dirname, '..', '..') });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const check = () => (stdout.includes('ready\n') ? resolve() : undefined);
    child.stdout.on('data', check);
    child.once('exit', () => reject(new Error('the consoles process ended early')));
  });
  let ticks = 0;
  const poll = setInterval(() => (ticks = processTicks(child.pid!) ?? ticks), 100);
  return {
    ticks: () => ticks,
    finish: () =>
      new Promise((resolve) => {
        child.once('close', () => {
          clearInterval(poll);
          const line = stdout.split('\n').find((l) => l.startsWith('['))!;
          resolve((JSON.parse(line) as [string, number][][]).map((pairs) => pairs.map(([journalSeq, at]) => ({ journalSeq, at }))));
        });
        child.stdin.end();
      }),
  };
}

/**
 * `items` by window of `widthS` seconds from `first` (epoch ms), the windows before `untilS`, in
 * order, each with its label ("5-10 s").
 */
function windowsOf<T>(items: readonly T[], at: (item: T) => number, first: number, widthS: number, untilS: number): [string, T[]][] {
  const windows = new Map<number, T[]>();
  for (const item of items) {
    const w = Math.floor((at(item) - first) / (widthS * 1_000));
    if (w < 0 || w * widthS >= untilS) continue;
    const list = windows.get(w) ?? [];
    list.push(item);
    windows.set(w, list);
  }
  return [...windows].sort((a, b) => a[0] - b[0]).map(([w, list]) => [`${w * widthS}-${(w + 1) * widthS} s`, list]);
}

/** p50 and p99 of the latencies by window of receipt. */
function byWindow(pushes: { receivedAt: number; latency: number }[], first: number, widthS: number, untilS: number): string {
  return windowsOf(pushes, (p) => p.receivedAt, first, widthS, untilS)
    .map(([label, list]) => {
      const sorted = list.map((p) => p.latency).sort((a, b) => a - b);
      return `${label} p50 ${percentile(sorted, 50)} / p99 ${percentile(sorted, 99)} ms`;
    })
    .join('; ');
}

interface LoopSample {
  at: number;
  elu: EventLoopUtilization;
}

/**
 * Samples this process's event loop (arc's, which runs here) every 250 ms: how busy its one
 * thread is, second by second, tells whether a backlog is arc's CPU or waiting on others.
 */
function sampleEventLoop(): { stop(): LoopSample[] } {
  const samples: LoopSample[] = [];
  const take = () => samples.push({ at: Date.now(), elu: performance.eventLoopUtilization() });
  take();
  const timer = setInterval(take, 250);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** The loop's busy share by window (see windowsOf); each interval between samples counts in the window it ends in. */
function loopBusyByWindow(samples: LoopSample[], first: number, widthS: number, untilS: number): string {
  const intervals = samples.slice(1).map((sample, i) => ({ at: sample.at, used: performance.eventLoopUtilization(sample.elu, samples[i]!.elu) }));
  return windowsOf(intervals, (interval) => interval.at, first, widthS, untilS)
    .map(([label, list]) => {
      const active = list.reduce((sum, i) => sum + i.used.active, 0);
      const idle = list.reduce((sum, i) => sum + i.used.idle, 0);
      return `${label} ${Math.round((100 * active) / (active + idle))} %`;
    })
    .join('; ');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** A child `arc sim-110` accepting every report: resolves to the URL reports go to. */
async function startPolice(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [arcBin, 'sim-110', '--port', '0', '--host', '127.0.0.1', '--secret', UPLINK_SECRET], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.includes('"incidents"'));
      if (line) resolve((JSON.parse(line) as { incidents: string }).incidents);
    });
    child.once('exit', () => reject(new Error('sim-110 ended early')));
  });
  return { url, stop: () => child.kill() };
}

function runSim(port: number): Promise<{ sent: number; acked: number }> {
  const args = [arcBin, 'sim', 'panels', '--count', String(PANELS), '--rate', String(RATE), '--duration', String(DURATION_S), '--alarm-share', '1', '--account-base', String(ACCOUNT_BASE), '--target', `127.0.0.1:${port}`, '--json'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => child.on('close', () => (stdout ? resolve(JSON.parse(stdout) as { sent: number; acked: number }) : reject(new Error(`sim failed: ${stderr}`)))));
}

async function main(): Promise<void> {
  const kind = positionals[0] ?? 'postgres';
  const police = opts.uplink ? await startPolice() : undefined;
  const uplinkSettings: Record<string, string> = police ? { ARC_UPLINK110_URL: police.url, ARC_UPLINK110_SECRET: UPLINK_SECRET } : {};
  const scratch = await benchArcConfig(kind === 'pglite' ? 'pglite' : 'postgres', 'console', uplinkSettings);
  const { config, database } = scratch;
  try {
    const setup = await openDatabase(config);
    await migrateToLatest(setup.db);
    // Real customer cards: the consumer looks one up for every alarm.
    await importBenchCustomers(setup.db, PANELS, ACCOUNT_BASE);
    await createUser(setup.db, { username: 'bench-operator', displayName: 'Bench operator', role: 'operator', password: PASSWORD });
    await setup.close();

    const arc = await startArc(config, createLogger(config, process.stdout));
    try {
      const consoles = await startConsoles(arc.address);
      const start = cpuMark(database);
      const loop = sampleEventLoop();
      const sim = await runSim(arc.dc09Port);
      await new Promise((r) => setTimeout(r, 2_000)); // the tail of the pushes
      const cpu = cpuShare(start, consoles.ticks());
      const loopSamples = loop.stop();
      const received = await consoles.finish();
      await arc.stop(); // the embedded database has one user at a time

      const reader = await openDatabase(config);
      const seqs = new Set(received.flatMap((sink) => sink.map((r) => r.journalSeq)));
      const receivedAt = new Map<string, number>();
      const db = reader.db;
      for (const chunk of chunks([...seqs], 5_000)) {
        for (const row of await db.selectFrom('journal').select(['seq', 'received_at']).where('seq', 'in', chunk).execute()) receivedAt.set(row.seq, row.received_at.getTime());
      }
      const pushes = received.flatMap((sink) => sink.map((r) => ({ receivedAt: receivedAt.get(r.journalSeq)!, latency: r.at - receivedAt.get(r.journalSeq)! })));
      const latencies = pushes.map((p) => p.latency).sort((a, b) => a - b);
      // By 5 s of receipt time: a tail at the start (a cold database, every incident new) reads
      // differently from one throughout; and the first 5 s by second, where a storm's backlog builds.
      const first = pushes.reduce((min, p) => Math.min(min, p.receivedAt), Infinity);
      const uplink = await db.selectFrom('uplink_outbox').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').orderBy('status').execute();
      const actions = await db.selectFrom('incident_action').select((eb) => eb.fn.countAll<string>().as('n')).where('journal_seq', 'is not', null).executeTakeFirstOrThrow();
      await reader.close();
      const perConsole = received.map((s) => s.length);
      console.log(`bench console (${kind}): ${PANELS} panels sending alarms at ${RATE}/s for ${DURATION_S} s, ${CONSOLES} consoles on /api/live`);
      console.log(`  alarms sent ${sim.sent}, ACKed ${sim.acked}; incident actions from signals ${actions.n}; pushed per console min ${Math.min(...perConsole)} max ${Math.max(...perConsole)}`);
      console.log(`  110 link ${police ? 'to a child arc sim-110' : 'off (every forward escalated to the phone)'}: reports ${uplink.map((u) => `${u.status} ${u.n}`).join(', ') || 'none'}`);
      console.log(`  receipt → console push over ${latencies.length} pushes: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies[latencies.length - 1]} ms (goal p99 ≤ 100 ms)`);
      console.log(`  by 5 s of receipt: ${byWindow(pushes, first, 5, Infinity)}`);
      console.log(`  first 5 s by second of receipt: ${byWindow(pushes, first, 1, 5)}`);
      console.log(`  arc's event loop busy (its one thread), first 5 s by second: ${loopBusyByWindow(loopSamples, first, 1, 5)}; by 5 s: ${loopBusyByWindow(loopSamples, first, 5, DURATION_S)}`);
      console.log(`  CPU % of one core: arc ${cpu.self}, consoles ${cpu.children}, postgres ${cpu.postgres ?? '-'}, rest of machine ${cpu.others ?? '-'}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
      console.log('  method: the consoles run in a child process on this machine; latency = client receive time − journal received_at of the alarm behind the action (one clock).');
    } finally {
      await arc.stop(); // stop is idempotent: a second call after the measurement does nothing
    }
  } finally {
    await scratch.cleanup();
    police?.stop();
  }
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

await main();
