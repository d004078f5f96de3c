import { createWriteStream, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import type { Command, CommandIo } from './command.js';

const usage = `Usage: arc journal export [--since TIME] [--until TIME] [--account A] [--out FILE] [--config FILE]

Writes the journal's frames (every frame a receiver got, refused ones and garbage included) as
JSON lines, in journal order: the recording format arc replay reads. One object per frame:
time (ISO 8601, ms), transport (tcp|udp|serial), receiver, peer, raw (a JSON string, one
character per byte: exact for any bytes), then seq, account, outcome and error (the refusal's
code) for the reader.

Reads the database arc uses: DATABASE_URL when set, else the embedded database in ARC_DATA_DIR
(default ./data). The embedded database belongs to one process: while arc serve runs on it,
export is refused (DATA_DIR_LOCKED); stop arc first, or use PostgreSQL.

  --since TIME    only frames received at or after TIME (ISO 8601, e.g. 2026-11-23T10:00:00Z)
  --until TIME    only frames received before TIME
  --account A     only frames of account A (as the frame named it)
  --out FILE      write to FILE instead of standard output
  --config FILE   JSON file of settings; the environment overrides it (same as ARC_CONFIG)

Exit status 0 with the count of frames on standard error; 1 when the database cannot be read
(DATA_DIR_LOCKED, NO_DATABASE, NO_JOURNAL); 2 when an option is wrong.`;

export const journalCommand: Command = {
  name: 'journal',
  summary: 'export recorded traffic from the journal as JSON lines (`arc journal export --help`)',
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    const options = readOptions(args);
    if ('error' in options) {
      io.stderr.write(`arc journal: EXPORT_OPTIONS_INVALID: ${options.error}\n\n${usage}\n`);
      return 2;
    }
    try {
      const config = loadConfig(io.env, options.configFile);
      // Loaded here, not at the top: `arc --help` should not load a database driver.
      const [{ openDatabase }, { exportJournal }, { JournalExportError }] = await Promise.all([
        import('../store/database.js'),
        import('../replay/journal-export.js'),
        import('../replay/replay-error.js'),
      ]);
      if (!config.databaseUrl && !existsSync(config.dataDir)) {
        throw new JournalExportError('NO_DATABASE', `there is no embedded database in ${config.dataDir} (set ARC_DATA_DIR to arc's data directory, or DATABASE_URL)`);
      }
      const store = await openDatabase(config);
      const out = options.out === undefined ? io.stdout : createWriteStream(options.out);
      try {
        const count = await exportJournal(store.db, options.filter, (line) => writeLine(out, line));
        io.stderr.write(`arc journal: exported ${count} frames\n`);
      } finally {
        await store.close();
        if (out !== io.stdout) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      }
      return 0;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      io.stderr.write(`arc journal: ${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message}\n`);
      return 1;
    }
  },
};

/** Writes a line, waiting for the stream to drain when it says so (a big export into a pipe). */
function writeLine(out: NodeJS.WritableStream, line: string): Promise<void> | void {
  if (out.write(line)) return;
  return new Promise((resolve) => out.once('drain', () => resolve()));
}

interface Options {
  configFile: string | undefined;
  out: string | undefined;
  filter: { since?: number; until?: number; account?: string };
}

function readOptions(args: string[]): Options | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { since: { type: 'string' }, until: { type: 'string' }, account: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'export') return { error: `the command is "arc journal export", got "arc journal ${positionals.join(' ')}"` };
  const filter: Options['filter'] = {};
  for (const name of ['since', 'until'] as const) {
    const text = values[name];
    if (text === undefined) continue;
    const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(ms)) return { error: `--${name} is an ISO 8601 time such as 2026-11-23T10:00:00Z (or a date, UTC), got "${text}"` };
    filter[name] = ms;
  }
  if (filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until) return { error: '--since must be before --until' };
  if (values.account !== undefined) {
    if (values.account === '') return { error: '--account is empty' };
    filter.account = values.account;
  }
  return { configFile: values.config, out: values.out, filter };
}
