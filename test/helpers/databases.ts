import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import pg from 'pg';
import { openDatabase, type Store } from '../../src/store/database.js';

/**
 * The databases a storage test runs against: the embedded PGlite always, and PostgreSQL when
 * TEST_DATABASE_URL is set. Each `open` gives a new, empty database that the test tears down.
 */
export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(t: Test): Promise<Store>;
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

export const TEST_DATABASES: TestDatabase[] = [
  {
    name: 'pglite',
    async open(t) {
      const store = await openDatabase({ dataDir: `${t.testdir({})}/data`, databaseUrl: undefined });
      t.teardown(() => store.close());
      return store;
    },
  },
  ...(testDatabaseUrl
    ? [
        {
          name: 'postgres' as const,
          async open(t: Test) {
            const url = await createScratchDatabase(testDatabaseUrl);
            const store = await openDatabase({ dataDir: '', databaseUrl: url.href });
            t.teardown(async () => {
              await store.close();
              await dropScratchDatabase(testDatabaseUrl, url.pathname.slice(1));
            });
            return store;
          },
        },
      ]
    : []),
];

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
