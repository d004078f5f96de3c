import type { WebSocket } from 'ws';

/**
 * Keeps a server-side WebSocket honest: every `intervalMs` a protocol ping, and `onTick` (the
 * channel's own `ping` message, a look at its feed); a peer that did not answer the previous
 * ping (a phone that lost its network, a laptop asleep) is terminated, so that its session and
 * subscriptions end instead of waiting for TCP to notice. Returns the stop, for the close.
 */
export function keepSocketAlive(socket: WebSocket, intervalMs: number, onTick: () => void): () => void {
  let alive = true;
  const onPong = () => (alive = true);
  socket.on('pong', onPong);
  const timer = setInterval(() => {
    if (!alive) return socket.terminate();
    alive = false;
    socket.ping();
    onTick();
  }, intervalMs);
  return () => {
    clearInterval(timer);
    socket.off('pong', onPong);
  };
}
