import { Migrator, type Kysely, type Migration } from 'kysely';
import * as m0001 from '../../migrations/0001_node_start.js';
import * as m0002 from '../../migrations/0002_journal.js';
import * as m0003 from '../../migrations/0003_customers.js';
import * as m0004 from '../../migrations/0004_users_audit.js';
import * as m0005 from '../../migrations/0005_incidents.js';
import * as m0006 from '../../migrations/0006_journal_speed.js';
import * as m0007 from '../../migrations/0007_supervision.js';
import * as m0008 from '../../migrations/0008_uplink110.js';
import * as m0009 from '../../migrations/0009_dispatch.js';
import * as m0010 from '../../migrations/0010_failover.js';
import * as m0011 from '../../migrations/0011_verification.js';
import * as m0012 from '../../migrations/0012_maintenance.js';
import * as m0013 from '../../migrations/0013_complaints.js';
import * as m0014 from '../../migrations/0014_dispatch_requests.js';
import * as m0015 from '../../migrations/0015_report_indexes.js';
import * as m0016 from '../../migrations/0016_states_as_json.js';
import * as m0017 from '../../migrations/0017_consumer_step.js';
import * as m0018 from '../../migrations/0018_consumer_advance.js';

/**
 * Every migration, in order, by static import: no directory scan, so it works the same from
 * src/ and dist/. Kysely records each name in `kysely_migration`: never rename one that has run.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_node_start': m0001,
  '0002_journal': m0002,
  '0003_customers': m0003,
  '0004_users_audit': m0004,
  '0005_incidents': m0005,
  '0006_journal_speed': m0006,
  '0007_supervision': m0007,
  '0008_uplink110': m0008,
  '0009_dispatch': m0009,
  '0010_failover': m0010,
  '0011_verification': m0011,
  '0012_maintenance': m0012,
  '0013_complaints': m0013,
  '0014_dispatch_requests': m0014,
  '0015_report_indexes': m0015,
  '0016_states_as_json': m0016,
  '0017_consumer_step': m0017,
  '0018_consumer_advance': m0018,
};

export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/**
 * Applies the migrations that have not run, each in its own transaction, and returns their
 * names (empty when the database is up to date). Kysely's lock table makes two nodes starting
 * at once take turns. Throws MigrationError naming the migration that failed.
 *
 * @example await migrateToLatest(store.db) // ['0001_node_start'], then []
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(MIGRATIONS) } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new MigrationError(failed ? `migration ${failed} failed: ${reason}` : `migrations cannot run: ${reason}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
