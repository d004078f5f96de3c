import { createServer } from 'node:net';
import t from 'tap';
import { listenForNotifications } from '../../src/store/pg-notification-listener.js';

/** A loopback port with nothing listening on it: every connection attempt is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

t.test('a database that stays unreachable is reported on the first failure and then one in thirty, with the count', async (t) => {
  const port = await closedPort();
  const reported: number[] = [];
  const listener = listenForNotifications(`postgres://arc@127.0.0.1:${port}/arc`, 'arc_test', () => undefined, (err, failures) => {
    t.match(err.message, /ECONNREFUSED|connect/);
    reported.push(failures);
  }, { retryMs: 5 });
  // Retrying every 5 ms: 60 failures come within a second.
  const started = Date.now();
  while (reported.at(-1) !== 60 && Date.now() - started < 20_000) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await listener.close();
  t.same(reported, [1, 30, 60], 'not one line per retry');
});

t.test('once listening again, the next outage is reported from its first failure', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL' }, async (t) => {
  const url = process.env.TEST_DATABASE_URL!;
  const reported: number[] = [];
  const heard: string[] = [];
  const listener = listenForNotifications(url, 'arc_listener_test', (payload) => heard.push(payload), (_err, failures) => reported.push(failures), { retryMs: 5 });
  await listener.ready;
  const pg = (await import('pg')).default;
  const notifier = new pg.Client({ connectionString: url });
  await notifier.connect();
  // Kill the listener's backend twice: each drop is a fresh run of failures, reported at its first.
  for (let round = 1; round <= 2; round++) {
    await notifier.query(`select pg_terminate_backend(pid) from pg_stat_activity where query = 'listen arc_listener_test' and pid <> pg_backend_pid()`);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      await notifier.query(`notify arc_listener_test, '${round}'`);
      if (heard.includes(String(round))) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await notifier.end();
  await listener.close();
  t.ok(heard.includes('1'), 'heard again after the first drop');
  t.ok(heard.includes('2'), 'and after the second');
  t.same(reported, [1, 1], 'each drop reported once, as the first of its run');
});
