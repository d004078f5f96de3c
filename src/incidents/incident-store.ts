import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import { appendAudit, lockAuditChain, type AuditEntry } from '../audit/append-audit.js';
import type { Database } from '../store/database-schema.js';
import type { IncidentAction, NewAction } from './incident-action.js';
import { INCIDENT_CHANNEL } from './incident-bus.js';
import { priorityRank } from './incident-priority.js';
import { evolve, foldIncident, type IncidentHeader, type IncidentState } from './incident-state.js';
import type { IncidentActionTable, IncidentQueueTable } from './incident-tables.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface LoadedIncident {
  state: IncidentState;
  actions: IncidentAction[];
}

export function incidentAction(row: Selectable<IncidentActionTable>): IncidentAction {
  return {
    id: row.id,
    incidentId: row.incident_id,
    at: row.at.getTime(),
    actor: row.actor,
    kind: row.kind,
    detail: row.detail,
    journalSeq: row.journal_seq,
  } as IncidentAction; // kind and detail were written together from a NewAction
}

/** An incident from its header and actions (the queue row is not trusted for it). */
export async function loadIncident(db: Db, id: string): Promise<LoadedIncident | undefined> {
  const header = await db.selectFrom('incident').selectAll().where('id', '=', id).executeTakeFirst();
  if (header === undefined) return undefined;
  const rows = await db.selectFrom('incident_action').selectAll().where('incident_id', '=', id).orderBy('id').execute();
  const actions = rows.map(incidentAction);
  const h: IncidentHeader = { id: header.id, account: header.account, customerId: header.customer_id, openedAt: header.opened_at.getTime(), openingSeq: header.opening_seq };
  return { state: foldIncident(h, actions), actions };
}

/** An incident locked for the rest of the transaction, with its current state. */
export interface LockedIncident {
  state: IncidentState;
}

/**
 * Locks an incident for the rest of the transaction (its queue row) and reads its state from
 * that row: two commands on one incident take turns, each deciding on the other's result. The
 * row is what every append writes, in the same transaction, from the same fold; reading it costs
 * the same whatever the incident's length (an alarm storm gives an incident thousands of
 * actions, and folding them all for every command would make each one slower than the last).
 */
export async function lockIncident(trx: Transaction<Database>, id: string): Promise<LockedIncident | undefined> {
  const row = await trx.selectFrom('incident_queue').select('state').where('incident_id', '=', id).forUpdate().executeTakeFirst();
  return row === undefined ? undefined : { state: row.state as IncidentState };
}

/**
 * Appends actions to an incident, in order: each one stored, audited (one audit row per
 * transition, same transaction), folded into the state; then the queue row is written and a
 * NOTIFY on `arc_incident` (delivered at commit) carries the last action id. `before` is the
 * state they were decided on (undefined for a new incident).
 */
export async function appendActions(
  trx: Transaction<Database>,
  header: IncidentHeader,
  before: IncidentState | undefined,
  actions: NewAction[],
): Promise<{ state: IncidentState; stored: IncidentAction[] }> {
  const stored: IncidentAction[] = [];
  let state = before;
  // Before the first action id is drawn: see lockAuditChain (the live feed reads by id).
  if (actions.length > 0) await lockAuditChain(trx);
  for (const action of actions) {
    const row = await trx
      .insertInto('incident_action')
      .values({ incident_id: header.id, at: new Date(action.at), actor: action.actor, kind: action.kind, detail: JSON.stringify(action.detail), journal_seq: action.journalSeq })
      .returningAll()
      .executeTakeFirstOrThrow();
    const saved = incidentAction(row);
    stored.push(saved);
    state = state === undefined ? foldIncident(header, [saved]) : evolve(state, saved);
    await appendAudit(trx, incidentAudit(saved));
  }
  if (state === undefined) throw new Error(`incident ${header.id}: no actions to append`);
  await writeQueueRow(trx, state);
  // Delivered at commit, and not at all on rollback: wakes the consoles of every node.
  await sql`select pg_notify(${INCIDENT_CHANNEL}, ${state.lastActionId})`.execute(trx);
  return { state, stored };
}

/** The audit row of an incident transition: one per stored action. */
export function incidentAudit(action: IncidentAction): AuditEntry {
  return {
    actor: action.actor,
    action: `incident.${action.kind}`,
    subjectType: 'incident',
    subjectId: action.incidentId,
    detail: { actionId: action.id, journalSeq: action.journalSeq, ...action.detail },
    at: new Date(action.at),
  };
}

/** The queue row of an incident's state (the row is the state, with what the queue sorts and filters by). */
export function queueRow(state: IncidentState): Insertable<IncidentQueueTable> {
  return {
    incident_id: state.id,
    account: state.account,
    opened_at: new Date(state.openedAt),
    status: state.status,
    priority: state.priority,
    priority_rank: priorityRank(state.priority),
    owner_id: state.owner,
    forwarded_110: state.forwardedTo110,
    last_action_id: state.lastActionId!,
    state: JSON.stringify(state),
  };
}

async function writeQueueRow(trx: Transaction<Database>, state: IncidentState): Promise<void> {
  await upsertQueueRows(trx, [state]);
}

/** Writes the queue rows of these states (one statement; each incident at most once). */
export async function upsertQueueRows(trx: Transaction<Database>, states: readonly IncidentState[]): Promise<void> {
  await trx
    .insertInto('incident_queue')
    .values(states.map(queueRow))
    .onConflict((oc) =>
      oc.column('incident_id').doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        priority: eb.ref('excluded.priority'),
        priority_rank: eb.ref('excluded.priority_rank'),
        owner_id: eb.ref('excluded.owner_id'),
        forwarded_110: eb.ref('excluded.forwarded_110'),
        last_action_id: eb.ref('excluded.last_action_id'),
        state: eb.ref('excluded.state'),
      })),
    )
    .execute();
}

/**
 * Rewrites every queue row from the actions: the queue is derived, and this is the proof (and
 * the repair, should a bug ever have written a wrong row). Returns how many incidents it folded.
 */
export async function rebuildIncidentQueue(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ids = await trx.selectFrom('incident').select('id').orderBy('id').execute();
    for (const { id } of ids) {
      const loaded = await loadIncident(trx, id);
      if (loaded) await writeQueueRow(trx, loaded.state);
    }
    return ids.length;
  });
}
