import { numberField } from '../ascii.js';
import type { AlarmEvent, EventClass, Qualifier } from '../alarm-event.js';
import { contactIdEvent, type ContactIdFields } from '../contact-id/contact-id.js';
import { printable } from '../printable.js';
import { accept, refuse, type Decoded } from '../protocol-error.js';
import { parseAccountBlock } from '../sia-dcs/account-block.js';
import { siaEvents } from '../sia-dcs/sia-dcs.js';
import { DC4 } from './control-bytes.js';
import type { ReceiverMessage, ReceiverRecord } from './receiver-record.js';
import { recordText } from './record-text.js';

/**
 * DSC Sur-Gard "SG" automation output (SG Automation Output Protocol R161; MLR2E, System III
 * and 5 manuals). The first character names the protocol; RR is the receiver, then the line as
 * LLL (System III/5 default) or L (older receivers).
 */
// Contact ID '5' (R161 §4.6): 5RRLLLs18AAAAQXYZGGCCC or 5RRLs18…; 98 is accepted for 18.
const CONTACT_ID = /^5([0-9A-F]{2})([0-9A-F]{3}|[0-9A-F]) (18|98)([0-9A-F]{4})([ERP136])([0-9A-F]{3})([0-9A-F]{2})([0-9A-F]{3})$/;
// 10-digit account 'Q' (R161 §4.10): QRRLLLs58AAAAAAAAAAQXYZGGCCC.
const CONTACT_ID_10 = /^Q([0-9A-F]{2})([0-9A-F]{3}|[0-9A-F]) 58([0-9A-F]{10})([ERP136])([0-9A-F]{3})([0-9A-F]{2})([0-9A-F]{3})$/;
// SIA 'S' (R161 §4.7): SRRLLL[#AAAA|…], the block as the panel sent it.
const SIA = /^S([0-9A-F]{2})([0-9A-F]{3}|[0-9A-F])\[(.*)\]$/;
// Heartbeat '1' (R161 §4.2): 1RR000 + spaces + '@' + spaces; MLR2 writes 1RRL.
const HEARTBEAT = /^1([0-9A-F]{2})([0-9A-F]{3}|[0-9A-F]) +@ *$/;
// Basic 4/3 '1' (R161 §4.3): 1RRL + spaces + account + ' ' + event letter, group, zone or user.
const BASIC = /^1([0-9A-F]{2})([0-9A-F]{3}|[0-9A-F]) +([0-9A-F]{3,6}) ([A-Z])([0-9A-F])([0-9A-F]{3})$/;

export function decodeSurGard(input: Uint8Array | string): Decoded<ReceiverMessage> {
  const text = recordText(input, 'Sur-Gard');
  if (!text.ok) return text;
  const s = text.value;
  const record = (protocol: string, receiver: string, line: string, account: string | null, data: string, kind: ReceiverRecord['kind'] = 'event'): ReceiverRecord =>
    ({ format: 'surgard', kind, receiver, line, protocol, account, seq: null, data });

  let m = CONTACT_ID.exec(s) ?? CONTACT_ID_10.exec(s);
  if (m) {
    const tenDigit = s[0] === 'Q';
    const [, receiver, line] = m as unknown as [string, string, string];
    const [account, qualifier, eventCode, group, zoneOrUser] = (tenDigit ? m.slice(3) : m.slice(4)) as [string, string, string, string, string];
    return contactIdMessage(record(s[0]!, receiver, line, account, s.slice(s.indexOf(' ') + 1)), { account, qualifier, eventCode, group, zoneOrUser });
  }
  if ((m = SIA.exec(s))) {
    const block = parseAccountBlock(m[3]!);
    const events = siaEvents(block.account ?? '', block.payload, null);
    if (!events.ok) return events;
    return accept({ record: record('S', m[1]!, m[2]!, block.account, m[3]!), events: events.value });
  }
  if ((m = HEARTBEAT.exec(s))) return accept({ record: record('1', m[1]!, m[2]!, null, '', 'heartbeat'), events: [] });
  if ((m = BASIC.exec(s))) {
    const [, receiver, line, account, letter, group, number] = m as unknown as [string, string, string, string, string, string, string];
    return accept({ record: record('1', receiver, line, account, `${letter}${group}${number}`), events: [basicEvent(account, letter, group, number)] });
  }
  return refuse('MALFORMED', `not a Sur-Gard record arc reads (Contact ID 5/Q, SIA S, heartbeat or basic 1): "${printable(s)}"`);
}

function contactIdMessage(record: ReceiverRecord, fields: ContactIdFields): Decoded<ReceiverMessage> {
  const event = contactIdEvent(fields, null);
  return event.ok ? accept({ record, events: [event.value] }) : event;
}

// R161 basic-format event letters. The number is a zone, except for openings and closings.
const BASIC_LETTERS: Record<string, [EventClass, string, Qualifier, string]> = {
  A: ['alarm', 'general', 'new', 'Alarm'],
  R: ['alarm', 'general', 'restore', 'Restore'],
  T: ['trouble', 'system', 'new', 'Trouble'],
  O: ['open_close', 'open_close', 'new', 'Opening'],
  C: ['open_close', 'open_close', 'restore', 'Closing'],
};

function basicEvent(account: string, letter: string, group: string, number: string): AlarmEvent {
  const known = BASIC_LETTERS[letter];
  const n = numberField(number);
  const isUser = letter === 'O' || letter === 'C';
  return {
    account,
    protocol: 'basic',
    code: letter,
    qualifier: known?.[2] ?? null,
    eventClass: known?.[0] ?? 'unclassified',
    category: known?.[1] ?? 'unknown',
    description: known?.[3] ?? `Unknown basic-format event ${letter}`,
    zone: isUser ? null : n,
    user: isUser ? n : null,
    partition: numberField(group),
    emergency: false,
    panelTime: null,
    text: null,
  };
}

const pad = (s: string, n: number) => s.padStart(n, '0');
const dc4 = (text: string) => Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from([DC4])]);
const QUALIFIER_LETTER: Record<string, string> = { '1': 'E', '3': 'R', '6': 'P', E: 'E', R: 'R', P: 'P' };

/** A Sur-Gard Contact ID record `5RRLLL 18AAAAQXYZGGCCC<DC4>` (or `Q… 58…` for a 10-digit account). */
export function encodeSurGardContactId(r: { receiver: string; line: string } & ContactIdFields): Buffer {
  const q = QUALIFIER_LETTER[r.qualifier] ?? r.qualifier;
  const body = `${q}${r.eventCode}${pad(r.group, 2)}${pad(r.zoneOrUser, 3)}`;
  if (r.account.length > 4) return dc4(`Q${pad(r.receiver, 2)}${pad(r.line, 3)} 58${pad(r.account, 10)}${body}`);
  return dc4(`5${pad(r.receiver, 2)}${pad(r.line, 3)} 18${pad(r.account, 4)}${body}`);
}

/** A Sur-Gard SIA record `SRRLLL[#acct|data]<DC4>`. */
export function encodeSurGardSia(r: { receiver: string; line: string; account: string; data: string }): Buffer {
  return dc4(`S${pad(r.receiver, 2)}${pad(r.line, 3)}[#${r.account}|${r.data}]`);
}

/** The receiver's heartbeat `1RR000␠×11@␠×4<DC4>` (R161 §4.2). */
export function encodeSurGardHeartbeat(receiver: string): Buffer {
  return dc4(`1${pad(receiver, 2)}000${' '.repeat(11)}@${' '.repeat(4)}`);
}
