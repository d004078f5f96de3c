import { createHash } from 'node:crypto';

/**
 * De-duplication keys. The same signal arrives twice when a panel retransmits (our ACK was lost)
 * or reports over both paths to both nodes: it must be one signal for consumers, while each
 * reception stays on record. A key names what the sender meant, not how it was carried: no
 * transport, node or ciphertext (the pad is random on every retransmission).
 */

/** DC-09: the account, the panel's sequence number, the token and the plain body. */
export function dc09DedupKey(frame: { prefix: string | null; account: string | null; token: string; seq: number; data: string; extended: string[]; timestamp: string | null }): string {
  const body = `${frame.data}]${frame.extended.join(']')}_${frame.timestamp ?? ''}`;
  return `dc09:${frame.prefix ?? ''}:${frame.account ?? ''}:${frame.token}:${frame.seq}:${digest(body)}`;
}

/**
 * A receiver retransmits a record it had no ACK for within 4 s, up to three or four times: a
 * copy inside this span is that; a copy after it is the panel reporting again.
 */
export const RECEIVER_RETRANSMIT_WINDOW_MS = 30_000;

/** A phone-line receiver's record: retransmitted byte for byte when our ACK did not arrive in time. */
export function receiverRecordDedupKey(receiver: string, recordText: string): string {
  return `serial:${receiver}:${digest(recordText)}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'latin1').digest('base64url').slice(0, 22);
}
