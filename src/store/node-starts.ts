import type { Kysely, Selectable } from 'kysely';
import type { Database, NodeStartTable } from './database-schema.js';

export type NodeStart = Selectable<NodeStartTable>;

/** Appends this start of a node to the node_start history and returns the row. */
export async function recordNodeStart(db: Kysely<Database>, start: { nodeId: string; version: string; databaseKind: string }): Promise<NodeStart> {
  return db
    .insertInto('node_start')
    .values({ node_id: start.nodeId, version: start.version, database_kind: start.databaseKind })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The starts of every node, oldest first. */
export async function listNodeStarts(db: Kysely<Database>): Promise<NodeStart[]> {
  return db.selectFrom('node_start').selectAll().orderBy('id').execute();
}
