import { connect, type Socket } from 'node:net';
import { Dc09StreamFramer } from '../protocols/dc09/dc09-stream-framer.js';
import { settleOnce, type Exchange, type Expect, type ReplayLink } from './replay-link.js';
import { dc09ReplyKind } from './replay-reply.js';

/**
 * One TCP connection for one original peer, as the panel kept one: its frames go out in order on
 * it. When arc closes it (an oversized header, too much garbage), the next frame opens a new one.
 */
export class TcpReplayLink implements ReplayLink {
  #socket: Socket | null = null;
  #replies: Buffer[] = [];
  #onReply: (() => void) | null = null;
  #onClose: (() => void) | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  async exchange(bytes: Buffer, expect: Expect): Promise<Exchange> {
    const socket = this.#socket ?? (await this.#open());
    if (typeof socket === 'string') return { sent: false, reason: socket };
    // A late answer to an earlier frame (after its timeout) is not this frame's answer.
    this.#replies = [];
    const written = new Promise<string | null>((resolve) => socket.write(bytes, (err) => resolve(err ? err.message : null)));
    if (expect === 'nothing') {
      const err = await written;
      return err === null ? { sent: true, reply: 'none' } : { sent: false, reason: err };
    }
    return new Promise<Exchange>((resolve) => {
      const settle = settleOnce<Exchange>(resolve, this.timeoutMs, () => ({ sent: true, reply: 'none' }));
      this.#onReply = () => {
        const reply = this.#replies.shift();
        if (reply && expect === 'reply') settle({ sent: true, reply: dc09ReplyKind(reply) });
      };
      this.#onClose = () => settle({ sent: true, reply: 'none' });
      void written.then((err) => {
        if (err !== null) settle({ sent: false, reason: err });
      });
    }).finally(() => {
      this.#onReply = null;
      this.#onClose = null;
    });
  }

  #open(): Promise<Socket | string> {
    return new Promise((resolve) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      const framer = new Dc09StreamFramer();
      const fail = (reason: string) => {
        socket.destroy();
        resolve(reason);
      };
      socket.setTimeout(this.timeoutMs, () => fail(`no connection to ${this.host}:${this.port} within ${this.timeoutMs} ms`));
      socket.once('error', (err: NodeJS.ErrnoException) => fail(`${err.code ?? err.message} connecting to ${this.host}:${this.port}`));
      socket.once('connect', () => {
        socket.setTimeout(0);
        socket.removeAllListeners('error');
        socket.on('error', () => {}); // 'close' follows and is what matters
        socket.on('data', (chunk: Buffer) => {
          for (const item of framer.push(chunk)) if (item.kind === 'frame') this.#replies.push(item.bytes);
          this.#onReply?.();
        });
        socket.on('close', () => {
          if (this.#socket === socket) this.#socket = null;
          this.#onClose?.();
        });
        this.#socket = socket;
        resolve(socket);
      });
    });
  }

  close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = null;
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      // A peer that does not finish the close is not waited for.
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }
}
