import type { Dc09Header } from './dc09-frame.js';
import { encodeDc09 } from './encode-dc09.js';

/**
 * The receiver's answers (DC-09 §5.5.2). An ACK echoes seq, R, L and account exactly as
 * received, R left out when the panel sent none; to an encrypted message it is an encrypted
 * `*ACK` with pad and timestamp. The NAK carries the receiver's time so the panel can correct its
 * clock, and is never encrypted. DUH answers what arc cannot process.
 */
export function encodeDc09Ack(
  request: Dc09Header,
  options: { now: number; key?: Uint8Array; random?: (n: number) => Uint8Array },
): Buffer {
  const echo = { token: 'ACK', seq: request.seq, receiver: request.receiver, prefix: request.prefix, account: request.account };
  if (request.encrypted) {
    if (!options.key) throw new TypeError('encodeDc09Ack: an encrypted request is answered with its account key');
    return encodeDc09({ ...echo, timestamp: options.now }, { key: options.key, random: options.random, crcFormat: request.crcFormat });
  }
  return encodeDc09(echo, { crcFormat: request.crcFormat });
}

/**
 * `"NAK"0000R0L0A0[]_<receiver time>`: the form ioBroker.sia sends and dc09_spt accepts
 * (protocols.md §2.2). Sent on a timestamp-window failure and for frames arc cannot trust.
 */
export function encodeDc09Nak(options: { now: number; crcFormat?: Dc09Header['crcFormat'] }): Buffer {
  return encodeDc09({ token: 'NAK', seq: 0, receiver: '0', prefix: '0A0', timestamp: options.now }, { crcFormat: options.crcFormat });
}

export function encodeDc09Duh(request: Dc09Header): Buffer {
  return encodeDc09(
    { token: 'DUH', seq: request.seq, receiver: request.receiver, prefix: request.prefix, account: request.account },
    { crcFormat: request.crcFormat },
  );
}
