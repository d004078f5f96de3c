import type { Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { OutboxStatus } from './uplink-tables.js';
import type { UplinkMessage } from './uplink-wire.js';

export type EnqueueResult =
  | { enqueued: true; outboxId: string }
  /** The key (incident, revision, kind) is in the outbox already: nothing was written. */
  | { enqueued: false; outboxId: string; status: OutboxStatus };

/**
 * Puts a message in the 110 outbox, in the caller's transaction: it is sent if and only if the
 * caller's decision commits. Idempotent by (incident, revision, kind): a repeat is a no-op and
 * says so. Due at once; the delivery worker is woken by the commit (the incident bus), not by
 * its poll.
 *
 * @example const r = await enqueueUplink(trx, await buildNotify(trx, input)); // r.enqueued
 */
export async function enqueueUplink(trx: Transaction<Database>, message: UplinkMessage): Promise<EnqueueResult> {
  const inserted = await trx
    .insertInto('uplink_outbox')
    .values(outboxRow(message))
    .onConflict((oc) => oc.columns(['incident_id', 'revision', 'kind']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { enqueued: true, outboxId: inserted.id };
  const existing = await trx
    .selectFrom('uplink_outbox')
    .select(['id', 'status'])
    .where('incident_id', '=', message.incidentId)
    .where('revision', '=', message.revision)
    .where('kind', '=', message.kind)
    .executeTakeFirstOrThrow();
  return { enqueued: false, outboxId: existing.id, status: existing.status };
}

/** enqueueUplink for many messages in one insert (the engine's forwards of one batch); a repeat of a key is a no-op, as there. */
export async function enqueueUplinks(trx: Transaction<Database>, messages: readonly UplinkMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await trx
    .insertInto('uplink_outbox')
    .values(messages.map(outboxRow))
    .onConflict((oc) => oc.columns(['incident_id', 'revision', 'kind']).doNothing())
    .execute();
}

/** Due at once. */
function outboxRow(message: UplinkMessage) {
  const at = new Date(message.at);
  return { incident_id: message.incidentId, revision: message.revision, kind: message.kind, payload: JSON.stringify(message.payload), created_at: at, next_attempt_at: at };
}
