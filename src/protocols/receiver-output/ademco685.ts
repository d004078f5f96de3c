import { contactIdEvent, type ContactIdFields } from '../contact-id/contact-id.js';
import { printable } from '../printable.js';
import { accept, refuse, type Decoded } from '../protocol-error.js';
import type { ReceiverMessage } from './receiver-record.js';
import { recordText } from './record-text.js';

/**
 * Ademco 685 Contact ID output, as the Honeywell MX8000 and SilentKnight VisorAlarm emulate it
 * (MX8000 Installation Guide §8.5.4): `<LF>RG 1234 18 QXYZ GG FCCC<CR>`, R the receiver digit,
 * G the group digit, F `C` (contact, a zone) or `U` (user). Whether CCC is a zone or a user is
 * taken from the event code, as for every other format, so F is kept in the record only.
 * `A` digits are written as 0 by the receiver. The 685's 3x1/4x1/4x2 records are not read.
 */
const CONTACT_ID = /^([0-9A-F])([0-9A-F]) ([0-9A-F]{4}) (18|98) ([ERP136])([0-9A-F]{3}) ([0-9A-F]{2}) ([CU])([0-9A-F]{3})$/;

export function decodeAdemco685(input: Uint8Array | string): Decoded<ReceiverMessage> {
  const text = recordText(input, 'Ademco 685');
  if (!text.ok) return text;
  const m = CONTACT_ID.exec(text.value);
  if (!m) return refuse('MALFORMED', `not an Ademco 685 Contact ID record "RG AAAA 18 QXYZ GG FCCC": "${printable(text.value)}"`);
  const [, receiver, group, account, , qualifier, eventCode, partition, flag, zoneOrUser] = m as unknown as string[] as [string, string, string, string, string, string, string, string, string, string];
  const event = contactIdEvent({ account, qualifier, eventCode, group: partition, zoneOrUser }, null);
  if (!event.ok) return event;
  return accept({
    record: { format: 'ademco685', kind: 'event', receiver, line: group, protocol: flag, account, seq: null, data: text.value.slice(3) },
    events: [event.value],
  });
}

const LETTER: Record<string, string> = { '1': 'E', '3': 'R', '6': 'P' };

/** `<LF>RG AAAA 18 QXYZ GG FCCC<CR>`; `lineGroup` is G, `group` the Contact ID partition GG. */
export function encodeAdemco685(r: { receiver: string; lineGroup: string; flag?: 'C' | 'U' } & ContactIdFields): Buffer {
  const q = LETTER[r.qualifier] ?? r.qualifier;
  return Buffer.from(`\n${r.receiver}${r.lineGroup} ${r.account.padStart(4, '0')} 18 ${q}${r.eventCode} ${r.group} ${r.flag ?? 'C'}${r.zoneOrUser}\r`, 'latin1');
}
