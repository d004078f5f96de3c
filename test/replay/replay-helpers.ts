import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Test } from 'tap';
import { loadConfig } from '../../src/config/config.js';
import { startArc } from '../../src/cli/start-arc.js';
import { createLogger } from '../../src/observability/logger.js';
import { DEFAULT_SIM_KEY_HEX } from '../../src/panel-sim/sim-options.js';
import { parseRecording } from '../../src/replay/recorded-frame.js';
import type { ReplayOptions } from '../../src/replay/run-replay.js';
import { saveAccount } from '../../src/receivers/account-store.js';
import { openDatabase } from '../../src/store/database.js';
import type { JournalTable } from '../../src/store/database-schema.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import type { Selectable } from 'kysely';
import { arcBin, arcEnv } from '../helpers/arc-process.js';
import type { DatabaseLocation } from '../helpers/databases.js';
import { repoRoot } from '../helpers/vectors.js';

export const sessions = join(repoRoot, 'fixtures', 'sessions');
export const recording = (name: string) => parseRecording(readFileSync(join(sessions, `${name}.jsonl`), 'latin1'));
export const KEY = DEFAULT_SIM_KEY_HEX;
const silent = new Writable({ write: (_c, _e, done) => done() });
export type Row = Selectable<JournalTable>;

/** A whole arc in this process on `location`, with these accounts (NUMBER or NUMBER:KEY[:only]) loaded at start. */
export async function arcOn(t: Test, location: DatabaseLocation, accounts: string[], serialPorts: object[] = []) {
  const setup = await openDatabase(location);
  await migrateToLatest(setup.db);
  for (const spec of accounts) {
    const [number, key, only] = spec.split(':');
    await saveAccount(setup.db, { number: number!, aesKey: key ? Buffer.from(key, 'hex') : null, encryptedOnly: only === 'only' });
  }
  await setup.close();
  const config = loadConfig({ ...location.env, ARC_HTTP_PORT: '0', ARC_HTTP_HOST: '127.0.0.1', ARC_DC09_PORT: '0', ARC_DC09_HOST: '127.0.0.1', ARC_DC09_PEER_RATE: '1000', ARC_LOG_LEVEL: 'silent', ARC_SERIAL_PORTS: JSON.stringify(serialPorts) });
  const arc = await startArc(config, createLogger(config, silent));
  let stopped = false;
  const stop = async () => {
    if (!stopped) await arc.stop();
    stopped = true;
  };
  t.teardown(stop);
  /** Stops arc (the embedded database has one owner) and reads the journal after `afterSeq`. */
  const journal = async (afterSeq = '0'): Promise<Row[]> => {
    await stop();
    const store = await openDatabase(location);
    try {
      return await store.db.selectFrom('journal').selectAll().where('seq', '>', afterSeq).orderBy('seq').execute();
    } finally {
      await store.close();
    }
  };
  return { port: arc.dc09Port, journal };
}

export const replayTo = (port: number, over: Partial<ReplayOptions> = {}): ReplayOptions => ({ host: '127.0.0.1', port, speed: Infinity, replyTimeoutMs: 3000, ...over });

/** Each original peer's frames, in order, as hex: the shape replay must reproduce. */
export const byPeer = (items: { transport: string; peer: string; raw: Uint8Array }[], joined = false) => {
  const peers = new Map<string, string[]>();
  for (const f of items) {
    const key = f.transport === 'serial' ? 'serial' : `${f.transport}|${f.peer}`;
    peers.set(key, [...(peers.get(key) ?? []), Buffer.from(f.raw).toString('hex')]);
  }
  return [...peers.values()].map((frames) => frames.join(joined ? '' : ' ')).sort();
};

/** What arc answers each journaled frame, as the README's table says; null: no answer expected. */
export function answerOf(row: Pick<Row, 'transport' | 'outcome' | 'error_code' | 'frame'>): 'ack' | 'nak' | 'duh' | null {
  if (row.transport === 'serial') return row.outcome === 'refused' ? 'nak' : 'ack';
  if (row.error_code === 'GARBAGE' || row.error_code === 'OVERSIZED') return row.transport === 'udp' ? 'nak' : null;
  if (['UNKNOWN_TOKEN', 'NO_KEY', 'ENCRYPTION_REQUIRED'].includes(row.error_code ?? '')) return 'duh';
  if (row.outcome === 'signal') return 'ack';
  if (row.outcome === 'unregistered') return (row.frame as { token?: string } | null)?.token === 'NULL' ? 'ack' : 'nak';
  return 'nak';
}
export const count = (rows: Pick<Row, 'transport' | 'outcome' | 'error_code' | 'frame'>[], answer: ReturnType<typeof answerOf>) => rows.filter((r) => answerOf(r) === answer).length;

export function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [arcBin, ...args], { env: arcEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function ptyPair(t: Test): Promise<[string, string]> {
  const socat: ChildProcess = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => void socat.kill());
  let stderr = '';
  socat.stderr!.on('data', (s: Buffer) => (stderr += s.toString()));
  for (let i = 0; i < 100 && !stderr.includes('starting data transfer loop'); i++) await new Promise((r) => setTimeout(r, 50));
  const ptys = [...stderr.matchAll(/PTY is (\S+)/g)].map((m) => m[1]!);
  if (ptys.length !== 2) throw new Error(`socat said: ${stderr}`);
  return [ptys[0]!, ptys[1]!];
}
