import { sql, type Transaction } from 'kysely';
import { appendAudits, lockAuditChain } from '../audit/append-audit.js';
import type { Database } from '../store/database-schema.js';
import type { IncidentAction, NewAction } from './incident-action.js';
import { INCIDENT_CHANNEL, type CommittedActions } from './incident-bus.js';
import { evolve, foldIncident, type IncidentHeader, type IncidentState } from './incident-state.js';
import { incidentAction, incidentAudit, upsertQueueRows } from './incident-store.js';

/** The incident an action went to: a new one's `id` is null until the batch is written. */
export interface IncidentRef {
  readonly id: string | null;
}

/**
 * The incident changes one journal batch makes, decided in memory and written in a handful of
 * statements whatever the batch's size: a storm of alarms costs round trips per batch, not per
 * alarm. Incidents are keyed by account while deciding; new ones have no id until `write`.
 */
export class IncidentBatch {
  readonly #open = new Map<string, IncidentState | undefined>();
  /** Incidents loaded by id (loadIncidents), as appended to so far. */
  readonly #byId = new Map<string, IncidentState>();
  #retired = 0;
  readonly #changes = new Map<string, { header: Omit<IncidentHeader, 'id'> & { id: string | null }; before: IncidentState | undefined; actions: NewAction[] }>();
  #written: Omit<CommittedActions, 'receivedAt'> | undefined;

