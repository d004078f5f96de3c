import { EventEmitter } from 'node:events';

/**
 * "Incident actions are committed, up to id N": all the bus says, as the journal's bus does for
 * signals. Live views (the console's WebSocket) then read the feed after their last id, so a
 * missed wake-up costs latency, never an action. On PostgreSQL, pg-incident-listener.ts feeds it
 * every node's commits too.
 */
export class IncidentBus {
  readonly #events = new EventEmitter().setMaxListeners(0);

  /** Says actions up to `actionId` are committed. */
  published(actionId: string): void {
    this.#events.emit('published', actionId);
  }

  /** Calls `listener` on every commit; returns the function that stops it. */
  onPublished(listener: (actionId: string) => void): () => void {
    this.#events.on('published', listener);
    return () => this.#events.off('published', listener);
  }
}

/** The NOTIFY channel incident actions are announced on (payload: the last action id). */
export const INCIDENT_CHANNEL = 'arc_incident';
