import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../observability/logger.js';
import { countReception, type ReceiverMetrics } from '../receiver-metrics.js';
import { handleDc09Frame, type Dc09HandlerDeps } from './dc09-frame-handler.js';
import { Dc09StreamFramer, type FramerItem } from '../../protocols/dc09/dc09-stream-framer.js';
import { refusedBytes } from './refused-bytes.js';
import { TokenBucket } from './token-bucket.js';

export interface Dc09TcpOptions {
  maxConnections: number;
  idleTimeoutMs: number;
  /** Frames a second per connection (burst: twice that). */
  peerRate: number;
  /** Frames read but not yet answered, per connection, before reading pauses. */
  maxQueued?: number;
}

export interface Dc09ListenerDeps extends Dc09HandlerDeps {
  metrics: ReceiverMetrics;
  logger: Logger;
}

/** Garbage one connection may send, in all, before it is cut: a panel sends frames. */
const GARBAGE_LIMIT_BYTES = 64 * 1024;

/**
 * DC-09 over TCP: a panel keeps its connection open and sends frame after frame. Each
 * connection is handled in order (answers go back in the order the frames came), and apart from
 * the others: one peer's flood, garbage or stall never delays another's signals.
 */
export function createDc09TcpServer(options: Dc09TcpOptions, deps: Dc09ListenerDeps): Server {
  const { metrics, logger } = deps;
  const open = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    if (open.size >= options.maxConnections) {
      metrics.rejectedPeers.inc({ transport: 'tcp', reason: 'max_connections' });
      logger.warn({ peer: peerOf(socket), limit: options.maxConnections }, 'DC-09 connection refused: too many connections');
      socket.destroy();
      return;
    }
    open.add(socket);
    metrics.connections.inc({ transport: 'tcp' });
    socket.once('close', () => {
      open.delete(socket);
      metrics.connections.dec({ transport: 'tcp' });
    });
    serveConnection(socket, options, deps);
  });
  // Closing the server also ends the panels' connections: a stopped receiver must not hold them.
  const close = server.close.bind(server);
  server.close = (callback) => {
    for (const socket of open) socket.destroy();
    return close(callback);
  };
  return server;
}

function serveConnection(socket: Socket, options: Dc09TcpOptions, deps: Dc09ListenerDeps): void {
  const { metrics, logger } = deps;
  const peer = peerOf(socket);
  const framer = new Dc09StreamFramer();
  const bucket = new TokenBucket(options.peerRate, options.peerRate * 2, deps.now());
  const maxQueued = options.maxQueued ?? 64;
  let queued = 0;
  let garbageBytes = 0;
  let chain: Promise<void> = Promise.resolve();

  const cut = (reason: string, detail: object = {}) => {
    metrics.rejectedPeers.inc({ transport: 'tcp', reason });
    logger.warn({ peer, reason, ...detail }, 'DC-09 connection cut');
    socket.destroy();
  };
  // Our own timer, not socket.setTimeout (which any byte resets): only a whole frame resets it,
  // so a peer trickling a byte at a time is as idle as a silent one.
  const idle = setTimeout(() => cut('idle_timeout', { timeoutMs: options.idleTimeoutMs }), options.idleTimeoutMs);
  idle.unref();
  socket.once('close', () => clearTimeout(idle));
  socket.on('error', (err) => logger.debug({ peer, err }, 'DC-09 connection error'));

  const handle = async (item: FramerItem): Promise<void> => {
    if (socket.destroyed) return;
    if (item.kind !== 'frame') {
      await refusedBytes(item, { transport: 'tcp', peer }, deps);
      return;
    }
    const wait = bucket.take(deps.now());
    if (wait > 0) {
      metrics.rejectedPeers.inc({ transport: 'tcp', reason: 'rate_limited' });
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const started = performance.now();
    try {
      const { reply, reception } = await handleDc09Frame(item.bytes, { transport: 'tcp', peer }, deps);
      countReception(metrics, reception);
      if (reply && !socket.destroyed) socket.write(reply);
      metrics.ackLatency.observe({ transport: 'tcp' }, (performance.now() - started) / 1000);
    } catch (err) {
      // Not durable, so not answered: the panel sends it again.
      logger.error({ peer, err }, 'DC-09 frame not journaled; no answer sent');
    }
  };

  socket.on('data', (chunk: Buffer) => {
    for (const item of framer.push(chunk)) {
      if (item.kind === 'frame') idle.refresh();
      if (item.kind === 'garbage') garbageBytes += item.length;
      queued++;
      chain = chain.then(() => handle(item)).finally(() => {
        queued--;
        if (queued < maxQueued && socket.isPaused() && !socket.destroyed) socket.resume();
      });
      if (item.kind === 'oversized') {
        void chain.then(() => cut('oversized', { declared: item.declared }));
        return;
      }
    }
    if (garbageBytes > GARBAGE_LIMIT_BYTES) {
      void chain.then(() => cut('garbage', { bytes: garbageBytes }));
      socket.pause();
      return;
    }
    // Back-pressure: a peer that sends faster than arc answers is read no faster than that.
    if (queued >= maxQueued) socket.pause();
  });
}

function peerOf(socket: Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}
