import { pageMessage, type LivePage, type PageFormat } from './live-feed-reader.js';

/** What a live session needs of its WebSocket (the `ws` server socket has all of it). */
export interface LiveSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string | Buffer, options: { binary: false }): void;
  close(code: number, reason: string): void;
}

/** Close codes the console reads (4000-4999 are the application's, RFC 6455 §7.4.2). */
export const LIVE_CLOSE = {
  /** The client did not read fast enough; it reconnects with `since` and loses nothing. */
  SLOW_CLIENT: 4008,
  /** The feed could not be read (database down); the client reconnects with `since`. */
  FEED_UNAVAILABLE: 1011,
} as const;

export interface LiveSessionOptions {
  read: (since: string, limit: number) => Promise<LivePage>;
  /** How pages are worded (see PageFormat): what the client asked for. */
  format: PageFormat;
  /** Actions read per query. */
  pageSize: number;
  /** A socket with more than this many bytes not yet written to the network is closed (SLOW_CLIENT). */
  maxBufferedBytes: number;
  /**
   * Before each read, a socket holding more than half the cap gets this long to drain below it,
   * else it is closed (SLOW_CLIENT): a catch-up goes at the client's pace, a client that stops
   * reading is let go.
   */
  drainTimeoutMs: number;
  /** Told of every live push (not the catch-up) of an action that comes from a received signal. */
  onPushed: (receivedAt: number) => void;
  onError: (err: unknown) => void;
}

const OPEN = 1;
const DRAIN_POLL_MS = 25;

/**
 * One console connection's feed: sends every action after `since` once, in id order. Wake-ups
 * (the incident bus, the keep-alive tick) only trigger a read of the feed after the last id
 * sent, so a missed wake-up delays an action and never loses it, and two wake-ups never send it
 * twice: one read runs at a time, and a wake-up during a read makes it read again.
 */
export class LiveSession {
  readonly #socket: LiveSocket;
  readonly #options: LiveSessionOptions;
  #last: string;
  #reading = false;
  #again = false;
  #live = false;

  constructor(socket: LiveSocket, since: string, options: LiveSessionOptions) {
    this.#socket = socket;
    this.#last = since;
    this.#options = options;
  }

  /** The id of the last action sent: where this client would resume. */
  get last(): string {
    return this.#last;
  }

  /** Sends the catch-up (every action after `since`), then `caught_up`; later reads are live pushes. */
  async start(): Promise<void> {
    await this.#pump();
    if (this.#isOpen()) {
      this.#send({ type: 'caught_up', seq: this.#last });
      this.#live = true;
    }
  }

  /** Actions up to `actionId` are committed (undefined: perhaps some are; look). */
  wake(actionId?: string): void {
    // Called from the bus, inside the committer's call: it must never throw there.
    if (actionId !== undefined && /^[0-9]{1,19}$/.test(actionId) && BigInt(actionId) <= BigInt(this.#last)) return;
    void this.#pump();
  }

  /** Sends a control message (hello, ping) unless the socket is closed or too far behind. */
  sendControl(message: object): void {
    if (this.#isOpen()) this.#send(message);
  }

  async #pump(): Promise<void> {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    try {
      do {
        this.#again = false;
        let full = true;
        while (full && (await this.#drained())) {
          const page = await this.#options.read(this.#last, this.#options.pageSize);
          if (page.actions.length === 0) break;
          if (!this.#isOpen() || !this.#send(pageMessage(page, this.#options.format))) return;
          this.#last = page.actions[page.actions.length - 1]!.seq;
          if (this.#live) {
            for (const [, receivedAt] of page.receivedAt) this.#options.onPushed(receivedAt);
          }
          full = page.actions.length === this.#options.pageSize;
        }
      } while (this.#again && this.#isOpen());
    } catch (err) {
      this.#options.onError(err);
      if (this.#isOpen()) this.#socket.close(LIVE_CLOSE.FEED_UNAVAILABLE, 'feed unavailable: reconnect with since');
    } finally {
      this.#reading = false;
    }
  }

  /** Whether the socket is open and (within the drain timeout) below half the cap; closes it if not. */
  async #drained(): Promise<boolean> {
    const lowWater = this.#options.maxBufferedBytes / 2;
    const deadline = Date.now() + this.#options.drainTimeoutMs;
    while (this.#isOpen() && this.#socket.bufferedAmount > lowWater) {
      if (Date.now() >= deadline) {
        this.#socket.close(LIVE_CLOSE.SLOW_CLIENT, 'slow client: reconnect with since');
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
    return this.#isOpen();
  }

  #isOpen(): boolean {
    return this.#socket.readyState === OPEN;
  }

  /** False (and the socket closing) when the client is too far behind to send it more. */
  #send(message: Buffer | object): boolean {
    if (this.#socket.bufferedAmount > this.#options.maxBufferedBytes) {
      this.#socket.close(LIVE_CLOSE.SLOW_CLIENT, 'slow client: reconnect with since');
      return false;
    }
    this.#socket.send(Buffer.isBuffer(message) ? message : JSON.stringify(message), { binary: false });
    return true;
  }
}
