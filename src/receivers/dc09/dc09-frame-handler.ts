import { randomBytes } from 'node:crypto';
import { dc09DedupKey } from '../../journal/dedup-key.js';
import type { JournalWriter, Outcome, Reception, Transport } from '../../journal/reception.js';
import type { ReceiverError } from '../../journal/receiver-error.js';
import { decodeDc09, readDc09Header } from '../../protocols/dc09/decode-dc09.js';
import type { Dc09Header } from '../../protocols/dc09/dc09-frame.js';
import { encodeDc09Ack, encodeDc09Duh, encodeDc09Nak } from '../../protocols/dc09/dc09-reply.js';
import type { ProtocolError } from '../../protocols/protocol-error.js';
import type { AccountDirectory } from '../account-directory.js';

export interface Dc09HandlerDeps {
  journal: JournalWriter;
  accounts: AccountDirectory;
  /** How a frame from an account arc does not know is answered. */
  unknownAccountReply: 'nak' | 'ack';
  now: () => number;
}

export interface Dc09Handled {
  /** What to send back; null: nothing (the sender will retry). */
  reply: Buffer | null;
  reception: Reception;
}

/** Codes after which the panel should send again (NAK); the rest cannot be processed (DUH). */
const DUH_CODES = new Set(['UNKNOWN_TOKEN', 'NO_KEY', 'ENCRYPTION_REQUIRED']);

/**
 * One DC-09 frame, from bytes to journal to answer. The answer is decided first, sent only after
 * the journal made the reception durable: if `append` rejects, this rejects and nothing is sent.
 *
 * - a known account's frame: journaled as a signal, ACKed (`*ACK` when encrypted);
 * - NULL: always ACKed, whoever sent it, since it is a link test that feeds supervision;
 * - an unknown account: journaled as unregistered, answered as `unknownAccountReply` says;
 * - a plain frame from an encrypted-only account: refused, DUH (a plain NULL too: it could be
 *   forged to fake a panel's liveness);
 * - what does not decode: refused and NAKed (a bad CRC, length, timestamp or key), or DUHed
 *   (an unknown token, an encrypted frame from an account that has no key).
 */
export async function handleDc09Frame(bytes: Buffer, source: { transport: Transport; peer: string }, deps: Dc09HandlerDeps): Promise<Dc09Handled> {
  const now = deps.now();
  const decoded = decodeDc09(bytes, { now, keyFor: (acct) => (acct === null ? undefined : (deps.accounts.find(acct)?.aesKey ?? undefined)) });
  // The header is read a second time only for a refused frame, whose answer must echo it.
  const header = decoded.ok ? decoded.value.frame : readDc09Header(bytes);
  const account = header?.account ?? null;
  const known = account === null ? undefined : deps.accounts.find(account);

  let outcome: Outcome;
  let error: ProtocolError | ReceiverError | null = null;
  let reply: Buffer | null;
  if (!decoded.ok) {
    error = decoded.error;
    outcome = known || account === null ? 'refused' : 'unregistered';
    // An unknown account's frame that does not decode is NAKed whatever the setting: no ACK
    // for what arc could not read.
    reply = header === null || outcome === 'unregistered' ? encodeDc09Nak({ now, crcFormat: header?.crcFormat }) : refusal(header, error.code, now);
  } else {
    const { frame } = decoded.value;
    if (known?.encryptedOnly && !frame.encrypted) {
      outcome = 'refused';
      error = { code: 'ENCRYPTION_REQUIRED', message: `account ${account} sends encrypted only; this frame is plain` };
      reply = encodeDc09Duh(frame);
    } else if (known) {
      outcome = 'signal';
      reply = ack(frame, now, known.aesKey);
    } else {
      outcome = 'unregistered';
      reply = frame.token === 'NULL' || deps.unknownAccountReply === 'ack' ? ack(frame, now, null) : encodeDc09Nak({ now, crcFormat: frame.crcFormat });
    }
  }

  const reception: Reception = {
    transport: source.transport,
    receiver: 'dc09',
    peer: source.peer,
    receivedAt: now,
    raw: bytes,
    format: 'dc09',
    account,
    outcome,
    error,
    frame: header,
    events: decoded.ok ? decoded.value.events : [],
    dedupKey: decoded.ok && outcome !== 'refused' ? dc09DedupKey(decoded.value.frame) : null,
  };
  await deps.journal.append(reception);
  return { reply, reception };
}

/** An ACK echoing the frame; an encrypted frame is answered encrypted, or NAKed if arc has no key. */
function ack(frame: Dc09Header, now: number, key: Uint8Array | null): Buffer {
  if (!frame.encrypted) return encodeDc09Ack(frame, { now });
  if (!key) return encodeDc09Nak({ now, crcFormat: frame.crcFormat });
  return encodeDc09Ack(frame, { now, key, random: randomBytes });
}

function refusal(header: Dc09Header, code: string, now: number): Buffer {
  return DUH_CODES.has(code) ? encodeDc09Duh(header) : encodeDc09Nak({ now, crcFormat: header.crcFormat });
}
