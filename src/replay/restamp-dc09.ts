import { decodeDc09 } from '../protocols/dc09/decode-dc09.js';
import { encodeDc09 } from '../protocols/dc09/encode-dc09.js';

export type Restamped =
  | { kind: 'restamped'; bytes: Buffer }
  /** Nothing to re-stamp: no timestamp, not a DC-09 frame, or refused when it was recorded. */
  | { kind: 'unchanged' }
  /** An encrypted frame from an account `keys` has no key for: sent as recorded. */
  | { kind: 'no-key' };

export interface RestampInput {
  raw: Uint8Array;
  /** When arc received it (epoch ms): the clock its timestamp was checked against then. */
  recordedAt: number;
  /** When it is sent now (epoch ms). */
  sendAt: number;
  /** AES keys by account number (upper case). */
  keys: ReadonlyMap<string, Uint8Array>;
  /** Pad bytes for re-encryption. */
  random: (n: number) => Uint8Array;
}

/**
 * A DC-09 frame with its timestamp moved by the time since it was recorded, re-encrypted and
 * with a new CRC: what the panel would have sent now. The panel's clock skew is kept (the new
 * timestamp is the old one plus the elapsed time), so a frame arc refused for its timestamp
 * when recorded is refused again. Only a frame that decoded when it was recorded is re-stamped:
 * a broken one is replayed broken. Pure: the clock and the pad bytes come in.
 */
export function restampDc09(input: RestampInput): Restamped {
  const { raw, recordedAt, sendAt, keys, random } = input;
  let missingKey = false;
  const keyFor = (account: string | null) => {
    const key = account === null ? undefined : keys.get(account.toUpperCase());
    if (!key) missingKey = true;
    return key;
  };
  const decoded = decodeDc09(raw, { now: recordedAt, keyFor });
  if (!decoded.ok) return decoded.error.code === 'NO_KEY' && missingKey ? { kind: 'no-key' } : { kind: 'unchanged' };
  const { frame } = decoded.value;
  if (frame.timestamp === null) return { kind: 'unchanged' };
  const key = frame.encrypted ? keys.get((frame.account ?? '').toUpperCase()) : undefined;
  const bytes = encodeDc09(
    {
      token: frame.token,
      seq: frame.seq,
      receiver: frame.receiver,
      prefix: frame.prefix,
      account: frame.account,
      data: frame.data,
      extended: frame.extended,
      timestamp: Date.parse(frame.timestamp) + (sendAt - recordedAt),
    },
    { key, random, crcFormat: frame.crcFormat },
  );
  return { kind: 'restamped', bytes };
}
