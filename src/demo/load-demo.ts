import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/append-audit.js';
import type { Role } from '../auth/roles.js';
import { createUser, UserExistsError } from '../auth/user-store.js';
import { packageRoot } from '../config/package-root.js';
import { importCustomers, readImportRows, type ImportReport } from '../customers/customer-import.js';
import type { Database } from '../store/database-schema.js';


/** The demo user registered as a guard on duty. */
const DEMO_GUARD = 'guard';

/** One user per role; the names say what each is for. */
const DEMO_USERS: readonly { username: string; displayName: string; role: Role }[] = [
  { username: 'admin', displayName: '系统管理员 Admin', role: 'admin' },
  { username: 'supervisor', displayName: '值班长 Zhang Wei', role: 'supervisor' },
  { username: 'operator', displayName: '值机员 Li Na', role: 'operator' },
  { username: DEMO_GUARD, displayName: '护卫队员 Wang Qiang', role: 'guard' },
  { username: 'police', displayName: '110 联络员 Chen Jie', role: 'police' },
];

export interface DemoLoaded {
  users: { username: string; role: Role; password: string | null }[];
  customers: ImportReport;
}

/**
 * What `arc serve --demo` loads so that a newcomer sees the console working within a minute:
 * the demo customers of fixtures/demo/customers.json (accounts 10000–10007, the ones
 * `arc sim panels` sends from), one user per role with `password`, and the guard user registered
 * for dispatch, on duty. Running it again changes nothing that exists: a user that exists keeps
 * its password (reported as null).
 */
export async function loadDemo(db: Kysely<Database>, options: { password: string; now: () => Date }): Promise<DemoLoaded> {
  const root = packageRoot(new URL('.', import.meta.url));
  if (!root) throw new Error('the demo data (fixtures/demo/customers.json) is not beside this copy of arc');
  const file = new URL('fixtures/demo/customers.json', root.dir);
  const rows = readImportRows(readFileSync(file, 'utf8'), 'json');
  if ('error' in rows) throw new Error(`fixtures/demo/customers.json: ${rows.error}`);
  const customers = await importCustomers(db, rows.rows, { now: options.now, source: 'demo' });

  const users: DemoLoaded['users'] = [];
  for (const user of DEMO_USERS) {
    try {
      await db.transaction().execute(async (trx) => {
        const created = await createUser(trx, { ...user, password: options.password });
        await appendAudit(trx, { actor: 'demo', action: 'user.create', subjectType: 'user', subjectId: created.id, detail: { username: created.username, role: created.role }, at: options.now() });
      });
      users.push({ username: user.username, role: user.role, password: options.password });
    } catch (err) {
      if (!(err instanceof UserExistsError)) throw err;
      users.push({ username: user.username, role: user.role, password: null });
    }
  }
  // The demo guard is on duty, so that a guard request (the operator's, or the engine's) finds someone.
  const guardUser = await db.selectFrom('app_user').select(['id', 'display_name']).where('username', '=', DEMO_GUARD).executeTakeFirstOrThrow();
  const at = options.now();
  await db.transaction().execute(async (trx) => {
    const registered = await trx
      .insertInto('guard')
      .values({ id: guardUser.id, name: guardUser.display_name, status: 'available', area: null, lat: null, lng: null, status_since: at, updated_at: at })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (registered) await appendAudit(trx, { actor: 'demo', action: 'dispatch.guard_register', subjectType: 'guard', subjectId: guardUser.id, detail: { area: null, status: 'available' }, at });
  });
  return { users, customers };
}

/** The block `arc serve --demo` prints: who can sign in, with what, and where. */
export function formatDemoBanner(loaded: DemoLoaded, consoleUrl: string): string {
  const width = Math.max(...loaded.users.map((u) => u.username.length));
  return [
    '',
    `arc demo: console at ${consoleUrl}  (API docs at ${consoleUrl}docs)`,
    `  customers: ${loaded.customers.imported.length} loaded${loaded.customers.rejected.length > 0 ? `, ${loaded.customers.rejected.length} rejected` : ''}; simulate their panels with: bin/arc sim panels --count 8 --rate 2 --alarm-share 0.3`,
    '  users (one per role; demo only, never in production):',
    ...loaded.users.map((u) => `    ${u.username.padEnd(width)}  ${u.role.padEnd(10)}  ${u.password ?? '(existed already: password unchanged)'}`),
    '',
  ].join('\n');
}

