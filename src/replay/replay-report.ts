import type { Transport } from '../journal/reception.js';

/** What a replay did, frame by frame counted. */
export interface ReplayReport {
  /** True when every frame that was to be sent was sent (answers aside: NAKs are arc's verdict). */
  ok: boolean;
  target: string;
  speed: number | 'max';
  /** Frames in the recording. */
  frames: number;
  /** Original peers, each replayed on its own connection or socket. */
  peers: number;
  sent: number;
  sentByTransport: Record<Transport, number>;
  acked: number;
  naked: number;
  duhed: number;
  /** An answer that is none of ACK, NAK, DUH. */
  otherReplies: number;
  /** A frame was sent, an answer expected, and none came within the timeout (or the connection closed). */
  unanswered: number;
  /** Bytes sent that were not a DC-09 frame on TCP (garbage, a cut header): arc answers none. */
  noAnswerExpected: number;
  /** Could not be sent: connection refused, timed out, write failed. */
  failed: number;
  /** Serial frames with no --serial device to write them to. */
  skippedSerial: number;
  /** Not sent because the replay was interrupted. */
  unsent: number;
  /** DC-09 frames sent with a new timestamp (--restamp). */
  restamped: number;
  /** Encrypted frames --restamp could not re-stamp: no --key for their account. */
  restampNoKey: number;
  /**
   * Encrypted frames sent with their recorded timestamp, outside arc's window (+20/-40 s) by the
   * time they were sent: arc NAKs these (TIMESTAMP_OUT_OF_WINDOW) whatever the frame was.
   */
  staleEncrypted: number;
  /** Of the NAKs, those of stale encrypted frames. */
  nakedStale: number;
  durationMs: number;
}

export function emptyReport(target: string, speed: number | 'max', frames: number, peers: number): ReplayReport {
  return {
    ok: false,
    target,
    speed,
    frames,
    peers,
    sent: 0,
    sentByTransport: { tcp: 0, udp: 0, serial: 0 },
    acked: 0,
    naked: 0,
    duhed: 0,
    otherReplies: 0,
    unanswered: 0,
    noAnswerExpected: 0,
    failed: 0,
    skippedSerial: 0,
    unsent: 0,
    restamped: 0,
    restampNoKey: 0,
    staleEncrypted: 0,
    nakedStale: 0,
    durationMs: 0,
  };
}

/** The report as a few lines for a terminal. */
export function formatReplayReport(r: ReplayReport): string {
  const lines = [
    `replayed ${r.frames} frames from ${r.peers} peers to ${r.target} at speed ${r.speed} in ${(r.durationMs / 1000).toFixed(1)} s`,
    `sent        ${r.sent} (tcp ${r.sentByTransport.tcp}, udp ${r.sentByTransport.udp}, serial ${r.sentByTransport.serial})`,
    `acked       ${r.acked}`,
    `naked       ${r.naked}${r.nakedStale > 0 ? ` (${r.nakedStale} of them encrypted frames with their recorded timestamp, outside arc's window: replay with --restamp --key ACCOUNT=KEY)` : ''}`,
    `duhed       ${r.duhed}`,
    `unanswered  ${r.unanswered}`,
  ];
  if (r.otherReplies > 0) lines.push(`other       ${r.otherReplies} (answers that are not ACK, NAK or DUH)`);
  if (r.noAnswerExpected > 0) lines.push(`no answer expected  ${r.noAnswerExpected} (bytes that are not a DC-09 frame: arc journals them as refused and answers none)`);
  if (r.failed > 0) lines.push(`failed      ${r.failed} (could not be sent)`);
  if (r.skippedSerial > 0) lines.push(`skipped     ${r.skippedSerial} serial frames (no --serial DEVICE given)`);
  if (r.unsent > 0) lines.push(`unsent      ${r.unsent} (interrupted)`);
  if (r.restamped > 0 || r.restampNoKey > 0) lines.push(`restamped   ${r.restamped}${r.restampNoKey > 0 ? ` (${r.restampNoKey} encrypted frames had no --key: sent as recorded)` : ''}`);
  if (r.staleEncrypted > 0) lines.push(`stale       ${r.staleEncrypted} encrypted frames sent with a timestamp outside arc's window (expect NAK)`);
  return `${lines.join('\n')}\n`;
}
