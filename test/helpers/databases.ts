import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import pg from 'pg';
import { openDatabase, type Store } from '../../src/store/database.js';

/**
 * The databases a storage test runs against: the embedded PGlite always, and PostgreSQL when
 * TEST_DATABASE_URL is set. Each `open` gives a new, empty database that the test tears down.
 */
export interface TestDatabase {
  name: 'pglite' | 'postgres';
  /** A new, empty database, opened; the test closes (and drops) it at teardown. */
  open(t: Test): Promise<Store>;
  /**
   * A new, empty database, not opened: the settings a child `arc` process (or a reopen after a
   * crash) uses to reach it. Dropped at teardown.
   */
  location(t: Test): Promise<DatabaseLocation>;
}

export interface DatabaseLocation {
  databaseUrl: string | undefined;
  dataDir: string;
  /** The same as environment variables, for a child process (with a spool directory of the test's own). */
  env: Record<string, string>;
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

async function openAt(t: Test, location: DatabaseLocation): Promise<Store> {
  const store = await openDatabase(location);
  t.teardown(() => store.close());
  return store;
}

const pglite: TestDatabase = {
  name: 'pglite',
  location(t) {
    const dir = t.testdir({});
    const dataDir = `${dir}/data`;
    return Promise.resolve({ databaseUrl: undefined, dataDir, env: { ARC_DATA_DIR: dataDir, DATABASE_URL: '', ARC_SPOOL_DIR: `${dir}/spool` } });
  },
  async open(t) {
    return openAt(t, await pglite.location(t));
  },
};

function postgres(baseUrl: string): TestDatabase {
  const self: TestDatabase = {
    name: 'postgres',
    async location(t) {
      const url = await createScratchDatabase(baseUrl);
      // Registered first, so it runs after the stores opened on it have closed.
      t.teardown(() => dropScratchDatabase(baseUrl, url.pathname.slice(1)));
      // A spool of its own too: a node id another test also uses must not drain this one's spool.
      const spoolDir = mkdtempSync(join(tmpdir(), 'arc-spool-'));
      t.teardown(() => rmSync(spoolDir, { recursive: true, force: true }));
      return { databaseUrl: url.href, dataDir: '', env: { DATABASE_URL: url.href, ARC_SPOOL_DIR: spoolDir } };
    },
    async open(t) {
      return openAt(t, await self.location(t));
    },
  };
  return self;
}

export const TEST_DATABASES: TestDatabase[] = [pglite, ...(testDatabaseUrl ? [postgres(testDatabaseUrl)] : [])];

/** A new database beside TEST_DATABASE_URL's, so that runs never see each other's rows. */
export async function createScratchDatabase(baseUrl: string): Promise<URL> {
  const name = `arc_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url;
}

export async function dropScratchDatabase(baseUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
