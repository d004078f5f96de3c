import pg from 'pg';

export interface NotificationListener {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const RETRY_MS = 1_000;

/**
 * Calls `onNotification(payload)` for every NOTIFY on `channel`, from any node. A dedicated
 * connection (a pooled one would drop the LISTEN), reconnected after a drop: every use of it in
 * arc is a wake-up with a poll or a re-read behind it, so a notification missed while
 * reconnecting costs latency, never data.
 *
 * @example listenForNotifications(url, 'arc_journal', (seq) => bus.committed(seq), (err) => log.warn({ err }))
 */
export function listenForNotifications(databaseUrl: string, channel: string, onNotification: (payload: string) => void, onError: (err: Error) => void): NotificationListener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let listening: () => void = () => {};
  const ready = new Promise<void>((resolve) => (listening = resolve));

  const connect = async () => {
    const c = new pg.Client({ connectionString: databaseUrl });
    client = c;
    c.on('notification', (n) => {
      if (n.channel === channel) onNotification(n.payload ?? '');
    });
    c.on('error', (err) => {
      onError(err);
      reconnect(c);
    });
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
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
