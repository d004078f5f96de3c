import { connect, type Socket } from 'node:net';
import { Dc09StreamFramer } from '../protocols/dc09/dc09-stream-framer.js';
import type { PanelLink, PanelLinkEvents } from './panel-link.js';

/**
 * One persistent TCP connection, as an IP panel keeps. When the receiver closes it (or it never
 * opens), the panel hears of it through onDisconnect and the next send opens a new one: a
 * restarted receiver thus gets its panels back without the simulator having to poll.
 */
export class TcpPanelLink implements PanelLink {
  private socket: Socket | null = null;
  private closed = false;
  /** Connections that ended while the panel was running (refused ones included). */
  disconnects = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly events: PanelLinkEvents,
  ) {}

  send(frame: Buffer): void {
    if (this.closed) return;
    // net buffers writes made while connecting and flushes them once connected.
    (this.socket ?? this.open()).write(frame);
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    const framer = new Dc09StreamFramer();
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket) return;
      // Garbage between replies is passed over: the panel waits for a reply it can read.
      for (const item of framer.push(chunk)) if (item.kind === 'frame') this.events.onReply(item.bytes);
    });
    // 'close' always follows 'error'; the error itself (refused, reset) needs no other handling.
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closed) return;
      this.disconnects++;
      this.events.onDisconnect();
    });
    return socket;
  }

  close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    this.socket = null;
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }
}
