import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { PanelLink, PanelLinkEvents } from './panel-link.js';

/**
 * One UDP socket per panel, so the receiver sees one source port per panel as with real ones.
 * One datagram is one frame both ways. Lost datagrams and ICMP errors surface as ACK timeouts,
 * which is what a UDP panel experiences too.
 */
export class UdpPanelLink implements PanelLink {
  private readonly socket: Socket;
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    events: PanelLinkEvents,
  ) {
    this.socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    this.socket.on('message', (msg: Buffer, rinfo) => {
      // Only the receiver's answers; anything else arriving at this port is not for the panel.
      if (rinfo.port === this.port) events.onReply(msg);
    });
    this.socket.on('error', () => {});
  }

  send(frame: Buffer): void {
    if (this.closed) return;
    this.socket.send(frame, this.port, this.host, () => {});
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
