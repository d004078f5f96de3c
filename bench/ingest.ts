// npm run bench -- ingest [pglite|postgres]
// Signals per second into the journal with ACK-after-commit, and the ACK latency at a fixed
// offered rate. arc runs in this process; the panels run in a child `arc sim panels`, so they do
// not share its event loop. PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the
// local server (a scratch database is created and dropped).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { startArc } from '../src/cli/start-arc.js';
import { createLogger } from '../src/observability/logger.js';
import { saveAccount } from '../src/receivers/account-store.js';
import { openDatabase } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrations.js';

const PANELS = 400;
const ACCOUNT_BASE = 30000;
const arcBin = join(import.meta.dirname, '..', '..', 'bin', 'arc');

interface SimReport { sent: number; acked: number; failed: number; elapsedS: number; latencyMs: { p50: number; p99: number; max: number } | null }

/** Async: the server under test runs on this process's event loop. */
async function sim(port: number, rate: number, durationS: number): Promise<SimReport> {
  const run = await promisify(execFile)(process.execPath, [arcBin, 'sim', 'panels', '--count', String(PANELS), '--rate', String(rate), '--duration', String(durationS), '--alarm-share', '0.3', '--account-base', String(ACCOUNT_BASE), '--target', `127.0.0.1:${port}`, '--json'], { encoding: 'utf8' }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }));
  if (!run.stdout) throw new Error(`sim failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as SimReport;
}

async function bench(kind: 'pglite' | 'postgres'): Promise<void> {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'arc-bench-'));
    env = { ARC_DATA_DIR: join(dir, 'data') };
    cleanup = () => Promise.resolve(rmSync(dir, { recursive: true, force: true }));
  } else {
    const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `arc_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    env = { DATABASE_URL: url.href };
    cleanup = async () => {
      await admin.query(`drop database ${name} with (force)`);
      await admin.end();
    };
  }
  try {
    const config = loadConfig({ ...env, ARC_HTTP_PORT: '0', ARC_HTTP_HOST: '127.0.0.1', ARC_DC09_PORT: '0', ARC_DC09_HOST: '127.0.0.1', ARC_LOG_LEVEL: 'silent', ARC_DC09_PEER_RATE: '100000' });
    const setup = await openDatabase(config);
    await migrateToLatest(setup.db);
    for (let i = 0; i < PANELS; i++) await saveAccount(setup.db, { number: String(ACCOUNT_BASE + i), aesKey: null, encryptedOnly: false });
    await setup.close();
    const arc = await startArc(config, createLogger(config, process.stdout));
    try {
      await sim(arc.dc09Port, 1000, 1); // warm-up
      const max = await sim(arc.dc09Port, 60_000, 5);
      const fixed = await sim(arc.dc09Port, 5_000, 5);
      console.log(`${kind}: sustained ${Math.round(max.acked / max.elapsedS)} signals/s ACKed after commit (${max.acked} in ${max.elapsedS} s, ${PANELS} TCP panels offering 60,000/s, ${max.failed} failed); ACK p50 ${max.latencyMs?.p50} ms p99 ${max.latencyMs?.p99} ms`);
      console.log(`${kind}: at 5,000/s offered for 5 s: ${fixed.acked}/${fixed.sent} ACKed, ACK latency p50 ${fixed.latencyMs?.p50} ms, p99 ${fixed.latencyMs?.p99} ms, max ${fixed.latencyMs?.max} ms (goal p99 ≤ 20 ms)`);
    } finally {
      await arc.stop();
    }
  } finally {
    await cleanup();
  }
}

const only = process.argv[2];
console.log(`node ${process.version}; ${PANELS} simulated panels (one TCP connection each, one frame in flight each, 30 % alarms) in a child process\n`);
for (const kind of ['pglite', 'postgres'] as const) if (!only || only === kind) await bench(kind);
