import { RECEIVER_RETRANSMIT_WINDOW_MS, receiverRecordDedupKey } from '../../journal/dedup-key.js';
import type { Outcome, Reception } from '../../journal/reception.js';
import type { Decoded } from '../../protocols/protocol-error.js';
import type { ReceiverMessage } from '../../protocols/receiver-output/index.js';
import { recordText } from '../../protocols/receiver-output/record-text.js';
import type { AccountDirectory } from '../account-directory.js';
import type { SerialFormat } from './serial-format.js';

/** Which port a record came in on: the reception names the receiver and its device. */
export interface SerialOrigin {
  name: string;
  path: string;
  format: SerialFormat;
}

/**
 * The journal's view of one record read from a serial receiver. Pure: the time comes in as
 * `receivedAt`. A heartbeat supervises the receiver (`receiver`); an event is a `signal` only
 * from an account arc knows, else `unregistered`; what did not decode is `refused`, raw bytes
 * kept with the error.
 */
export function serialReception(origin: SerialOrigin, raw: Buffer, receivedAt: number, decoded: Decoded<ReceiverMessage>, accounts: AccountDirectory): Reception {
  const base = { transport: 'serial' as const, receiver: origin.name, peer: origin.path, receivedAt, raw, format: origin.format };
  if (!decoded.ok) {
    return { ...base, account: null, outcome: 'refused', error: decoded.error, frame: null, events: [], dedupKey: null };
  }
  const { record, events } = decoded.value;
  const account = record.account ?? events[0]?.account ?? null;
  const outcome: Outcome =
    record.kind === 'heartbeat' ? 'receiver' :
    account !== null && accounts.find(account) !== undefined ? 'signal' : 'unregistered';
  // A receiver retransmits a record byte for byte when our ACK came late: the key is its text
  // without the framing (stray CR/LF and the terminator are not the receiver's meaning).
  const text = recordText(raw, origin.format);
  const dedupKey = receiverRecordDedupKey(origin.name, text.ok ? text.value : raw.toString('latin1'));
  return { ...base, account, outcome, error: null, frame: record, events, dedupKey, dedupWindowMs: RECEIVER_RETRANSMIT_WINDOW_MS };
}
