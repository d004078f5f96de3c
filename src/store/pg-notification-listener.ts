import pg from 'pg';

export interface NotificationListener {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const RETRY_MS = 1_000;
/**
 * While the database stays unreachable, one failure in this many is reported (with its count):
 * each node holds several listeners retrying every second, and an outage otherwise logs a line
 * per listener per second, burying what else the log says.
 */
const REPORT_EVERY = 30;

export interface ListenOptions {
  /** Between reconnection attempts (default 1 s). */
  retryMs?: number;
}

/**
 * Calls `onNotification(payload)` for every NOTIFY on `channel`, from any node. A dedicated
 * connection (a pooled one would drop the LISTEN), reconnected after a drop: every use of it in
 * arc is a wake-up with a poll or a re-read behind it, so a notification missed while
 * reconnecting costs latency, never data.
 *
 * `onError` hears the first failure of a run of them, then one in REPORT_EVERY, with how many
 * attempts in a row have failed; a LISTEN in place ends the run.
 *
 * @example listenForNotifications(url, 'arc_journal', (seq) => bus.committed(seq), (err, failures) => log.warn({ err, failures }))
 */
export function listenForNotifications(
  databaseUrl: string,
  channel: string,
  onNotification: (payload: string) => void,
  onError: (err: Error, failures: number) => void,
  options: ListenOptions = {},
): NotificationListener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  const retryMs = options.retryMs ?? RETRY_MS;
  let failures = 0;
  const failed = (err: Error) => {
    failures += 1;
    if (failures === 1 || failures % REPORT_EVERY === 0) onError(err, failures);
  };
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
      failed(err);
      reconnect(c);
    });
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
      failures = 0;
      listening();
    } catch (err) {
      failed(err as Error);
      reconnect(c);
    }
  };
  const reconnect = (c: pg.Client) => {
    void c.end().catch(() => undefined);
    if (closed || client !== c) return;
    client = undefined;
    retry = setTimeout(() => void connect(), retryMs);
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
