import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import type { FailoverStatus } from '../failover/failover-status.js';
import type { Command, CommandIo } from './command.js';

const usage = `Usage: arc status [--json] [--config FILE]

Says where this node (ARC_NODE_ID) stands in failover, from the database: its role (leader,
standby, or single for the embedded database), the fencing term, who holds the lease and when
it lapses (the database's clock), the spool depth (receptions in this node's local spool, not
yet in the journal) and the nodes that run here. Uses DATABASE_URL when set, else the embedded database in ARC_DATA_DIR,
which is a single node: while arc serve runs on it, the database is not opened and status
says so.

  --json          the same as one JSON object (the shape of GET /api/failover)
  --config FILE   JSON file of settings; the environment overrides it (same as ARC_CONFIG)

Exit status 0; 1 when the database cannot be read; 2 when an option is wrong.`;

export const statusCommand: Command = {
  name: 'status',
  summary: "this node's failover role, term, lease expiry and spool depth",
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    let values: { json?: boolean; config?: string };
    try {
      ({ values } = parseArgs({ args, options: { json: { type: 'boolean' }, config: { type: 'string' } } }));
    } catch (err) {
      io.stderr.write(`arc status: ${(err as Error).message}\n\n${usage}\n`);
      return 2;
    }
    try {
      const config = loadConfig(io.env, values.config);
      // Loaded here, not at the top: `arc --help` should not load a database driver.
      const [{ openDatabase }, { DataDirLockedError }, { readFailoverStatus, failoverStatus }, { CONSUMERS_LEASE }, { peekSpoolDepth, spoolPath }] = await Promise.all([
        import('../store/database.js'),
        import('../store/data-dir-lock.js'),
        import('../failover/failover-status.js'),
        import('../failover/assert-term.js'),
        import('../journal/spool/spool-file.js'),
      ]);
      // This node's spool is a local file: read even while its server runs.
      const spoolDepth = await peekSpoolDepth(spoolPath(config.spoolDir, config.nodeId));
      let status: FailoverStatus;
      let remark: string | undefined;
      const single = () => failoverStatus({ nodeId: config.nodeId, role: 'single', term: 1, holder: config.nodeId, leaseExpiresAt: null, handoverTo: null }, { database: 'pglite', spoolDepth, nodes: [] });
      if (!config.databaseUrl && !existsSync(config.dataDir)) {
        status = single();
        remark = `no embedded database in ${config.dataDir} yet: arc serve creates it`;
      } else {
        try {
          const store = await openDatabase(config);
          try {
            const hasLease = await store.db.introspection.getTables().then((tables) => tables.some((t) => t.name === 'leader_lease'));
            if (!hasLease) throw Object.assign(new Error('the database has no lease table: run arc migrate (or arc serve) first'), { code: 'NOT_MIGRATED' });
            status = await readFailoverStatus(store.db, { nodeId: config.nodeId, lease: CONSUMERS_LEASE, database: store.kind, aliveWithinMs: config.leaseTtlMs, spoolDepth });
          } finally {
            await store.close();
          }
        } catch (err) {
          if (!(err instanceof DataDirLockedError)) throw err;
          // The embedded database is one process's: the running server is the single node.
          status = single();
          remark = `the embedded database is in use by the running server (pid ${err.pid})`;
        }
      }
      io.stdout.write(values.json === true ? `${JSON.stringify(status)}\n` : formatStatus(status, remark));
      return 0;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      io.stderr.write(`arc status: ${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message}\n`);
      return 1;
    }
  },
};

/** The human form: one `label  value` line per field. */
export function formatStatus(s: FailoverStatus, remark?: string): string {
  const expiry = s.leaseExpiresAt === null ? (s.role === 'single' ? 'never (single node)' : '-') : `${s.leaseExpiresAt}${Date.parse(s.leaseExpiresAt) > Date.now() ? '' : ' (lapsed)'}`;
  const rows: [string, string][] = [
    ['node', s.nodeId],
    ['role', s.role === 'single' ? 'single node (embedded database)' : s.role],
    ['term', s.term === null ? '-' : String(s.term)],
    ['holder', s.holder ?? '(none)'],
    ['lease expiry', expiry],
    ['spool depth', `${s.spoolDepth}`],
    ['database', s.database],
  ];
  if (s.handoverTo !== null && s.handoverTo !== s.holder) rows.push(['switchover', `to ${s.handoverTo}, asked`]);
  if (s.nodes.length > 0) rows.push(['nodes', s.nodes.map((n) => `${n.nodeId} (${n.alive ? 'alive' : `last seen ${n.seenAt}`})`).join(', ')]);
  if (remark) rows.push(['note', remark]);
  return rows.map(([k, v]) => `${k.padEnd(13)} ${v}\n`).join('');
}
