import type { Kysely } from 'kysely';
import { actionView, incidentView, type ActionView, type IncidentView } from '../incidents/incident-schemas.js';
import type { IncidentState } from '../incidents/incident-state.js';
import { incidentAction } from '../incidents/incident-store.js';
import type { Database } from '../store/database-schema.js';

/** One incident action as the live console receives it. */
export interface LiveAction {
  type: 'action';
  /** The action id: the sequence a console resumes from (`since`). */
  seq: string;
  /**
   * The incident's queue row as read with the action: the state after it, or after a later
   * action when the read came late. The console keeps the row with the highest `lastActionId`.
   */
  incident: IncidentView;
  action: ActionView;
}

export interface LivePage {
  actions: LiveAction[];
  /** When arc received the signal behind each action (epoch ms), by action id; operators' actions have none. */
  receivedAt: Map<string, number>;
}

/**
 * Incident actions after `since`, in id order, at most `limit`, each with its incident's queue
 * row: the same rows as GET /api/incidents/feed, read directly.
 */
export async function readLiveActions(db: Kysely<Database>, since: string, limit: number): Promise<LivePage> {
  const rows = await db.selectFrom('incident_action').selectAll().where('id', '>', since).orderBy('id').limit(limit).execute();
  if (rows.length === 0) return { actions: [], receivedAt: new Map() };
  const incidentIds = [...new Set(rows.map((r) => r.incident_id))];
  const journalSeqs = [...new Set(rows.flatMap((r) => (r.journal_seq === null ? [] : [r.journal_seq])))];
  const [queue, journal] = await Promise.all([
    db.selectFrom('incident_queue').select(['incident_id', 'state']).where('incident_id', 'in', incidentIds).execute(),
    journalSeqs.length === 0 ? Promise.resolve([]) : db.selectFrom('journal').select(['seq', 'received_at']).where('seq', 'in', journalSeqs).execute(),
  ]);
  const states = new Map(queue.map((q) => [q.incident_id, incidentView(q.state as IncidentState)]));
  const received = new Map(journal.map((j) => [j.seq, j.received_at.getTime()]));
  const actions: LiveAction[] = [];
  const receivedAt = new Map<string, number>();
  for (const row of rows) {
    const incident = states.get(row.incident_id);
    // The queue row is written in the action's transaction: absent only if a bug lost it.
    if (incident === undefined) throw new Error(`incident ${row.incident_id} has actions but no queue row`);
    actions.push({ type: 'action', seq: row.id, incident, action: actionView(incidentAction(row)) });
    const at = row.journal_seq === null ? undefined : received.get(row.journal_seq);
    if (at !== undefined) receivedAt.set(row.id, at);
  }
  return { actions, receivedAt };
}

/** The id of the last committed action ('0' when there is none): where a fresh console starts. */
export async function lastActionId(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('incident_action').select((eb) => eb.fn.max('id').as('last')).executeTakeFirst();
  return row?.last == null ? '0' : String(row.last);
}

/**
 * `readLiveActions` shared by every console of this server: consoles that are caught up all ask
 * for the same page when a commit wakes them, and one read (and one set of objects, serialized
 * once: see `serializedAction`) then serves them all, however many consoles are connected.
 */
export function sharedLiveReader(db: Kysely<Database>): (since: string, limit: number) => Promise<LivePage> {
  const inFlight = new Map<string, Promise<LivePage>>();
  return (since, limit) => {
    const key = `${since}:${limit}`;
    const running = inFlight.get(key);
    if (running) return running;
    const read = readLiveActions(db, since, limit).finally(() => inFlight.delete(key));
    inFlight.set(key, read);
    return read;
  };
}

const serialized = new WeakMap<object, string>();

/** The JSON of a message, computed once per object however many sockets it goes to. */
export function serializedMessage(message: object): string {
  let text = serialized.get(message);
  if (text === undefined) {
    text = JSON.stringify(message);
    serialized.set(message, text);
  }
  return text;
}
