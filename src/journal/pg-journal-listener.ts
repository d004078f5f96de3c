import pg from 'pg';
import { JOURNAL_CHANNEL, type JournalBus } from './journal-bus.js';

export interface JournalListener {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const RETRY_MS = 1_000;

/**
 * Feeds the bus with every node's commits, by LISTEN on PostgreSQL: the other node's receivers
 * write to the same journal, and this node's consumers should not wait for a poll to see them.
 * A dedicated connection (a pooled one would drop the LISTEN); reconnects after a drop, since a
 * missed notification only delays, the consumers' poll catches up.
 */
export function listenForJournalCommits(databaseUrl: string, bus: JournalBus, onError: (err: Error) => void): JournalListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let listening: () => void = () => {};
  const ready = new Promise<void>((resolve) => (listening = resolve));

  const connect = async () => {
    const c = new pg.Client({ connectionString: databaseUrl });
    client = c;
    c.on('notification', (n) => {
      if (n.channel === JOURNAL_CHANNEL && n.payload) bus.committed(n.payload);
    });
    c.on('error', (err) => {
      onError(err);
      reconnect(c);
    });
    try {
      await c.connect();
      await c.query(`listen ${JOURNAL_CHANNEL}`);
      listening();
    } catch (err) {
      onError(err as Error);
      reconnect(c);
    }
  };
  const reconnect = (c: pg.Client) => {
    void c.end().catch(() => undefined);
    if (closed || client !== c) return;
    client = undefined;
    retry = setTimeout(() => void connect(), RETRY_MS);
    retry.unref();
  };

  void connect();
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
