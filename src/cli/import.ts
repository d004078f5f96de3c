import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import type { Command, CommandIo } from './command.js';

const usage = `Usage: arc import FILE [--dry-run] [--config FILE]

Loads customers (with their accounts, zones, contacts and panel users) from a JSON file (an
array of customers as POST /api/customers takes them) or a CSV file (one customer per row; the
columns are in the README, "Customers and accounts"). The format comes from the file name
(.json, .csv), else from its first character.

Every row is checked as the API checks a request; the good ones are imported, each in its own
transaction and audited with actor "import"; a customer whose account is already known is
updated, so importing a file twice changes nothing the second time. Prints what was imported
and every rejected row with its line (CSV) or item number (JSON) and why.

  --dry-run       check and report, write nothing
  --config FILE   JSON file of settings; the environment overrides it (same as ARC_CONFIG)
  --help          this text

Exit status 0 when every row was imported, 1 when any row was rejected or the file cannot be
read, 2 when an option is wrong. On the embedded database, stop arc serve first (one process
per data directory); on PostgreSQL, a running arc is told to reload its accounts.`;

export const importCommand: Command = {
  name: 'import',
  summary: 'load customers from a JSON or CSV file',
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    let options;
    try {
      options = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
    } catch (err) {
      io.stderr.write(`arc import: ${(err as Error).message}\n\n${usage}\n`);
      return 2;
    }
    const [file, ...extra] = options.positionals;
    if (file === undefined || extra.length > 0) {
      io.stderr.write(`arc import: give exactly one FILE\n\n${usage}\n`);
      return 2;
    }
    const dryRun = options.values['dry-run'];
    try {
      const config = loadConfig(io.env, options.values.config);
      const text = await readFile(file, 'utf8');
      // Loaded here, not at the top: `arc --help` should not load a database driver.
      const [{ openDatabase }, { migrateToLatest }, { importCustomers, formatImportReport, importFormatOf, readImportRows }, { notifyAccountsChanged }] = await Promise.all([
        import('../store/database.js'),
        import('../store/migrations.js'),
        import('../customers/customer-import.js'),
        import('../customers/accounts-changed.js'),
      ]);
      const read = readImportRows(text, importFormatOf(file, text));
      if ('error' in read) {
        io.stderr.write(`arc import: ${file}: ${read.error}\n`);
        return 1;
      }
      const store = await openDatabase(config);
      try {
        await migrateToLatest(store.db);
        const report = await importCustomers(store.db, read.rows, { now: () => new Date(), source: basename(file), dryRun });
        if (!dryRun && report.imported.length > 0 && store.kind === 'postgres') await notifyAccountsChanged(store.db);
        io.stdout.write(formatImportReport(report));
        return report.rejected.length > 0 ? 1 : 0;
      } finally {
        await store.close();
      }
    } catch (err) {
      io.stderr.write(`arc import: ${(err as Error).message}\n`);
      return 1;
    }
  },
};
