import type { AlarmEvent } from '../protocols/alarm-event.js';
import type { FrameFormat } from '../protocols/decode-frame.js';
import type { ProtocolError } from '../protocols/protocol-error.js';
import type { ReceiverError } from './receiver-error.js';

export type Transport = 'tcp' | 'udp' | 'serial';

/**
 * What became of a frame:
 * - `signal`: decoded, from an account arc knows: consumers process it;
 * - `unregistered`: decoded, from an account arc does not know: kept and shown to supervisors,
 *   never processed as a customer's alarm;
 * - `receiver`: a phone-line receiver's own heartbeat or status line (supervises the receiver);
 * - `refused`: not decoded, or not accepted (bad CRC, no key, plain frame from an
 *   encrypted-only account…): kept raw with its error.
 */
export type Outcome = 'signal' | 'unregistered' | 'receiver' | 'refused';

/** One frame as a receiver got it, and what decoding made of it: what the journal appends. */
export interface Reception {
  transport: Transport;
  /** The receiver that took it: `dc09` for the IP listener, a serial port's configured name. */
  receiver: string;
  /** `203.0.113.5:40211` for IP, the device path for serial. */
  peer: string;
  /** Epoch ms, by the receiving node's clock. */
  receivedAt: number;
  raw: Uint8Array;
  /** null when the bytes matched no format. */
  format: FrameFormat | null;
  /** The account as the frame named it, when it could be read. */
  account: string | null;
  outcome: Outcome;
  /** Why it was refused; null unless outcome is `refused`. */
  error: ProtocolError | ReceiverError | null;
  /** The decoded frame fields (DC-09 header, receiver record), without key material. */
  frame: object | null;
  events: AlarmEvent[];
  /**
   * The same signal received twice (a retransmission, or by both nodes) has the same key; null
   * for what must never be merged (refused frames). See dedup-key.ts.
   */
  dedupKey: string | null;
  /**
   * How far apart two receptions of this key may be to count as one signal, when it differs
   * from the journal's window: a phone-line receiver's record has no sequence number, so only a
   * retransmission's short span can safely be merged (two real alarms from one zone must not be).
   */
  dedupWindowMs?: number;
}

/** A reception once it is durable. */
export interface JournalEntry extends Reception {
  /** Monotonic over the whole journal; text, because int8 exceeds a JS number's safe range. */
  seq: string;
  nodeId: string;
  /** The seq of the first reception with the same dedupKey inside the window, else null. */
  duplicateOf: string | null;
}

/** A reception made durable in the node's local spool while the database cannot take it. */
export interface SpooledReception {
  spooled: true;
}

/**
 * Where receivers put what they receive. `append` resolves only once the reception is durable:
 * committed to the journal (group commit), or synced to the local spool while the database is
 * unreachable (src/journal/spool). A receiver ACKs the sender after, never before. It rejects when
 * the reception cannot be made durable; the receiver then does not ACK (the sender retries).
 */
export interface JournalWriter {
  append(reception: Reception): Promise<JournalEntry | SpooledReception>;
}
