import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { WebSocket, WebSocketServer } from 'ws';
import { keepSocketAlive } from '../../src/console/socket-keep-alive.js';

const INTERVAL_MS = 40;

/** A server whose every connection is kept alive, counting the channel's own ticks. */
async function server(t: Test) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  t.teardown(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  const ticks: number[] = [];
  wss.on('connection', (socket) => {
    const index = ticks.push(0) - 1;
    const stop = keepSocketAlive(socket, INTERVAL_MS, () => ticks[index]!++);
    socket.on('close', stop);
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, ticks };
}

t.test('a peer that answers pings stays connected and the channel ticks', async (t) => {
  const { url, ticks } = await server(t);
  const client = new WebSocket(url);
  await once(client, 'open');
  let closed = false;
  client.on('close', () => (closed = true));
  await new Promise((r) => setTimeout(r, INTERVAL_MS * 6));
  t.notOk(closed, 'still open');
  t.ok(ticks[0]! >= 3, `ticked ${ticks[0]} times`);
  client.close();
});

t.test('a peer that stops answering pings is terminated at the next tick', async (t) => {
  const { url, ticks } = await server(t);
  // A phone that lost its network: its socket is open, nothing comes back.
  const client = new WebSocket(url, { autoPong: false });
  await once(client, 'open');
  const [code] = (await once(client, 'close')) as [number];
  t.equal(code, 1006, 'cut without a closing handshake');
  t.equal(ticks[0], 1, 'one unanswered ping, then cut');
});
