import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config/config.js';

export interface BenchArcConfig {
  /** arc's configuration: any free ports on loopback, no logs, no per-peer rate limit. */
  config: Config;
  /** The scratch PostgreSQL database's name (to account its backends' CPU), null on PGlite. */
  database: string | null;
  /** Drops the scratch database or removes the data directory. */
  cleanup(): Promise<void>;
}

/**
 * A fresh database for one benchmark run: PGlite in a temporary directory, or a scratch
 * database beside BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server. `extra`:
 * more of arc's settings (the 110 link's, say).
 */
export async function benchArcConfig(kind: 'pglite' | 'postgres', name: string, extra: Record<string, string> = {}): Promise<BenchArcConfig> {
  const settings = { ...extra, ARC_HTTP_PORT: '0', ARC_HTTP_HOST: '127.0.0.1', ARC_DC09_PORT: '0', ARC_DC09_HOST: '127.0.0.1', ARC_LOG_LEVEL: 'silent', ARC_DC09_PEER_RATE: '100000' };
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'arc-bench-'));
    return { config: loadConfig({ ...settings, ARC_DATA_DIR: join(dir, 'data'), ARC_SPOOL_DIR: join(dir, 'spool') }), database: null, cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
  }
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `arc_bench_${name}_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = new URL(base);
  url.pathname = `/${database}`;
  const spoolDir = mkdtempSync(join(tmpdir(), 'arc-bench-spool-'));
  return {
    config: loadConfig({ ...settings, DATABASE_URL: url.href, ARC_SPOOL_DIR: spoolDir }),
    database,
    async cleanup() {
      await admin.query(`drop database ${database} with (force)`);
      await admin.end();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}
