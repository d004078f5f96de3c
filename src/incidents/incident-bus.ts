import { EventEmitter } from 'node:events';
import type { IncidentAction } from './incident-action.js';
import type { IncidentState } from './incident-state.js';

/**
 * Everything one transaction of this process committed to the incidents, complete: every
 * committed action with an id in (after, last action's id], in id order, and each touched
 * incident's state after them. Complete because every writer draws action ids under the audit
 * chain's lock (lockAuditChain): no other action can commit inside the range. Live views on this
 * node push it without reading back what was just written.
 */
export interface CommittedActions {
  /** The last action id committed before these ('0' when none). */
  after: string;
  /** In id order; never empty. */
  actions: readonly IncidentAction[];
  /** By incident id: the incidents' states after the transaction. */
  states: ReadonlyMap<string, IncidentState>;
  /** When arc received the signal behind an action (epoch ms), by journal seq. */
  receivedAt: ReadonlyMap<string, number>;
}

/**
 * "Incident actions are committed, up to id N": all the bus says, as the journal's bus does for
 * signals. Live views (the console's WebSocket) then read the feed after their last id, so a
 * missed wake-up costs latency, never an action. On PostgreSQL, pg-incident-listener.ts feeds it
 * every node's commits too. A writer of this process may say what it committed, in full.
 */
export class IncidentBus {
  readonly #events = new EventEmitter().setMaxListeners(0);

  /** Says actions up to `actionId` are committed; `committed`: exactly what this commit wrote. */
  published(actionId: string, committed?: CommittedActions): void {
    this.#events.emit('published', actionId, committed);
  }

  /** Calls `listener` on every commit, in the order listeners were added; returns the function that stops it. */
  onPublished(listener: (actionId: string, committed?: CommittedActions) => void): () => void {
    this.#events.on('published', listener);
    return () => this.#events.off('published', listener);
  }
}

/** The NOTIFY channel incident actions are announced on (payload: the last action id). */
export const INCIDENT_CHANNEL = 'arc_incident';
