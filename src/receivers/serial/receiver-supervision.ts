/**
 * Whether a serial receiver is heard. A receiver writes a heartbeat when idle (Sur-Gard every
 * 30 s by default), so silence longer than the configured interval means the receiver, its
 * cable or its automation output is down: an operator must know, since its panels' alarms
 * would then go nowhere. Pure: time comes in as arguments, and the caller owns the timer.
 */
export type ReceiverStatus = 'up' | 'silent' | 'disconnected';

export interface StatusChange {
  status: ReceiverStatus;
  at: number;
  reason: string;
}

export class ReceiverSupervision {
  readonly #silenceMs: number;
  /** 'pending': the port is open and nothing was heard yet (not reported: nothing changed). */
  #status: ReceiverStatus | 'pending' = 'pending';
  #since = 0;

  constructor(silenceMs: number) {
    this.#silenceMs = silenceMs;
  }

  get status(): ReceiverStatus | 'pending' {
    return this.#status;
  }

  /** The port (re)opened: the receiver gets a full interval to speak before it is called silent. */
  opened(now: number): void {
    this.#since = now;
  }

  /** A record decoded: the receiver is alive. */
  heard(now: number): StatusChange | null {
    this.#since = now;
    return this.#become('up', now, 'heard');
  }

  /** Called by a timer: silence past the interval makes an open, heard or pending receiver silent. */
  check(now: number): StatusChange | null {
    if (this.#status === 'silent' || this.#status === 'disconnected') return null;
    if (now - this.#since <= this.#silenceMs) return null;
    return this.#become('silent', now, `nothing heard for ${Math.round((now - this.#since) / 1000)} s`);
  }

  /** The port failed or closed under us. */
  lost(now: number, reason: string): StatusChange | null {
    return this.#become('disconnected', now, reason);
  }

  #become(status: ReceiverStatus, at: number, reason: string): StatusChange | null {
    if (this.#status === status) return null;
    this.#status = status;
    return { status, at, reason };
  }
}
