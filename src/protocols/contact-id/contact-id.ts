import type { AlarmEvent, Qualifier } from '../alarm-event.js';
import { hexValue, isHexRun, numberField } from '../ascii.js';
import { accept, refuse, type Decoded } from '../protocol-error.js';
import { CONTACT_ID_CODES } from './contact-id-codes.js';

/**
 * A Contact ID message (SIA DC-05): `ACCT MT Q EEE GG CCC S`, 16 digits of Ademco pseudo-hex
 * (0-9 and B-F; A is never sent).
 */
export interface ContactIdMessage {
  account: string;
  messageType: string;
  qualifier: string;
  eventCode: string;
  group: string;
  zoneOrUser: string;
}

/** The fields Contact ID shares with every format that carries it (ADM-CID, Sur-Gard, 685…). */
export interface ContactIdFields {
  account: string;
  /** As the format writes it: digit 1/3/6 (DC-05, DC-09, D6500) or letter E/R/P (Sur-Gard, 685). */
  qualifier: string;
  eventCode: string;
  group: string;
  zoneOrUser: string;
}

// DC-05: digit 0 counts 10, 1-9 face value, B-F 11-15; A is never sent (-1 marks it invalid).
function digitValue(code: number): number {
  const v = hexValue(code);
  return v === 0 ? 10 : v === 10 ? -1 : v;
}

/** The checksum digit that makes the sum of all 16 digit values a multiple of 15 (DC-05). */
export function contactIdChecksum(first15: string): string {
  let sum = 0;
  for (let i = 0; i < first15.length; i++) sum += digitValue(first15.charCodeAt(i));
  const s = 15 - (sum % 15); // 1..15
  return s === 10 ? '0' : s.toString(16).toUpperCase();
}

/**
 * The 16 digits checked for shape and checksum and split into fields, whatever the message type
 * and qualifier. `decodeContactId` adds the checks a receiver makes before it believes an event.
 */
export function parseContactIdDigits(input: string): Decoded<ContactIdMessage> {
  if (input.length !== 16) return refuse('MALFORMED', `Contact ID has 16 digits, got ${input.length}`);
  let sum = 0;
  for (let i = 0; i < 16; i++) {
    const v = digitValue(input.charCodeAt(i));
    if (v < 0) return refuse('MALFORMED', 'Contact ID digits are 0-9 and B-F (A is never sent)');
    sum += v;
  }
  const digits = input.toUpperCase();
  if (sum % 15 !== 0) {
    return refuse('BAD_CHECKSUM', `Contact ID checksum is ${digits[15]}, the digits need ${contactIdChecksum(digits.slice(0, 15))}`);
  }
  return accept({
    account: digits.slice(0, 4),
    messageType: digits.slice(4, 6),
    qualifier: digits.slice(6, 7),
    eventCode: digits.slice(7, 10),
    group: digits.slice(10, 12),
    zoneOrUser: digits.slice(12, 15),
  });
}

/**
 * A 16-digit Contact ID message as a receiver takes it: shape, checksum, message type 18 or 98
 * ("new receiver implementations shall accept either"), qualifier 1/3/6.
 *
 * @example decodeContactId('1234181137010152') // tamper, new, group 01, zone 015
 */
export function decodeContactId(input: string, panelTime: string | null = null): Decoded<{ message: ContactIdMessage; event: AlarmEvent }> {
  const parsed = parseContactIdDigits(input);
  if (!parsed.ok) return parsed;
  const message = parsed.value;
  if (message.messageType !== '18' && message.messageType !== '98') {
    return refuse('MALFORMED', `Contact ID message type is 18 or 98, got ${message.messageType}`);
  }
  const event = contactIdEvent(message, panelTime);
  return event.ok ? accept({ message, event: event.value }) : event;
}

export function encodeContactId(fields: ContactIdFields & { messageType?: '18' | '98' }): string {
  const first15 = `${fields.account}${fields.messageType ?? '18'}${qualifierDigit(fields.qualifier)}${fields.eventCode}${fields.group}${fields.zoneOrUser}`.toUpperCase();
  return first15 + contactIdChecksum(first15);
}

const QUALIFIERS: Record<string, Qualifier> = { '1': 'new', E: 'new', '3': 'restore', R: 'restore', '6': 'status', P: 'status' };

function qualifierDigit(q: string): string {
  const digit = { E: '1', R: '3', P: '6' }[q];
  return digit ?? q;
}

/**
 * Contact ID fields, in whichever format carried them, as the normalised event. CCC is a zone or
 * a user by event code (DC-05); group 00 and CCC 000 mean none. For open/close codes, `new` is an
 * opening (disarm) and `restore` a closing (arm), as the qualifier says in DC-05.
 */
export function contactIdEvent(fields: ContactIdFields, panelTime: string | null): Decoded<AlarmEvent> {
  const qualifier = QUALIFIERS[fields.qualifier] ?? QUALIFIERS[fields.qualifier.toUpperCase()];
  if (!qualifier) return refuse('MALFORMED', `Contact ID qualifier is 1/3/6 or E/R/P, got "${fields.qualifier}"`);
  const { account, eventCode, group, zoneOrUser } = fields;
  if (account.length > 16 || !isHexRun(account)) return refuse('MALFORMED', `Contact ID account "${account}" is not 1-16 hex digits`);
  if (eventCode.length !== 3 || !isHexRun(eventCode)) return refuse('MALFORMED', `Contact ID event code "${eventCode}" is not 3 digits`);
  if (group.length !== 2 || !isHexRun(group)) return refuse('MALFORMED', `Contact ID group "${group}" is not 2 digits`);
  if (zoneOrUser.length < 3 || zoneOrUser.length > 4 || !isHexRun(zoneOrUser)) {
    return refuse('MALFORMED', `Contact ID zone or user "${zoneOrUser}" is not 3 digits`);
  }
  const code = eventCode.toUpperCase();
  const entry = CONTACT_ID_CODES.get(code);
  const ccc = numberField(zoneOrUser);
  const isUser = entry?.cccIs === 'user';
  return accept({
    account: account.toUpperCase(),
    protocol: 'contact-id',
    code,
    qualifier,
    eventClass: entry?.eventClass ?? 'unclassified',
    category: entry?.category ?? 'unknown',
    description: entry?.name ?? `Unknown Contact ID event ${code}`,
    zone: isUser ? null : ccc,
    user: isUser ? ccc : null,
    partition: numberField(group),
    // A restore of a panic is not an emergency; only the alarm itself skips verification.
    emergency: entry?.emergency != null && qualifier === 'new',
    panelTime,
    text: null,
  });
}
