import { EventEmitter } from 'node:events';

/**
 * "These guards' orders changed (committed)": what this node's guard channels hear from the
 * dispatch service after its own commits. Orders changed in another's transaction (an
 * operator's dispatch command, the verification engine) reach them through the incident bus,
 * every order change being an incident action too, and a poll catches whatever both miss.
 */
export class DispatchBus {
  readonly #events = new EventEmitter().setMaxListeners(0);

  changed(guardIds: Iterable<string>): void {
    const ids = [...new Set(guardIds)];
    if (ids.length > 0) this.#events.emit('changed', ids);
  }

  /** Calls `listener` with the guard ids of each commit; returns the function that stops it. */
  onChanged(listener: (guardIds: readonly string[]) => void): () => void {
    this.#events.on('changed', listener);
    return () => this.#events.off('changed', listener);
  }
}
