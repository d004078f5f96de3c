import type { ReplyKind } from './replay-reply.js';

/**
 * What a frame should get back: an answer; nothing (garbage: arc journals it and answers none);
 * or the connection closed (an oversized header: arc journals it and cuts the connection).
 */
export type Expect = 'reply' | 'nothing' | 'close';

/** How one frame's exchange ended. */
export type Exchange =
  /** Sent; `reply` is what came back, `none` when nothing did (in time, or before the link closed). */
  | { sent: true; reply: ReplyKind | 'none' }
  /** Not sent: the connection or device refused it. */
  | { sent: false; reason: string };

/** One original peer's way to the target: its own TCP connection, UDP socket, or the serial device. */
export interface ReplayLink {
  /** Sends one frame and waits for its answer (when one is expected) up to the reply timeout. */
  exchange(bytes: Buffer, expect: Expect): Promise<Exchange>;
  close(): Promise<void>;
}

/** Resolves `resolve` with the first of: a call of the returned settle, or `timeoutMs`. */
export function settleOnce<T>(resolve: (value: T) => void, timeoutMs: number, onTimeout: () => T): (value: T) => void {
  let done = false;
  const timer = setTimeout(() => settle(onTimeout()), timeoutMs);
  function settle(value: T): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    resolve(value);
  }
  return settle;
}
