import { SerialPort } from 'serialport';
import { settleOnce, type Exchange, type Expect, type ReplayLink } from './replay-link.js';
import { isWholeSerialReply, serialReplyKind } from './replay-reply.js';
import { ReplayError } from './replay-error.js';

/**
 * The serial device replay writes to, playing the phone-line receiver: e.g. one end of a socat
 * pty pair whose other end an arc serial receiver reads. One record at a time, each waiting for
 * arc's answer (the receiver does the same).
 */
export class SerialReplayLink implements ReplayLink {
  #got: number[] = [];
  #onData: (() => void) | null = null;

  private constructor(
    private readonly port: SerialPort,
    private readonly timeoutMs: number,
  ) {
    port.on('data', (chunk: Buffer) => {
      this.#got.push(...chunk);
      this.#onData?.();
    });
    port.on('error', () => {}); // a write then fails, and is counted
  }

  /** Opens the device; rejects with ReplayError SERIAL_UNAVAILABLE when it cannot. */
  static async open(path: string, baudRate: number, timeoutMs: number): Promise<SerialReplayLink> {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      throw new ReplayError('SERIAL_UNAVAILABLE', `cannot open the serial device ${path}: ${(err as Error).message}`);
    }
    return new SerialReplayLink(port, timeoutMs);
  }

  exchange(bytes: Buffer, expect: Expect): Promise<Exchange> {
    this.#got = [];
    return new Promise<Exchange>((resolve) => {
      const settle = settleOnce<Exchange>(resolve, this.timeoutMs, () => ({ sent: true, reply: this.#got.length > 0 ? serialReplyKind(Buffer.from(this.#got)) : 'none' }));
      this.#onData = () => {
        if (isWholeSerialReply(Buffer.from(this.#got))) settle({ sent: true, reply: serialReplyKind(Buffer.from(this.#got)) });
      };
      this.port.write(bytes, (err) => {
        if (err) settle({ sent: false, reason: err.message });
        else if (expect !== 'reply') settle({ sent: true, reply: 'none' });
      });
    }).finally(() => {
      this.#onData = null;
    });
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}
