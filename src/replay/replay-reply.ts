import { readDc09Header } from '../protocols/dc09/decode-dc09.js';

/** What came back for one replayed frame. */
export type ReplyKind = 'ack' | 'nak' | 'duh' | 'other';

const SERIAL_ACK = 0x06;
const SERIAL_NAK = 0x15;

/**
 * The kind of a DC-09 reply, from its token alone: an answer to an encrypted frame is `*ACK`
 * with an encrypted body that replay cannot (and need not) read without the key.
 */
export function dc09ReplyKind(reply: Uint8Array): ReplyKind {
  const token = readDc09Header(reply)?.token;
  return token === 'ACK' ? 'ack' : token === 'NAK' ? 'nak' : token === 'DUH' ? 'duh' : 'other';
}

/**
 * The kind of a serial automation answer: 0x06 / 0x15 for every format but D6600 SIA mode,
 * whose answer is a frame `<LF>crc<TAB>seq rr ll[]<CR>`; its NAK is the form with seq 0000 and
 * line 00 (an ACK of a record with seq 0000 on line 00 would read as a NAK: none is sent so).
 */
export function serialReplyKind(reply: Uint8Array): ReplyKind {
  if (reply[0] === SERIAL_ACK) return 'ack';
  if (reply[0] === SERIAL_NAK) return 'nak';
  const d6600 = /^\n[0-9A-F]{4}\t(\d{4})\d{2}(\d{2})\[\]\r$/.exec(Buffer.from(reply).toString('latin1'));
  if (d6600) return d6600[1] === '0000' && d6600[2] === '00' ? 'nak' : 'ack';
  return 'other';
}

/** True once `reply` holds a whole serial answer: one ACK/NAK byte, or a frame up to its CR. */
export function isWholeSerialReply(reply: Uint8Array): boolean {
  if (reply.length === 0) return false;
  if (reply[0] === SERIAL_ACK || reply[0] === SERIAL_NAK) return true;
  return reply[reply.length - 1] === 0x0d;
}
