import type { AlarmEvent } from '../alarm-event.js';
import { decimalAt, hexValue, latin1 } from '../ascii.js';
import { contactIdEvent } from '../contact-id/contact-id.js';
import { crc16Arc } from '../crc16-arc.js';
import { printable } from '../printable.js';
import { accept, refuse, type Decoded, type ProtocolError, type ProtocolErrorCode } from '../protocol-error.js';
import { parseAccountBlock } from '../sia-dcs/account-block.js';
import { siaEvents } from '../sia-dcs/sia-dcs.js';
import { decryptDc09, stripDc09Pad } from './dc09-cipher.js';
import { DC09_MAX_FRAME_BYTES, DC09_MESSAGE_TOKENS, DC09_REPLY_TOKENS, type Dc09CrcFormat, type Dc09Frame, type Dc09Header } from './dc09-frame.js';
import { dc09TimestampIso, isInTimestampWindow, parseDc09Timestamp } from './dc09-timestamp.js';

export interface Dc09DecodeOptions {
  /** The receiver's clock, epoch ms: encrypted timestamps are checked against it. */
  now: number;
  /** The AES key of an account, when it has one. */
  keyFor?: (account: string | null, prefix: string | null) => Uint8Array | undefined;
}

export interface Dc09Message {
  frame: Dc09Frame;
  events: AlarmEvent[];
}

const KNOWN_TOKENS = new Set<string>([...DC09_MESSAGE_TOKENS, ...DC09_REPLY_TOKENS]);

/**
 * One DC-09 frame, checked (CRC, length, token, key, timestamp window) and decoded to its
 * normalised events. NULL and the receiver's replies carry no events. Never throws.
 *
 * @example decodeDc09(Buffer.from('\nA1410026"SIA-DCS"0007R12L3#1234[#1234|Nri1BA5]\r'), { now: Date.now() })
 */
export function decodeDc09(input: Uint8Array, options: Dc09DecodeOptions): Decoded<Dc09Message> {
  const envelope = checkEnvelope(input, true);
  if (isError(envelope)) return { ok: false, error: envelope };
  const { content, crcFormat } = envelope;

  const head = readHeader(content, crcFormat);
  if (isError(head)) return { ok: false, error: head };
  const { header, bodyAt } = head;
  if (!KNOWN_TOKENS.has(header.token)) {
    return refuse('UNKNOWN_TOKEN', `DC-09 token "${printable(header.token)}" is not one arc processes`);
  }

  let bodyText = content.slice(bodyAt);
  if (header.encrypted) {
    const key = options.keyFor?.(header.account, header.prefix);
    if (!key) return refuse('NO_KEY', `encrypted frame from account ${header.account ?? '(none)'}, which has no AES key`);
    const plain = decryptDc09(bodyText, key);
    if (!plain) return refuse('DECRYPT_FAILED', 'the ciphertext is not hex of whole 16-byte blocks');
    bodyText = stripDc09Pad(plain.toString('latin1'));
  }
  const body = readBody(bodyText, header.encrypted);
  if (isError(body)) {
    // With the wrong key the body is noise: say so rather than "malformed".
    return header.encrypted ? refuse('DECRYPT_FAILED', `the decrypted body does not read as DC-09 (${body.message})`) : { ok: false, error: body };
  }
  const { data, extended, timestamp } = body;

  let iso: string | null = null;
  if (timestamp !== null) {
    iso = dc09TimestampIso(timestamp);
    if (iso === null) return refuse('MALFORMED', `DC-09 timestamp "${printable(timestamp)}" is not HH:MM:SS,MM-DD-YYYY`);
  }
  if (header.encrypted) {
    // DC-09 §5.5.1.9: the timestamp is required when encrypted, and must be in the window.
    if (timestamp === null) return refuse('MISSING_TIMESTAMP', 'an encrypted DC-09 message must carry a timestamp');
    const ms = parseDc09Timestamp(timestamp)!;
    if (!isInTimestampWindow(ms, options.now)) {
      const skew = Math.round((ms - options.now) / 1000);
      return refuse('TIMESTAMP_OUT_OF_WINDOW', `the timestamp is ${skew} s from the receiver clock (allowed +20 s / -40 s)`);
    }
  }

  const frame: Dc09Frame = {
    token: header.token,
    encrypted: header.encrypted,
    seq: header.seq,
    receiver: header.receiver,
    prefix: header.prefix,
    account: header.account,
    data,
    extended,
    timestamp: iso,
    crcFormat,
  };
  const events = frameEvents(frame);
  return events.ok ? accept({ frame, events: events.value }) : events;
}

