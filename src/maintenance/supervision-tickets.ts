import { sql, type Kysely, type Transaction } from 'kysely';
import type { Fence } from '../journal/journal-consumer.js';
import type { Database } from '../store/database-schema.js';
import { SYSTEM_ACTOR } from './decide-ticket.js';
import { customerOf, noteRestore, openOrRecur } from './ticket-store.js';
import type { TicketPolicy } from './ticket-policy.js';
import { TROUBLE_LEVEL } from './trouble-kind.js';

/** Its row in `maintenance_cursor`. */
export const SUPERVISION_TICKETS = 'supervision-tickets';

/** The codes supervision's tickets carry (a panel's own trouble carries its event code). */
export const COMMUNICATION_FAIL = 'communication_fail';
export const RECEIVER_TROUBLE = 'receiver_trouble';

/** One ticket at a time per late account, and per receiver. */
export const accountKey = (account: string) => `${account}:supervision:${COMMUNICATION_FAIL}`;
export const receiverKey = (receiver: string) => `receiver:${receiver}`;

interface SupervisionRow {
  seq: string;
  subject_type: 'account' | 'receiver';
  subject: string;
  kind: string;
  at: Date;
  last_report_at: Date | null;
  detail: object | null;
}

/**
 * Starts the cursor at the log's head the first time: what supervision recorded before
 * maintenance ran is history, not work (an account late and restored last year needs no
 * ticket today). Returns the cursor.
 */
export async function initSupervisionCursor(db: Kysely<Database>): Promise<string> {
  await sql`insert into maintenance_cursor (consumer, seq) select ${SUPERVISION_TICKETS}, coalesce(max(seq), 0) from supervision_event on conflict (consumer) do nothing`.execute(db);
  const row = await db.selectFrom('maintenance_cursor').select('seq').where('consumer', '=', SUPERVISION_TICKETS).executeTakeFirstOrThrow();
  return String(row.seq);
}

/**
 * One step of the consumer of `supervision_event`: up to `batchSize` events past the cursor, each
 * acted on, and the cursor moved, in one transaction (the cursor row locked: two nodes take
 * turns, and a crash loses or repeats nothing). `late` opens a communication-fail ticket,
 * `restored` and `excluded` note its end; a receiver's `silent` / `disconnected` opens a
 * receiver-trouble ticket, `up` notes its end. Resolves to how many events it read.
 */
export async function consumeSupervisionEvents(db: Kysely<Database>, policy: TicketPolicy, options: { batchSize?: number; fence?: Fence | undefined } = {}): Promise<number> {
  const { batchSize = 200, fence } = options;
  await initSupervisionCursor(db);
  return db.transaction().execute(async (trx) => {
    await fence?.(trx);
    const { seq: cursor } = await trx.selectFrom('maintenance_cursor').select('seq').where('consumer', '=', SUPERVISION_TICKETS).forUpdate().executeTakeFirstOrThrow();
    const rows = (await trx
      .selectFrom('supervision_event')
      .select(['seq', 'subject_type', 'subject', 'kind', 'at', 'last_report_at', 'detail'])
      .where('seq', '>', String(cursor))
      .orderBy('seq')
      .limit(batchSize)
      .execute()) as SupervisionRow[];
    if (rows.length === 0) return 0;
    for (const row of rows) await act(trx, row, policy);
    await trx.updateTable('maintenance_cursor').set({ seq: rows.at(-1)!.seq, updated_at: sql<Date>`now()` }).where('consumer', '=', SUPERVISION_TICKETS).execute();
    return rows.length;
  });
}

async function act(trx: Transaction<Database>, row: SupervisionRow, policy: TicketPolicy): Promise<void> {
  const at = row.at.getTime();
  const since = row.last_report_at === null ? 'never reported' : `last report ${row.last_report_at.toISOString()}`;
  if (row.subject_type === 'account') {
    const key = accountKey(row.subject);
    if (row.kind === 'late') {
      const { customerId } = await customerOf(trx, row.subject);
      const description = `Communication fail (通信故障): account ${row.subject} did not report in time (${since})`;
      await openOrRecur(
        trx,
        { account: row.subject, customerId, receiver: null, source: 'supervision', dedupeKey: key, code: COMMUNICATION_FAIL, zone: null, description, level: TROUBLE_LEVEL.communication_fail, openedAt: at, openedBy: SYSTEM_ACTOR },
        at,
        policy,
      );
    } else if (row.kind === 'restored') {
      await noteRestore(trx, key, `account ${row.subject} reports again`, at, policy);
    } else if (row.kind === 'excluded') {
      await noteRestore(trx, key, `account ${row.subject} left supervision (suspended, on test or decommissioned)`, at, policy);
    }
    return;
  }
  const key = receiverKey(row.subject);
  const reason = row.detail !== null && 'reason' in row.detail && typeof row.detail.reason === 'string' ? `: ${row.detail.reason}` : '';
  if (row.kind === 'silent' || row.kind === 'disconnected') {
    const description = `Receiver trouble (接收机故障): receiver ${row.subject} is ${row.kind}${reason}`;
    await openOrRecur(
      trx,
      { account: null, customerId: null, receiver: row.subject, source: 'receiver', dedupeKey: key, code: RECEIVER_TROUBLE, zone: null, description, level: TROUBLE_LEVEL.receiver_trouble, openedAt: at, openedBy: SYSTEM_ACTOR },
      at,
      policy,
    );
  } else if (row.kind === 'up') {
    await noteRestore(trx, key, `receiver ${row.subject} is up again`, at, policy);
  }
}
