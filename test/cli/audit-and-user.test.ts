import { Readable, Writable } from 'node:stream';
import { sql } from 'kysely';
import t from 'tap';
import { runCli } from '../../src/cli/main.js';
import { openDatabase } from '../../src/store/database.js';
import { TEST_DATABASES } from '../helpers/databases.js';

async function arc(argv: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdin: Readable.from([stdin]),
    stdout: new Writable({ write: (c, _e, done) => ((stdout += String(c)), done()) }),
    stderr: new Writable({ write: (c, _e, done) => ((stderr += String(c)), done()) }),
    env: { ARC_LOG_LEVEL: 'silent', ...env },
  });
  return { code, stdout, stderr };
}

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the first admin comes from \`arc user add\`, and \`arc audit verify\` checks the chain`, async (t) => {
    const { env, databaseUrl, dataDir } = await database.location(t);

    const added = await arc(['user', 'add', '--username', 'admin', '--role', 'admin', '--name', '系统管理员'], env, 'a long enough password\n');
    t.equal(added.code, 0, added.stderr);
    t.match(added.stdout, /^created admin admin \(/);
    t.notMatch(added.stdout + added.stderr, /long enough/, 'the password is never printed');

    const again = await arc(['user', 'add', '--username', 'admin', '--role', 'admin'], { ...env, ARC_USER_PASSWORD: 'another long one' });
    t.equal(again.code, 1);
    t.match(again.stderr, /a user named "admin" exists/);

    t.equal((await arc(['user', 'add', '--username', 'x', '--role', 'janitor'], env, 'a long enough password\n')).code, 2, 'an unknown role is a usage error');
    t.equal((await arc(['user', 'add', '--username', 'x', '--role', 'guard'], env, 'short\n')).code, 2, 'a short password is refused');

    const ok = await arc(['audit', 'verify'], env);
    t.equal(ok.code, 0, ok.stderr);
    t.match(ok.stdout, /^audit chain ok: 1 rows, last hash [0-9a-f]{64}\n$/);

    // A hand edit by someone who can switch the triggers off.
    const store = await openDatabase({ databaseUrl, dataDir });
    const { seq } = await store.db.selectFrom('audit_log').select('seq').executeTakeFirstOrThrow();
    await store.db.connection().execute(async (conn) => {
      await sql`set session_replication_role = replica`.execute(conn);
      await sql`update audit_log set detail = '{"username":"admin","role":"guard"}' where seq = ${seq}`.execute(conn);
    });
    await store.close();

    const broken = await arc(['audit', 'verify'], env);
    t.equal(broken.code, 1);
    t.equal(broken.stdout, `audit chain broken at seq ${seq}: HASH_MISMATCH (0 rows before it verify)\n`);
    t.equal((await arc(['audit'], env)).code, 2, 'a missing subcommand is a usage error');
  });
}