/**
 * The header of a frame, for answering one that is otherwise refused (DUH echoes seq and
 * account). null when even the header cannot be read.
 */
export function readDc09Header(input: Uint8Array): Dc09Header | null {
  const envelope = checkEnvelope(input, false);
  if (isError(envelope)) return null;
  const head = readHeader(envelope.content, envelope.crcFormat);
  return isError(head) ? null : head.header;
}

// The steps below return their value or the refusal itself: no result wrapper per step, since
// every frame received passes through them.
function fail(code: ProtocolErrorCode, message: string): ProtocolError {
  return { code, message };
}

function isError<T extends object>(r: T | ProtocolError): r is ProtocolError {
  return 'code' in r && 'message' in r;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

function hex4(bytes: Uint8Array, at: number): number {
  let n = 0;
  for (let i = at; i < at + 4; i++) {
    const v = hexValue(bytes[i] ?? -1);
    if (v < 0) return -1;
    n = n * 16 + v;
  }
  return n;
}

/** LF/CR, the CRC format, the CRC and the length (DC-09 §5.5.1). `verify` false skips the last two. */
function checkEnvelope(input: Uint8Array, verify: boolean): { content: string; crcFormat: Dc09CrcFormat } | ProtocolError {
  if (input.length > DC09_MAX_FRAME_BYTES) return fail('OVERSIZED', `a DC-09 frame is at most ${DC09_MAX_FRAME_BYTES} bytes, got ${input.length}`);
  const start = input[0] === LF ? 1 : 0;
  const end = input[input.length - 1] === CR ? input.length - 1 : input.length;
  // Hex CRC: 4 hex digits, "0LLL", then the token's quote. Binary CRC (OPAX, Lupusec): 2 bytes.
  let crcFormat: Dc09CrcFormat;
  let given: number;
  if (input[start + 8] === QUOTE && (given = hex4(input, start)) >= 0) {
    crcFormat = 'hex';
  } else if (input[start + 6] === QUOTE) {
    crcFormat = 'binary';
    given = (input[start]! << 8) | input[start + 1]!;
  } else {
    return fail('MALFORMED', 'a DC-09 frame is LF, CRC, 0LLL, "token"…, CR');
  }
  const lengthAt = start + (crcFormat === 'hex' ? 4 : 2);
  const length = input[lengthAt] === 0x30 ? hex4(input, lengthAt) : -1;
  if (length < 0) return fail('MALFORMED', `DC-09 length is 0LLL in hex, got "${printable(latin1(input, lengthAt, lengthAt + 4))}"`);
  const contentStart = lengthAt + 4;
  if (verify) {
    const actual = crc16Arc(input, contentStart, end);
    if (actual !== given) {
      const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
      return fail('CRC_MISMATCH', `DC-09 CRC is ${hex(given)}, the content's is ${hex(actual)}`);
    }
    if (length !== end - contentStart) {
      return fail('LENGTH_MISMATCH', `DC-09 length field says ${length} bytes, the content has ${end - contentStart}`);
    }
  }
  return { content: latin1(input, contentStart, end), crcFormat };
}

/**
 * `"token"seq` then R, L and # (DC-09 §5.5.1.4-7), read in any order because pysiaalarm's NAK
 * writes L before R. R and L are 1-6 hex digits; the account is read leniently (Hengbo sends a
 * SIM number).
 */
function readHeader(content: string, crcFormat: Dc09CrcFormat): { header: Dc09Header; bodyAt: number } | ProtocolError {
  const close = content.indexOf('"', 1);
  if (content.charCodeAt(0) !== QUOTE || close < 2 || close > 34) return fail('MALFORMED', 'a DC-09 frame starts with "token"');
  const encrypted = content.charCodeAt(1) === 0x2a; // '*'
  const token = content.slice(encrypted ? 2 : 1, close);
  const seq = decimalAt(content, close + 1, close + 5);
  if (seq < 0 || content.length < close + 5) return fail('MALFORMED', 'a DC-09 token is followed by a 4-digit sequence number');
  const header: Dc09Header = { token, encrypted, seq, receiver: null, prefix: null, account: null, crcFormat };
  let i = close + 5;
  for (;;) {
    const field = content[i];
    if (field !== 'R' && field !== 'L' && field !== '#') break;
    let j = i + 1;
    const max = field === '#' ? 16 : 6;
    while (j - i - 1 < max && j < content.length && (field === '#' ? isAccountChar(content.charCodeAt(j)) : hexValue(content.charCodeAt(j)) >= 0)) j++;
    if (j === i + 1) break;
    const value = content.slice(i + 1, j);
    if (field === 'R') header.receiver = value;
    else if (field === 'L') header.prefix = value;
    else header.account = value;
    i = j;
  }
  if (content[i] !== '[') return fail('MALFORMED', `DC-09 header ends with "[", found "${printable(content.slice(i, i + 8))}"`);
  return { header, bodyAt: i + 1 };
}

function isAccountChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** What follows the opening `[`: `data] [xdata]… _timestamp`. */
function readBody(text: string, encrypted: boolean): { data: string; extended: string[]; timestamp: string | null } | ProtocolError {
  const close = text.indexOf(']');
  if (close < 0) return fail('MALFORMED', 'the DC-09 data block has no closing "]"');
  const data = text.slice(0, close);
  const extended: string[] = [];
  let i = close + 1;
  while (text[i] === '[') {
    const end = text.indexOf(']', i);
    if (end < 0) return fail('MALFORMED', 'a DC-09 extended data block has no closing "]"');
    extended.push(text.slice(i + 1, end));
    i = end + 1;
  }
  let end = text.length;
  // Decrypted bodies may end in fill after the timestamp (ioBroker.sia adds a PKCS#7 block).
  if (encrypted) while (end > i && text.charCodeAt(end - 1) < 0x20) end--;
  if (i === end) return { data, extended, timestamp: null };
  if (text[i] !== '_') return fail('MALFORMED', `unexpected "${printable(text.slice(i, end))}" after the DC-09 data`);
  return { data, extended, timestamp: text.slice(i + 1, end) };
}

function frameEvents(frame: Dc09Frame): Decoded<AlarmEvent[]> {
  switch (frame.token) {
    case 'ADM-CID':
    case 'HENG-BO': {
      // ADM-CID data: QEEE GG CCC (DC-09 §5.5.1.3: Contact ID without account, type or checksum).
      const block = parseAccountBlock(frame.data);
      const p = block.payload;
      if ((p.length !== 11 && p.length !== 12) || p[4] !== ' ' || p[7] !== ' ') {
        return refuse('MALFORMED', `ADM-CID data is "QEEE GG CCC", got "${printable(p)}"`);
      }
      const account = block.account ?? frame.account ?? '';
      const event = contactIdEvent({ account, qualifier: p[0]!, eventCode: p.slice(1, 4), group: p.slice(5, 7), zoneOrUser: p.slice(8) }, panelTime(frame));
      return event.ok ? accept([event.value]) : event;
    }
    case 'SIA-DCS': {
      const block = parseAccountBlock(frame.data);
      return siaEvents(block.account ?? frame.account ?? '', block.payload, panelTime(frame));
    }
    default:
      // NULL is a link test that feeds supervision, whatever body it carries; replies carry nothing.
      return accept([]);
  }
}

/** [H…] is the time of occurrence; without it the frame's timestamp stands for the panel time. */
function panelTime(frame: Dc09Frame): string | null {
  for (const x of frame.extended) {
    if (x[0] === 'H') {
      const iso = dc09TimestampIso(x.slice(1));
      if (iso) return iso;
    }
  }
  return frame.timestamp;
}

