// npm run bench -- ingest [pglite|postgres] [--runs N] [--sims K] [--panels P] [--duration S] [--rate R] [--max-rate R] [--sim-prof DIR]
// Signals per second into the journal with ACK-after-commit, and the ACK latency at a fixed
// offered rate. arc runs in this process; the panels run in K child `arc sim panels` processes
// (P panels split between them), so they do not share its event loop. Each run measures the
// sustained rate (max-rate offered) then the latency at `rate` offered; the summary gives the
// medians over the runs, and where the CPU went (arc, the simulators, PostgreSQL, the rest of
// the machine) so that a result says what limited it. PostgreSQL: BENCH_DATABASE_URL, else
// TEST_DATABASE_URL, else the local server (a scratch database is created and dropped).
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startArc } from '../src/cli/start-arc.js';
import { createLogger } from '../src/observability/logger.js';
import { saveAccount } from '../src/receivers/account-store.js';
import { openDatabase } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrations.js';
import { benchArcConfig } from './support/bench-arc-config.js';
import { cpuMark, cpuShare, processTicks, type CpuShare } from './measure.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '3' },
    sims: { type: 'string', default: '1' },
    panels: { type: 'string', default: '400' },
    duration: { type: 'string', default: '5' },
    rate: { type: 'string', default: '5000' },
    'max-rate': { type: 'string', default: '60000' },
    'sim-prof': { type: 'string' },
  },
});
const RUNS = Number(opts.runs);
const SIMS = Number(opts.sims);
const PANELS = Number(opts.panels);
const DURATION_S = Number(opts.duration);
const FIXED_RATE = Number(opts.rate);
const MAX_RATE = Number(opts['max-rate']);
const ACCOUNT_BASE = 30000;
const arcBin = join(import.meta.dirname, '..', '..', 'bin', 'arc');

interface SimReport { sent: number; acked: number; failed: number; unsent: number; elapsedS: number; latencyMs: { p50: number; p99: number; max: number } | null }

interface Phase {
  offered: number;
  sent: number;
  acked: number;
  failed: number;
  /** ACKed per second of wall time, all simulators together. */
  rate: number;
  /** One simulator: exact; several: the median of their p50s and the worst of their p99s and maxima. */
  latency: { p50: number; p99: number; max: number } | null;
  cpu: CpuShare;
}

