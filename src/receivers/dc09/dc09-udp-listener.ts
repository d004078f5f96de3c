import { createSocket, type Socket } from 'node:dgram';
import { countReception, type ReceiverMetrics } from '../receiver-metrics.js';
import { handleDc09Frame } from './dc09-frame-handler.js';
import { DC09_FRAME_CAP_BYTES } from '../../protocols/dc09/dc09-stream-framer.js';
import { refusedBytes } from './refused-bytes.js';
import type { Dc09ListenerDeps } from './dc09-tcp-listener.js';
import { TokenBucket } from './token-bucket.js';

/** Peers remembered for rate limiting; the oldest are forgotten past this (a spoofed flood). */
const MAX_TRACKED_PEERS = 100_000;

/**
 * DC-09 over UDP: one datagram, one frame, one answer to its sender. There is no back-pressure
 * on UDP, so a peer over its rate has its datagrams dropped unanswered (counted): the panel
 * retries, which is what it does for any lost datagram.
 */
export function createDc09UdpSocket(options: { peerRate: number; type: 'udp4' | 'udp6' }, deps: Dc09ListenerDeps): Socket {
  const { metrics, logger } = deps;
  const socket = createSocket({ type: options.type, reuseAddr: false });
  const buckets = new Map<string, TokenBucket>();
  socket.on('message', (datagram, rinfo) => {
    const peer = `${rinfo.address}:${rinfo.port}`;
    let bucket = buckets.get(peer);
    if (!bucket) {
      if (buckets.size >= MAX_TRACKED_PEERS) buckets.delete(buckets.keys().next().value!);
      bucket = new TokenBucket(options.peerRate, options.peerRate * 2, deps.now());
      buckets.set(peer, bucket);
    }
    if (bucket.take(deps.now()) > 0) {
      metrics.rejectedPeers.inc({ transport: 'udp', reason: 'rate_limited' });
      return;
    }
    void handleDatagram(socket, datagram, rinfo, peer, deps, metrics);
  });
  socket.on('error', (err) => logger.error({ err }, 'DC-09 UDP socket error'));
  return socket;
}

async function handleDatagram(socket: Socket, datagram: Buffer, rinfo: { address: string; port: number }, peer: string, deps: Dc09ListenerDeps, metrics: ReceiverMetrics): Promise<void> {
  if (datagram.length > DC09_FRAME_CAP_BYTES) {
    metrics.rejectedPeers.inc({ transport: 'udp', reason: 'oversized' });
    await refusedBytes({ kind: 'oversized', bytes: datagram.subarray(0, 64), declared: datagram.length }, { transport: 'udp', peer }, deps);
    return;
  }
  const started = performance.now();
  try {
    const { reply, reception } = await handleDc09Frame(datagram, { transport: 'udp', peer }, deps);
    countReception(metrics, reception);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
    metrics.ackLatency.observe({ transport: 'udp' }, (performance.now() - started) / 1000);
  } catch (err) {
    deps.logger.error({ peer, err }, 'DC-09 datagram not journaled; no answer sent');
  }
}
