import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../auth/roles.js';
import { loadConfig } from '../config/config.js';
import type { Command, CommandIo } from './command.js';

const usage = `Usage: arc user add --username NAME --role ROLE [--name DISPLAY_NAME] [--config FILE]

Creates a user who can sign in to the console and the API: how the first admin comes to be.
The password is read from ARC_USER_PASSWORD, else from the first line of standard input (at
least 10 characters); it is stored hashed (scrypt) and never printed. Applies the migrations
first, so it works on a new database. The creation is written to the audit log (actor "cli").

  --username NAME   letters, digits, dot, dash, underscore
  --role ROLE       ${ROLES.join(', ')}
  --name NAME       the name shown to colleagues (default: the username)
  --config FILE     JSON file of settings; the environment overrides it (same as ARC_CONFIG)
  --help            this text`;

export const userCommand: Command = {
  name: 'user',
  summary: 'create a user (`arc user add --help`)',
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    const options = readOptions(args);
    if ('error' in options) {
      io.stderr.write(`arc user: ${options.error}\n\n${usage}\n`);
      return 2;
    }
    const password = io.env.ARC_USER_PASSWORD ?? (await firstLine(io.stdin));
    if (password.length < 10) {
      io.stderr.write('arc user: the password (ARC_USER_PASSWORD or the first line of standard input) must have at least 10 characters\n');
      return 2;
    }
    try {
      const config = loadConfig(io.env, options.configFile);
      const [{ openDatabase }, { migrateToLatest }, { createUser }, { appendAudit }] = await Promise.all([
        import('../store/database.js'),
        import('../store/migrations.js'),
        import('../auth/user-store.js'),
        import('../audit/append-audit.js'),
      ]);
      const store = await openDatabase(config);
      try {
        await migrateToLatest(store.db);
        const user = await store.db.transaction().execute(async (trx) => {
          const created = await createUser(trx, { username: options.username, displayName: options.displayName, role: options.role, password });
          await appendAudit(trx, { actor: 'cli', action: 'user.create', subjectType: 'user', subjectId: created.id, detail: { username: created.username, role: created.role }, at: new Date() });
          return created;
        });
        io.stdout.write(`created ${user.role} ${user.username} (${user.id})\n`);
        return 0;
      } finally {
        await store.close();
      }
    } catch (err) {
      io.stderr.write(`arc user: ${(err as Error).message}\n`);
      return 1;
    }
  },
};

function readOptions(args: string[]): { username: string; role: Role; displayName: string; configFile: string | undefined } | { error: string } {
  try {
    const { values, positionals } = parseArgs({ args, options: { username: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, config: { type: 'string' } }, allowPositionals: true });
    if (positionals.length !== 1 || positionals[0] !== 'add') return { error: positionals.length === 0 ? 'say what to do: add' : `unknown user command "${positionals.join(' ')}"` };
    if (!values.username || !/^[A-Za-z0-9._-]{1,64}$/.test(values.username)) return { error: '--username: letters, digits, dot, dash, underscore; at most 64' };
    if (!ROLES.includes(values.role as Role)) return { error: `--role: one of ${ROLES.join(', ')}` };
    return { username: values.username, role: values.role as Role, displayName: values.name ?? values.username, configFile: values.config };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}
