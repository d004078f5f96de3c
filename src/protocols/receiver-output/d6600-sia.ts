import type { AlarmEvent } from '../alarm-event.js';
import { decimalAt, isHexRun } from '../ascii.js';
import { crc16Arc } from '../crc16-arc.js';
import { printable } from '../printable.js';
import { accept, refuse, type Decoded } from '../protocol-error.js';
import { parseAccountBlock } from '../sia-dcs/account-block.js';
import { siaEvents } from '../sia-dcs/sia-dcs.js';
import type { ReceiverMessage } from './receiver-record.js';
import { recordText } from './record-text.js';

/**
 * Bosch D6600 in SIA mode (Computer Interface Manual, Appendix F):
 * `<LF><CRC:4 hex><LEN:2 hex><type><seq:4><rcvr:2><line:2>[#acct|data]<CR>`, CRC-16/ARC and
 * LEN over `type … ]` ("calculated the same as in SIA DC-07"). The type letter says which panel
 * format the call came in: SIA data inside the brackets is decoded to events; anything else
 * (FSK, Telim…) is passed on raw as one unclassified event, so that an operator still sees it.
 */
export function decodeD6600Sia(input: Uint8Array | string): Decoded<ReceiverMessage> {
  const text = recordText(input, 'D6600 SIA-mode');
  if (!text.ok) return text;
  const s = text.value;
  if (s.length < 15 || !isHexRun(s, 0, 6) || s[15] !== '[' || s[s.length - 1] !== ']') {
    return refuse('MALFORMED', `a D6600 SIA-mode record is CRC LEN type seq RR LL [#acct|data], got "${printable(s)}"`);
  }
  const span = Buffer.from(s.slice(6), 'latin1');
  const given = Number.parseInt(s.slice(0, 4), 16);
  const actual = crc16Arc(span);
  if (given !== actual) return refuse('CRC_MISMATCH', `D6600 CRC is ${s.slice(0, 4)}, the record's is ${actual.toString(16).toUpperCase().padStart(4, '0')}`);
  const length = Number.parseInt(s.slice(4, 6), 16);
  if (length !== span.length) return refuse('LENGTH_MISMATCH', `D6600 length field says ${length} bytes, the record has ${span.length}`);
  const type = s[6]!;
  const seq = decimalAt(s, 7, 11);
  const receiver = s.slice(11, 13);
  const line = s.slice(13, 15);
  if (seq < 0) return refuse('MALFORMED', `D6600 sequence number is 4 digits, got "${printable(s.slice(7, 11))}"`);
  const inner = s.slice(16, -1);
  const block = parseAccountBlock(inner);
  const record = { format: 'd6600-sia' as const, kind: 'event' as const, receiver, line, protocol: type, account: block.account, seq, data: inner };
  const sia = siaEvents(block.account ?? '', block.payload, null);
  return accept({ record, events: sia.ok ? sia.value : [rawEvent(block.account ?? '', block.payload)] });
}

function rawEvent(account: string, payload: string): AlarmEvent {
  return {
    account,
    protocol: 'raw',
    code: payload.trim(),
    qualifier: null,
    eventClass: 'unclassified',
    category: 'unknown',
    description: 'Event in a format the receiver passed on raw',
    zone: null,
    user: null,
    partition: null,
    emergency: false,
    panelTime: null,
    text: payload,
  };
}

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

/** A SIA-mode record, CRC and length computed. */
export function encodeD6600Sia(r: { type: string; seq: number; receiver: string; line: string; account: string; data: string }): Buffer {
  const span = `${r.type}${String(r.seq).padStart(4, '0')}${r.receiver}${r.line}[#${r.account}|${r.data}]`;
  return Buffer.from(`\n${hex(crc16Arc(Buffer.from(span, 'latin1')), 4)}${hex(span.length, 2)}${span}\r`, 'latin1');
}

/**
 * The automation's answer in SIA mode (Appendix J): ACK `<LF><CRC><TAB><seq><rcvr><line>[]<CR>`,
 * NAK with seq 0000 and line 00. The manual does not say what its CRC covers; arc takes the
 * bytes after it (`TAB … ]`), the same rule as the records, where TAB stands in the LEN slot.
 */
export function encodeD6600SiaReply(r: { ack: boolean; seq: number; receiver: string; line: string }): Buffer {
  const span = r.ack ? `\t${String(r.seq).padStart(4, '0')}${r.receiver}${r.line}[]` : `\t0000${r.receiver}00[]`;
  return Buffer.from(`\n${hex(crc16Arc(Buffer.from(span, 'latin1')), 4)}${span}\r`, 'latin1');
}
