import type { Kysely } from 'kysely';
import { actionView, incidentView, type ActionView, type IncidentView } from '../incidents/incident-schemas.js';
import type { CommittedActions } from '../incidents/incident-bus.js';
import type { IncidentState } from '../incidents/incident-state.js';
import { incidentAction } from '../incidents/incident-store.js';
import type { Database } from '../store/database-schema.js';

/** One incident action as the live console receives it (in a page: see `pageMessage`). */
export interface LiveAction {
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
    actions.push({ seq: row.id, incident, action: actionView(incidentAction(row)) });
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

/** One read of the feed: actions after `since`, at most `limit`. */
export type ReadLiveActions = (since: string, limit: number) => Promise<LivePage>;

/** The feed as every console of this server reads it: see `sharedLiveReader`. */
export interface SharedLiveReader {
  read: ReadLiveActions;
  /**
   * Every commit the bus tells of (this node's and, on PostgreSQL, the others'), with what it
   * wrote when this process wrote it: reads inside the newest such commit are served from memory.
   */
  published(actionId: string, committed?: CommittedActions): void;
}

/**
 * The feed shared by every console of this server. Consoles that are caught up all ask for the
 * same page when a commit wakes them: one read (and one message, encoded once: see `pageMessage`)
 * then serves them all, however many are connected. A commit this process
 * made itself (the incidents consumer's batch) is served from memory, without reading back what
 * it just wrote: in an alarm storm that read was a second round of queries per batch between
 * the commit and the consoles. Only the newest commit the bus has told of is served so: a page
 * shorter than asked means "nothing after it", which memory can say only of the newest. Anything
 * else (another writer's commit, a console further behind) is read from the database.
 */
export function sharedLiveReader(readFeed: ReadLiveActions): SharedLiveReader {
  const inFlight = new Map<string, Promise<LivePage>>();
  let remembered: RememberedCommit | undefined;
  let newest = 0n;
  return {
    published(actionId, committed) {
      if (/^[0-9]{1,19}$/.test(actionId) && BigInt(actionId) > newest) newest = BigInt(actionId);
      if (committed && committed.actions.length > 0) remembered = new RememberedCommit(committed);
    },
    read(since, limit) {
      const from = BigInt(since);
      if (remembered?.covers(from) && remembered.last >= newest) return Promise.resolve(remembered.page(from, limit));
      const key = `${since}:${limit}`;
      const running = inFlight.get(key);
      if (running) return running;
      const read = readFeed(since, limit).finally(() => inFlight.delete(key));
      inFlight.set(key, read);
      return read;
    },
  };
}

/** One remembered commit as live actions, built once for every console that reads it. */
class RememberedCommit {
  readonly #after: bigint;
  /** The id of its last action. */
  readonly last: bigint;
  readonly #ids: bigint[];
  readonly #actions: LiveAction[];
  readonly #receivedAt = new Map<string, number>();
  readonly #pages = new Map<string, LivePage>();

  constructor(committed: CommittedActions) {
    this.#after = BigInt(committed.after);
    this.#ids = committed.actions.map((a) => BigInt(a.id));
    this.last = this.#ids[this.#ids.length - 1]!;
    const views = new Map<string, IncidentView>();
    this.#actions = committed.actions.map((a) => {
      let incident = views.get(a.incidentId);
      if (incident === undefined) {
        const state = committed.states.get(a.incidentId);
        if (state === undefined) throw new Error(`committed actions of incident ${a.incidentId} without its state`);
        incident = incidentView(state);
        views.set(a.incidentId, incident);
      }
      const at = a.journalSeq === null ? undefined : committed.receivedAt.get(a.journalSeq);
      if (at !== undefined) this.#receivedAt.set(a.id, at);
      return { seq: a.id, incident, action: actionView(a) };
    });
  }

  /** Whether every action after `since` up to this commit's last is in it. */
  covers(since: bigint): boolean {
    return this.#after <= since && since < this.last;
  }

  /** The actions after `since`, at most `limit`: one object per position, shared by every console that asks. */
  page(since: bigint, limit: number): LivePage {
    const key = `${since}:${limit}`;
    let page = this.#pages.get(key);
    if (page === undefined) {
      let first = 0;
      while (this.#ids[first]! <= since) first++;
      const actions = this.#actions.slice(first, first + limit);
      const receivedAt = new Map<string, number>();
      for (const a of actions) {
        const at = this.#receivedAt.get(a.seq);
        if (at !== undefined) receivedAt.set(a.seq, at);
      }
      page = { actions, receivedAt };
      this.#pages.set(key, page);
    }
    return page;
  }
}

/**
 * How a page is worded on the WebSocket. `rows_once` (the console asks for it with `v=2`): each
 * incident's queue row once, in `incidents`, and each action as `{seq, action}`. `row_per_action`
 * (no `v`): each action as `{seq, incident, action}`, for a console page loaded before the change
 * (duty-room tabs stay open for days, and such a page reads a page without its rows as nothing).
 */
export type PageFormat = 'rows_once' | 'row_per_action';

const encodedPages: Record<PageFormat, WeakMap<LivePage, Buffer>> = { rows_once: new WeakMap(), row_per_action: new WeakMap() };

/**
 * A page as one WebSocket text message, `{type:'actions', …}` in `format`, encoded once however
 * many consoles it goes to. One message per page rather than one per action: at 1,000 alarms/s
 * to 20 consoles, a frame per action was 40,000 frames a second, each encoded again for every
 * socket in its `writev` (the largest item of arc's CPU profile in the console bench). Each row
 * once (`rows_once`) rather than with every action: the row (~0.7 KB) was three quarters of the
 * bytes, an alarm brings two or more actions on one incident, and a storm's page touches each
 * incident many times.
 */
export function pageMessage(page: LivePage, format: PageFormat): Buffer {
  const cache = encodedPages[format];
  let encoded = cache.get(page);
  if (encoded === undefined) {
    encoded = Buffer.from(JSON.stringify(format === 'rows_once' ? rowsOnce(page) : { type: 'actions', actions: page.actions }));
    cache.set(page, encoded);
  }
  return encoded;
}

function rowsOnce(page: LivePage): object {
  const incidents = new Map<string, IncidentView>();
  const actions = page.actions.map(({ seq, incident, action }) => {
    incidents.set(action.incidentId, incident);
    return { seq, action };
  });
  return { type: 'actions', incidents: [...incidents.values()], actions };
}
