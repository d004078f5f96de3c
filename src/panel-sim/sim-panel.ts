import { decodeDc09 } from '../protocols/dc09/decode-dc09.js';
import { encodeDc09 } from '../protocols/dc09/encode-dc09.js';
import type { PanelLink, PanelLinkEvents } from './panel-link.js';
import type { PanelMessage } from './panel-messages.js';
import type { AckedFrame, SimCounters } from './sim-report.js';

/** What the panels share: the run's settings, clocks and tallies. */
export interface PanelContext {
  readonly key: Buffer | null;
  readonly ackTimeoutMs: number;
  readonly retries: number;
  readonly counters: SimCounters;
  readonly latencies: number[];
  readonly ackedFrames: AckedFrame[] | null;
  /** Epoch ms: DC-09 timestamps and the window check of encrypted ACKs. */
  now(): number;
  /** Monotonic ms, for latency and nothing else. */
  monotonic(): number;
  random(n: number): Uint8Array;
  nextMessage(account: string): PanelMessage;
  /** True once the run stops starting frames; with `aborted`, also stops re-sending. */
  readonly stopping: boolean;
  readonly aborted: boolean;
  /** A panel finished a frame (ACKed or given up). */
  settled(): void;
}

/** The frame a panel waits on: one at a time, as DC-09 panels do. */
interface InFlight {
  seq: number;
  message: PanelMessage;
  /** Plain frames keep their first timestamp, so a re-send is byte for byte the same. */
  timestamp: number;
  attempt: number;
  sentAt: number;
  timer: NodeJS.Timeout | null;
}

/** Time between a lost connection and the re-send on a new one, so a refusing receiver is not hammered. */
const RECONNECT_DELAY_MS = 200;

/**
 * One simulated panel: account, sequence counter, its own link, one frame outstanding. A frame
 * ends ACKed, or failed after `retries` re-sends (NAK, timeout or lost connection each cost one)
 * or at once on DUH. Re-sends keep seq and content; an encrypted one is re-stamped with the
 * current time (and fresh pad), since a NAK usually means its timestamp fell out of the window.
 */
export class SimPanel implements PanelLinkEvents {
  /** Frames the schedule has called for that this panel has not started yet. */
  owed = 0;
  private seq = 0;
  private inFlight: InFlight | null = null;
  link: PanelLink | null = null;

  constructor(
    readonly account: string,
    private readonly ctx: PanelContext,
  ) {}

  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Starts the next owed frame when idle. */
  pump(): void {
    if (this.inFlight || this.owed === 0 || this.ctx.stopping) return;
    this.owed--;
    // DC-09 sequence numbers run 0001-9999 and wrap to 0001.
    this.seq = (this.seq % 9999) + 1;
    this.ctx.counters.sent++;
    this.inFlight = { seq: this.seq, message: this.ctx.nextMessage(this.account), timestamp: this.ctx.now(), attempt: 0, sentAt: 0, timer: null };
    this.transmit();
  }

  private transmit(): void {
    const f = this.inFlight!;
    const key = this.ctx.key;
    if (key) f.timestamp = this.ctx.now();
    const bytes = encodeDc09(
      { token: f.message.token, seq: f.seq, prefix: '0', account: this.account, data: f.message.data, timestamp: f.timestamp },
      key ? { key, random: (n) => this.ctx.random(n) } : {},
    );
    f.sentAt = this.ctx.monotonic();
    f.timer = setTimeout(() => this.onTimeout(), this.ctx.ackTimeoutMs);
    this.link!.send(bytes);
  }

  onReply(bytes: Buffer): void {
    const f = this.inFlight;
    const decoded = decodeDc09(bytes, { now: this.ctx.now(), keyFor: () => this.ctx.key ?? undefined });
    if (!f || !decoded.ok) {
      this.ctx.counters.badReplies++;
      return;
    }
    const reply = decoded.value.frame;
    // arc's NAK carries seq 0 and no account (it may answer a frame it could not read): with one
    // frame outstanding it can only be for that one. ACK and DUH echo seq and account.
    const forThis = reply.seq === f.seq && (reply.account === null || reply.account === this.account);
    switch (reply.token) {
      case 'ACK':
        if (!forThis) break;
        this.ctx.latencies.push(this.ctx.monotonic() - f.sentAt);
        this.ctx.counters.acked++;
        this.ctx.ackedFrames?.push({ account: this.account, seq: f.seq, token: f.message.token, data: f.message.data });
        this.finish();
        return;
      case 'NAK':
        this.ctx.counters.naked++;
        this.clearTimer(f);
        this.retryOrFail();
        return;
      case 'DUH':
        if (!forThis) break;
        this.ctx.counters.duhed++;
        this.ctx.counters.failed++;
        this.finish();
        return;
    }
    this.ctx.counters.badReplies++;
  }

  onDisconnect(): void {
    const f = this.inFlight;
    if (!f || f.timer === null) return;
    // The attempt went out on a connection that is gone: no answer will come on it.
    this.clearTimer(f);
    f.timer = setTimeout(() => {
      f.timer = null;
      this.retryOrFail();
    }, Math.min(RECONNECT_DELAY_MS, this.ctx.ackTimeoutMs));
  }

  private onTimeout(): void {
    this.inFlight!.timer = null;
    this.ctx.counters.timeouts++;
    this.retryOrFail();
  }

  private retryOrFail(): void {
    const f = this.inFlight!;
    if (f.attempt < this.ctx.retries && !this.ctx.aborted) {
      f.attempt++;
      this.ctx.counters.retried++;
      this.transmit();
    } else {
      this.ctx.counters.failed++;
      this.finish();
    }
  }

  private clearTimer(f: InFlight): void {
    if (f.timer) clearTimeout(f.timer);
    f.timer = null;
  }

  private finish(): void {
    this.clearTimer(this.inFlight!);
    this.inFlight = null;
    this.ctx.settled();
    this.pump();
  }
}
