import { loadConfig } from '../config/config.js';
import type { Command, CommandIo } from './command.js';
import { readConfigOption } from './config-option.js';

const usage = `Usage: arc migrate [--config FILE]

Applies the database migrations that have not run and names them (serve does this at start too).
Uses DATABASE_URL when set, else the embedded database in ARC_DATA_DIR (default ./data).

  --config FILE   JSON file of settings; the environment overrides it (same as ARC_CONFIG)
  --help          this text`;

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply the database migrations',
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    const options = readConfigOption('migrate', args, io, usage);
    if (typeof options === 'number') return options;
    try {
      const config = loadConfig(io.env, options.configFile);
      // Loaded here, not at the top: `arc --help` should not load a database driver.
      const [{ openDatabase }, { migrateToLatest }] = await Promise.all([import('../store/database.js'), import('../store/migrations.js')]);
      const store = await openDatabase(config);
      try {
        const applied = await migrateToLatest(store.db);
        io.stdout.write(applied.length > 0 ? applied.map((name) => `applied ${name}\n`).join('') : 'the database is up to date\n');
      } finally {
        await store.close();
      }
      return 0;
    } catch (err) {
      io.stderr.write(`arc migrate: ${(err as Error).message}\n`);
      return 1;
    }
  },
};
