import { sql } from 'kysely';
import t from 'tap';
import { appendAudit } from '../../src/audit/append-audit.js';
import { commitBatch } from '../../src/journal/commit-batch.js';
import { recordNodeStart } from '../../src/store/node-starts.js';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';

const at = new Date('2026-11-23T08:00:00.123Z');

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the audit log is a hash chain that names the first broken row`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    t.same(await verifyAuditChain(store.db), { ok: true, rows: 0, lastHash: '0'.repeat(64) }, 'an empty log verifies');

    // Concurrent writers (requests, the incident consumer) still make one line.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        appendAudit(store.db, { actor: `user-${i % 3}`, action: 'incident.take', subjectType: 'incident', subjectId: String(i), detail: { note: `第${i}条`, nested: { b: 1, a: [i, null] } }, at }),
      ),
    );
    const good = await verifyAuditChain(store.db);
    t.match(good, { ok: true, rows: 30 });

    // Someone with superuser rights switches the triggers off and edits a row by hand.
    const [, victim] = await store.db.selectFrom('audit_log').select('seq').orderBy('seq').limit(2).execute();
    await store.db.connection().execute(async (conn) => {
      await sql`set session_replication_role = replica`.execute(conn);
      await sql`update audit_log set actor = 'someone-else' where seq = ${victim!.seq}`.execute(conn);
      await sql`set session_replication_role = default`.execute(conn);
    });
    t.same(await verifyAuditChain(store.db), { ok: false, rows: 1, brokenAt: { seq: victim!.seq, reason: 'HASH_MISMATCH' } }, 'an edited row breaks the chain at that row');

    await store.db.connection().execute(async (conn) => {
      await sql`set session_replication_role = replica`.execute(conn);
      await sql`delete from audit_log where seq = ${victim!.seq}`.execute(conn);
      await sql`set session_replication_role = default`.execute(conn);
    });
    const afterDelete = await verifyAuditChain(store.db);
    t.match(afterDelete, { ok: false, brokenAt: { reason: 'PREV_HASH_MISMATCH' } }, 'a removed row breaks the chain at the next one');
    t.ok(BigInt((afterDelete as { brokenAt: { seq: string } }).brokenAt.seq) > BigInt(victim!.seq));
  });

  t.test(`${database.name}: the database itself refuses to change history`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    await appendAudit(store.db, { actor: 'system', action: 'test.append', subjectType: 'test', subjectId: '1', at });
    await commitBatch(store.db, [signalReception()], { nodeId: 'a', dedupWindowMs: 1000 });
    await recordNodeStart(store.db, { nodeId: 'a', version: 'test', databaseKind: store.kind });
    for (const [table, column] of [['audit_log', 'actor'], ['journal', 'node_id'], ['node_start', 'node_id']] as const) {
      await t.rejects(sql`update ${sql.table(table)} set ${sql.ref(column)} = 'x'`.execute(store.db), /HISTORY_APPEND_ONLY: UPDATE on/, `UPDATE ${table}`);
      await t.rejects(sql`delete from ${sql.table(table)}`.execute(store.db), /HISTORY_APPEND_ONLY: DELETE on/, `DELETE ${table}`);
      await t.rejects(sql`truncate ${sql.table(table)} cascade`.execute(store.db), /HISTORY_APPEND_ONLY: TRUNCATE on/, `TRUNCATE ${table} CASCADE`);
    }
  });
}