/** One simulator process; resolves with its report and the CPU ticks it used. Async: arc runs on this event loop. */
function sim(port: number, panels: number, accountBase: number, rate: number, durationS: number): Promise<{ report: SimReport; ticks: number }> {
  const profile = opts['sim-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${opts['sim-prof']}`] : [];
  const args = [...profile, arcBin, 'sim', 'panels', '--count', String(panels), '--rate', String(rate), '--duration', String(durationS), '--alarm-share', '0.3', '--account-base', String(accountBase), '--target', `127.0.0.1:${port}`, '--json'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // /proc forgets a process once it exits: keep its last reading.
  let ticks = 0;
  const poll = setInterval(() => (ticks = processTicks(child.pid!) ?? ticks), 100);
  return new Promise((resolve, reject) => {
    child.on('close', () => {
      clearInterval(poll);
      if (!stdout) reject(new Error(`sim failed: ${stderr}`));
      else resolve({ report: JSON.parse(stdout) as SimReport, ticks });
    });
  });
}

async function phase(port: number, rate: number, database: string | null): Promise<Phase> {
  const start = cpuMark(database);
  const share = Math.ceil(PANELS / SIMS);
  const runs = await Promise.all(
    Array.from({ length: SIMS }, (_, i) => {
      const panels = Math.min(share, PANELS - i * share);
      return sim(port, panels, ACCOUNT_BASE + i * share, (rate * panels) / PANELS, DURATION_S);
    }),
  );
  const cpu = cpuShare(start, runs.reduce((a, r) => a + r.ticks, 0));
  const reports = runs.map((r) => r.report);
  const sum = (f: (r: SimReport) => number) => reports.reduce((a, r) => a + f(r), 0);
  const lat = reports.map((r) => r.latencyMs).filter((l) => l !== null);
  return {
    offered: rate,
    sent: sum((r) => r.sent),
    acked: sum((r) => r.acked),
    failed: sum((r) => r.failed),
    rate: Math.round(sum((r) => r.acked) / Math.max(...reports.map((r) => r.elapsedS))),
    latency: lat.length === 0 ? null : { p50: median(lat.map((l) => l.p50)), p99: Math.max(...lat.map((l) => l.p99)), max: Math.max(...lat.map((l) => l.max)) },
    cpu,
  };
}

/** Each consumer's lag as arc's /metrics gives it (arc_journal_consumer_lag), e.g. "incidents 0, supervision 12". */
async function consumersBehind(address: string): Promise<string> {
  const text = await (await fetch(`${address}/metrics`)).text();
  const lags = [...text.matchAll(/^arc_journal_consumer_lag\{consumer="([^"]+)"\} (\S+)$/gm)].map(([, consumer, lag]) => `${consumer} ${lag}`);
  return lags.join(', ') || 'none reported';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const cpuText = (c: CpuShare) => `CPU % of one core: arc ${c.self}, sim ${c.children}, ${c.postgres === null ? '' : `postgres ${c.postgres}, `}others ${c.others ?? '?'} (of ${c.cores * 100})`;
const latText = (p: Phase) => (p.latency ? `p50 ${p.latency.p50} ms, p99 ${p.latency.p99} ms, max ${p.latency.max} ms` : 'no ACK');

async function bench(kind: 'pglite' | 'postgres'): Promise<void> {
  const scratch = await benchArcConfig(kind === 'pglite' ? 'pglite' : 'postgres', 'ingest');
  const { config, database } = scratch;
  try {
    const setup = await openDatabase(config);
    await migrateToLatest(setup.db);
    for (let i = 0; i < PANELS; i++) await saveAccount(setup.db, { number: String(ACCOUNT_BASE + i), aesKey: null, encryptedOnly: false });
    await setup.close();
    const arc = await startArc(config, createLogger(config, process.stdout));
    const sustained: Phase[] = [];
    const fixed: Phase[] = [];
    try {
      await phase(arc.dc09Port, 1000, database); // warm-up
      for (let run = 1; run <= RUNS; run++) {
        const max = await phase(arc.dc09Port, MAX_RATE, database);
        const behindAfterMax = await consumersBehind(arc.address);
        const at = await phase(arc.dc09Port, FIXED_RATE, database);
        sustained.push(max);
        fixed.push(at);
        console.log(`${kind} run ${run}: sustained ${fmt(max.rate)}/s (${fmt(max.acked)} ACKed of ${fmt(max.sent)}, ${max.failed} failed; ${latText(max)}; ${cpuText(max.cpu)})`);
        console.log(`${kind} run ${run}: at ${fmt(FIXED_RATE)}/s offered ${fmt(at.rate)}/s, ${fmt(at.acked)}/${fmt(at.sent)} ACKed, ${latText(at)}; ${cpuText(at.cpu)}`);
        console.log(`${kind} run ${run}: consumers behind the journal (their work is in the figures only if they kept up), in entries: at the end of the sustained phase ${behindAfterMax}; of the ${fmt(FIXED_RATE)}/s phase ${await consumersBehind(arc.address)}`);
      }
    } finally {
      await arc.stop();
    }
    const m = (ps: Phase[], f: (p: Phase) => number) => median(ps.map(f));
    console.log(
      `${kind} median of ${RUNS}: sustained ${fmt(m(sustained, (p) => p.rate))} signals/s ACKed after commit (goal ≥ 20,000 on PostgreSQL); ` +
        `at ${fmt(FIXED_RATE)}/s offered: ${fmt(m(fixed, (p) => p.rate))}/s ACKed, p50 ${m(fixed, (p) => p.latency?.p50 ?? NaN)} ms, p99 ${m(fixed, (p) => p.latency?.p99 ?? NaN)} ms (goal p99 ≤ 20 ms)`,
    );
    // CPU time per ACKed signal, from the sustained phases: less sensitive to other load than rates are.
    const perSignal = (f: (c: CpuShare) => number | null) => Math.round(m(sustained, (p) => ((f(p.cpu) ?? NaN) / 100) * (1e6 / p.rate)));
    const arcUs = perSignal((c) => c.self);
    const simUs = perSignal((c) => c.children);
    const pgUs = perSignal((c) => c.postgres);
    const cores = sustained[0]!.cpu.cores;
    const inArc = Number.isNaN(pgUs);
    console.log(`${kind} median CPU while sustained: arc ${m(sustained, (p) => p.cpu.self)} %, sim ${m(sustained, (p) => p.cpu.children)} %, ${inArc ? 'database in arc' : `postgres ${m(sustained, (p) => p.cpu.postgres ?? NaN)} %`}, others ${m(sustained, (p) => p.cpu.others ?? NaN)} % of ${cores * 100} %`);
    console.log(`${kind} CPU per signal: arc ${arcUs} µs, sim ${simUs} µs, ${inArc ? 'database in arc' : `postgres ${pgUs} µs`}; all ${cores} cores to this alone would carry at most ${fmt((cores * 1e6) / (arcUs + simUs + (inArc ? 0 : pgUs)))}/s, arc alone on one core ${fmt(1e6 / arcUs)}/s\n`);
  } finally {
    await scratch.cleanup();
  }
}

const only = positionals[0];
if (only !== undefined && only !== 'pglite' && only !== 'postgres') throw new Error(`database is pglite or postgres, got ${only}`);
console.log(`node ${process.version}; ${PANELS} simulated TCP panels (one frame in flight each, 30 % alarms) in ${SIMS} child process(es); ${RUNS} runs of ${DURATION_S} s per phase; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
for (const kind of ['pglite', 'postgres'] as const) if (!only || only === kind) await bench(kind);