  /** Locks and loads the open incidents of `accounts` (one statement, in account order); held to commit. */
  async load(trx: Transaction<Database>, accounts: readonly string[]): Promise<void> {
    const wanted = accounts.filter((a) => !this.#open.has(a));
    if (wanted.length === 0) return;
    for (const account of wanted) this.#open.set(account, undefined);
    // The one order every multi-incident lock takes (account, then id; loadIncidents's too), all
    // before the first action (which takes the audit chain's lock). Locking them one by one
    // between appends would hold the audit lock while waiting for an incident that another
    // writer holds while it waits for the audit lock: a deadlock, which PostgreSQL breaks only
    // after a second (deadlock_timeout), rolling one of the two back.
    const rows = await trx.selectFrom('incident_queue').select(['account', 'state']).where('account', 'in', wanted).where('status', '=', 'open').orderBy('account').orderBy('incident_id').forUpdate().execute();
    for (const row of rows) this.#open.set(row.account, row.state as IncidentState);
  }

  /**
   * Locks and loads incidents by id, open or closed (one statement, in the one lock order), for
   * `appendTo`: a worker recording on many incidents at once (the uplink's escalations) so
   * writes them in one round of statements, holding their locks for that long only, instead of
   * one append after another while the incidents consumer waits for them.
   */
  async loadIncidents(trx: Transaction<Database>, ids: readonly string[]): Promise<ReadonlyMap<string, IncidentState>> {
    const wanted = [...new Set(ids)].filter((id) => !this.#byId.has(id));
    if (wanted.length > 0) {
      const rows = await trx.selectFrom('incident_queue').select('state').where('incident_id', 'in', wanted).orderBy('account').orderBy('incident_id').forUpdate().execute();
      for (const row of rows) {
        const state = row.state as IncidentState;
        this.#byId.set(state.id, state);
        if (state.status === 'open' && !this.#open.has(state.account)) this.#open.set(state.account, state);
      }
    }
    return this.#byId;
  }

  /** Actions on an incident loaded by `loadIncidents`, whether or not it is its account's open one. */
  appendTo(incidentId: string, actions: NewAction[]): void {
    const before = this.#byId.get(incidentId);
    if (!before) throw new Error(`incident ${incidentId} is not loaded: loadIncidents first`);
    if (this.#open.get(before.account)?.id === incidentId) {
      this.append(before.account, actions);
    } else {
      const key = `incident:${incidentId}`;
      const change = this.#changes.get(key) ?? { header: { ...before }, before, actions: [] };
      change.actions.push(...actions);
      this.#changes.set(key, change);
    }
    this.#byId.set(incidentId, actions.reduce(evolve, before));
  }

  /** The account's open incident as decided so far in this batch (load it first). */
  openIncident(account: string): IncidentState | undefined {
    return this.#open.get(account);
  }

  /** A new incident for the account, with its `opened` action first. Its id is known once written. */
  open(header: Omit<IncidentHeader, 'id'>, actions: NewAction[]): IncidentRef {
    const state = foldIncident({ ...header, id: '' }, actions);
    const change = { header: { ...header, id: null }, before: undefined, actions: [...actions] };
    this.#changes.set(header.account, change);
    this.#open.set(header.account, state.status === 'open' ? state : undefined);
    if (state.status !== 'open') this.#retire(header.account);
    return change.header;
  }

  /** Actions on the account's open incident. */
  append(account: string, actions: NewAction[]): IncidentRef {
    const before = this.#open.get(account);
    if (!before) throw new Error(`account ${account} has no open incident to append to`);
    const change = this.#changes.get(account) ?? { header: { ...before }, before, actions: [] };
    change.actions.push(...actions);
    this.#changes.set(account, change);
    const state = actions.reduce(evolve, before);
    this.#open.set(account, state.status === 'open' ? state : undefined);
    if (state.status !== 'open') this.#retire(account);
    return change.header;
  }

  /**
   * A closed incident is done with: its change moves aside under a key of its own, so that a
   * later alarm of the same account in this batch opens a new one.
   */
  #retire(account: string): void {
    const change = this.#changes.get(account);
    if (!change) return;
    this.#changes.delete(account);
    this.#changes.set(`${account}#closed-${++this.#retired}`, change);
  }

  /**
   * Draws the ids of the incidents this batch opens (one statement), before anything is
   * written: the verification engine then decides on them in memory, in the same batch, and
   * one write records both. A new incident's state and ref carry the id from here on.
   */
  async assignIds(trx: Transaction<Database>): Promise<void> {
    const opening = [...this.#changes.values()].filter((c) => c.header.id === null);
    if (opening.length === 0) return;
    const { rows } = await sql<{ id: string }>`select nextval(pg_get_serial_sequence('incident', 'id'))::text as id from generate_series(1, ${opening.length})`.execute(trx);
    opening.forEach((change, i) => {
      const id = rows[i]!.id;
      change.header.id = id;
      const open = this.#open.get(change.header.account);
      // The account's open incident is this one (unless it closed within the batch: then it is not open).
      if (open !== undefined && open.id === '' && open.openingSeq === change.header.openingSeq) this.#open.set(change.header.account, { ...open, id });
    });
  }

  /** What `write` wrote, for the live views once it has committed (see CommittedActions); undefined when it wrote nothing. */
  written(): Omit<CommittedActions, 'receivedAt'> | undefined {
    return this.#written;
  }

  /**
   * Writes everything: new incident headers, every action (one insert), each touched queue row
   * (one upsert), one audit row per action (one chained insert) and one NOTIFY. Resolves to the
   * last action id, or null when the batch changed nothing.
   */
  async write(trx: Transaction<Database>): Promise<string | null> {
    const changes = [...this.#changes.values()].filter((c) => c.actions.length > 0);
    if (changes.length === 0) return null;
    // Before the first action id is drawn: see lockAuditChain (the live feed reads by id).
    await lockAuditChain(trx);
    const opening = changes.filter((c) => c.before === undefined);
    if (opening.length > 0) {
      await this.assignIds(trx);
      // One insert for every new incident, under the ids drawn for them.
      await trx
        .insertInto('incident')
        .values(opening.map(({ header }) => ({ id: header.id!, account: header.account, customer_id: header.customerId, opened_at: new Date(header.openedAt), opening_seq: header.openingSeq })))
        .execute();
    }
    const pending = changes.flatMap((c) => c.actions.map((action) => ({ action, incidentId: c.header.id! })));
    const stored: IncidentAction[] = [];
    for (let i = 0; i < pending.length; i += 1_000) {
      const chunk = pending.slice(i, i + 1_000);
      const rows = await trx
        .insertInto('incident_action')
        .values(chunk.map(({ action, incidentId }) => ({ incident_id: incidentId, at: new Date(action.at), actor: action.actor, kind: action.kind, detail: JSON.stringify(action.detail), journal_seq: action.journalSeq })))
        .returningAll()
        .execute();
      // Ids are drawn in VALUES order: sorted, they line up with the chunk.
      stored.push(...rows.map(incidentAction).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)));
    }
    const states: IncidentState[] = [];
    let offset = 0;
    for (const change of changes) {
      const saved = stored.slice(offset, offset + change.actions.length);
      offset += change.actions.length;
      const header = { ...change.header, id: change.header.id! };
      states.push(change.before ? saved.reduce(evolve, change.before) : foldIncident(header, saved));
    }
    await upsertQueueRows(trx, states);
    await appendAudits(trx, stored.map(incidentAudit));
    const last = stored[stored.length - 1]!.id;
    await sql`select pg_notify(${INCIDENT_CHANNEL}, ${last})`.execute(trx);
    // Everything committed so far has a smaller id than this batch's first, and nothing can
    // commit among them until this one has (the lock): the batch is the whole of (after, last].
    // (An id below its first may belong to a rolled-back writer: no action has it.)
    const after = String(BigInt(stored[0]!.id) - 1n);
    this.#written = { after, actions: stored, states: new Map(states.map((s) => [s.id, s])) };
    return last;
  }
}
