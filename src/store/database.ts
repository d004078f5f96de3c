import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Config } from '../config/config.js';
import type { Database } from './database-schema.js';
import { lockDataDir } from './data-dir-lock.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** Closes the connections (and, for PGlite, the database and its lock). Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Told about errors no query is waiting for, such as an idle connection the server dropped. */
  onBackgroundError?: (err: Error) => void;
}

const POOL_SIZE = 10; // connections per node
const CONNECT_TIMEOUT_MS = 5_000; // without it a query waits forever on an unreachable server

/**
 * PostgreSQL when `databaseUrl` is set; otherwise the embedded PGlite in `dataDir`, locked to
 * this process (DataDirLockedError otherwise). int8 reads as a string from both, so a bigserial
 * is the same type whichever runs.
 *
 * @example const store = await openDatabase(config); … await store.close();
 */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, options: OpenDatabaseOptions = {}): Promise<Store> {
  return config.databaseUrl ? openPostgres(config.databaseUrl, options) : openPglite(config.dataDir);
}

function openPostgres(url: string, { onBackgroundError }: OpenDatabaseOptions): Store {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle client's error is emitted on the pool; unhandled, it would crash the process, and a
  // database restart must not stop arc (the next query reconnects).
  pool.on('error', (err) => onBackgroundError?.(err));
  // A client in use whose connection the server ends (a fenced transaction left idle past the
  // lease, pg_terminate_backend, a restart mid-transaction) emits on the client: the query fails,
  // the node must not.
  pool.on('connect', (client) => client.on('error', (err) => onBackgroundError?.(err)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', close: once(() => db.destroy()) };
}

async function openPglite(dataDir: string): Promise<Store> {
  const lock = lockDataDir(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
    const pglite = await PGlite.create(dataDir, { parsers: { 20: (v: string) => v } });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    const close = once(async () => {
      try {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
      } finally {
        lock.release();
      }
    });
    return { db, kind: 'pglite', close };
  } catch (err) {
    lock.release();
    throw err;
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
