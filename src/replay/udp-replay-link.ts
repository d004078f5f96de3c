import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { settleOnce, type Exchange, type Expect, type ReplayLink } from './replay-link.js';
import { dc09ReplyKind } from './replay-reply.js';

/**
 * One UDP socket for one original peer (arc sees one source port per panel, as it did), one
 * datagram per frame. The socket is connected, so an ICMP port-unreachable comes back as an
 * error: a dead target is reported, not mistaken for a silent one.
 */
export class UdpReplayLink implements ReplayLink {
  #socket: Socket | null = null;
  #onMessage: ((msg: Buffer) => void) | null = null;
  #onError: ((err: Error) => void) | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  async exchange(bytes: Buffer, expect: Expect): Promise<Exchange> {
    const socket = this.#socket ?? (await this.#open());
    if (typeof socket === 'string') return { sent: false, reason: socket };
    return new Promise<Exchange>((resolve) => {
      const settle = settleOnce<Exchange>(resolve, this.timeoutMs, () => ({ sent: true, reply: 'none' }));
      this.#onMessage = (msg) => settle({ sent: true, reply: dc09ReplyKind(msg) });
      this.#onError = (err) => settle({ sent: false, reason: (err as NodeJS.ErrnoException).code ?? err.message });
      socket.send(bytes, (err) => {
        if (err) settle({ sent: false, reason: (err as NodeJS.ErrnoException).code ?? err.message });
        else if (expect !== 'reply') settle({ sent: true, reply: 'none' });
      });
    }).finally(() => {
      this.#onMessage = null;
      this.#onError = null;
    });
  }

  #open(): Promise<Socket | string> {
    return new Promise((resolve) => {
      const socket = createSocket(isIP(this.host) === 6 ? 'udp6' : 'udp4');
      socket.on('message', (msg: Buffer) => this.#onMessage?.(msg));
      socket.on('error', (err) => this.#onError?.(err));
      socket.connect(this.port, this.host, (err?: Error) => {
        if (err) {
          socket.close();
          resolve(`${(err as NodeJS.ErrnoException).code ?? err.message} connecting to ${this.host}:${this.port}`);
          return;
        }
        this.#socket = socket;
        resolve(socket);
      });
    });
  }

  close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = null;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}
