import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import type { Command, CommandIo } from './command.js';

const usage = `Usage: arc audit verify [--config FILE]

Walks the whole audit log, recomputing each row's hash from its facts and the previous row's
hash. Prints "audit chain ok: N rows" and exits 0, or names the first row that does not verify
and why (HASH_MISMATCH: the row was edited; PREV_HASH_MISMATCH: a row before it was removed or
the chain was spliced) and exits 1. Uses the database arc uses (DATABASE_URL, else ARC_DATA_DIR);
the embedded database can be read only while no server holds it.

  --config FILE   JSON file of settings; the environment overrides it (same as ARC_CONFIG)
  --help          this text`;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'check the audit log hash chain (`arc audit verify`)',
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    let configFile: string | undefined;
    try {
      const { values, positionals } = parseArgs({ args, options: { config: { type: 'string' } }, allowPositionals: true });
      if (positionals.length !== 1 || positionals[0] !== 'verify') throw new Error(positionals.length === 0 ? 'say what to do: verify' : `unknown audit command "${positionals.join(' ')}"`);
      configFile = values.config;
    } catch (err) {
      io.stderr.write(`arc audit: ${(err as Error).message}\n\n${usage}\n`);
      return 2;
    }
    try {
      const config = loadConfig(io.env, configFile);
      const [{ openDatabase }, { verifyAuditChain }] = await Promise.all([import('../store/database.js'), import('../audit/verify-audit-chain.js')]);
      const store = await openDatabase(config);
      try {
        const report = await verifyAuditChain(store.db);
        if (report.ok) {
          io.stdout.write(`audit chain ok: ${report.rows} rows, last hash ${report.lastHash}\n`);
          return 0;
        }
        io.stdout.write(`audit chain broken at seq ${report.brokenAt.seq}: ${report.brokenAt.reason} (${report.rows} rows before it verify)\n`);
        return 1;
      } finally {
        await store.close();
      }
    } catch (err) {
      io.stderr.write(`arc audit: ${(err as Error).message}\n`);
      return 1;
    }
  },
};
