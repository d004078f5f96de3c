/** One frame the receiver ACKed, as the journal should then hold it. */
export interface AckedFrame {
  account: string;
  seq: number;
  token: string;
  /** The data block as sent (decrypted form when encrypted). */
  data: string;
}

/** What happened, counted as the panels go. */
export interface SimCounters {
  /** Distinct frames started (first attempts); every one ends acked or failed. */
  sent: number;
  acked: number;
  /** NAK replies received (each one leads to a re-send or to giving up). */
  naked: number;
  /** DUH replies received: the receiver will never take that frame, so the panel gives up on it. */
  duhed: number;
  /** Re-sends, after a NAK, a timeout or a lost connection. */
  retried: number;
  /** Frames given up: out of retries, or DUH. */
  failed: number;
  /** Attempts that got no answer within the ACK timeout. */
  timeouts: number;
  /** Frames the schedule called for that a panel could not start in time, still waiting for an earlier ACK. */
  unsent: number;
  /** TCP connections lost or refused while the run went on. */
  disconnects: number;
  /** Replies that did not decode, or answered a frame no longer waiting (a late ACK of an earlier seq). */
  badReplies: number;
}

export interface SimReport extends SimCounters {
  proto: 'tcp' | 'udp';
  target: string;
  panels: number;
  rate: number;
  durationS: number;
  encrypted: boolean;
  /** Wall time from the first frame to the last answer, seconds. */
  elapsedS: number;
  /** ACK latency of the attempt that was ACKed, ms; null when nothing was ACKed. */
  latencyMs: { p50: number; p99: number; max: number } | null;
  /** Every frame sent was ACKed (and at least one was sent): the CLI's exit code 0. */
  ok: boolean;
  /** Only with `recordAcks`. */
  ackedFrames?: AckedFrame[];
}

export function emptyCounters(): SimCounters {
  return { sent: 0, acked: 0, naked: 0, duhed: 0, retried: 0, failed: 0, timeouts: 0, unsent: 0, disconnects: 0, badReplies: 0 };
}

/** Nearest-rank percentiles, rounded to 0.01 ms. */
export function latencySummary(samples: number[]): SimReport['latencyMs'] {
  if (samples.length === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { p50: round(rank(0.5)), p99: round(rank(0.99)), max: round(sorted[sorted.length - 1]!) };
}

/** The CLI's text form: one `name value` line each, the latency last. */
export function formatSimReport(r: SimReport): string {
  const rows: [string, string | number][] = [
    ['panels', `${r.panels} (${r.proto}${r.encrypted ? ', encrypted' : ''}) -> ${r.target}`],
    ['rate', `${r.rate}/s for ${r.durationS} s (took ${r.elapsedS} s)`],
    ['sent', r.sent],
    ['acked', r.acked],
    ['naked', r.naked],
    ['duhed', r.duhed],
    ['retried', r.retried],
    ['failed', r.failed],
    ['timeouts', r.timeouts],
    ['unsent', r.unsent],
    ['disconnects', r.disconnects],
    ['bad replies', r.badReplies],
    ['ACK latency', r.latencyMs ? `p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms` : 'none (nothing ACKed)'],
    ['result', r.ok ? 'every frame ACKed' : 'NOT every frame ACKed'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}
