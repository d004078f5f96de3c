import { contactIdEvent, type ContactIdFields } from '../contact-id/contact-id.js';
import { printable } from '../printable.js';
import { accept, refuse, type Decoded } from '../protocol-error.js';
import { DEFAULT_CFSK_TABLE, decodeCfsk, type CfskEventTable } from './cfsk.js';
import { DC4 } from './control-bytes.js';
import type { ReceiverMessage } from './receiver-record.js';
import { recordText } from './record-text.js';

/**
 * Bosch Conettix D6600/D6100 in D6500 mode (Computer Interface Manual 4998122703): fixed
 * records of an optional header byte, a message-type letter, the receiver RR, the line or group
 * character, data, and DC4. Contact ID is type `a` with qualifier digits 1/3/6; Radionics-6500
 * emulations in other receivers write letters E/R/P, accepted too. Type `1` is the receiver's
 * link test, type `i` a CFSK call.
 */
const CONTACT_ID = /^.?a([0-9A-F]{2})([0-9A-Z]) ([0-9A-F]{4})(18|98)([ERP136])([0-9A-F]{3})([0-9A-F]{2})([0-9A-F]{3})$/;
const LINK_TEST = /^.?1([0-9A-F]{2})([0-9A-Z]) +@ *$/;
const CFSK = /^.?i/;

export function decodeD6500(input: Uint8Array | string, cfskTable: CfskEventTable = DEFAULT_CFSK_TABLE): Decoded<ReceiverMessage> {
  const text = recordText(input, 'D6500');
  if (!text.ok) return text;
  const s = text.value;
  let m = CONTACT_ID.exec(s);
  if (m) {
    const [, receiver, line, account, , qualifier, eventCode, group, zoneOrUser] = m as unknown as [string, string, string, string, string, string, string, string, string];
    const event = contactIdEvent({ account, qualifier, eventCode, group, zoneOrUser }, null);
    if (!event.ok) return event;
    return accept({ record: { format: 'd6500', kind: 'event', receiver, line, protocol: 'a', account, seq: null, data: s.slice(s.indexOf(' ') + 1) }, events: [event.value] });
  }
  if ((m = LINK_TEST.exec(s))) {
    return accept({ record: { format: 'd6500', kind: 'heartbeat', receiver: m[1]!, line: m[2]!, protocol: '1', account: null, seq: null, data: '' }, events: [] });
  }
  if (CFSK.test(s)) {
    const cfsk = decodeCfsk(s, cfskTable);
    return cfsk.ok ? accept({ record: { ...cfsk.value.record, format: 'd6500' }, events: cfsk.value.events }) : cfsk;
  }
  return refuse('MALFORMED', `not a D6500-mode record arc reads (types a, i, 1): "${printable(s)}"`);
}

const DIGIT: Record<string, string> = { E: '1', R: '3', P: '6' };

/** A type-`a` Contact ID record `aRRL AAAA18QXYZGGCCC<DC4>`, qualifier as a digit (Bosch's own form). */
export function encodeD6500ContactId(r: { receiver: string; line: string } & ContactIdFields): Buffer {
  const q = DIGIT[r.qualifier] ?? r.qualifier;
  return Buffer.concat([Buffer.from(`a${r.receiver}${r.line} ${r.account}18${q}${r.eventCode}${r.group}${r.zoneOrUser}`, 'latin1'), Buffer.from([DC4])]);
}

/** A type-`i` CFSK record `iRRL␠␠␠␠AAAAAATTEE␠␠<DC4>`. */
export function encodeD6500Cfsk(r: { receiver: string; line: string; account: string; event: string; number: string }): Buffer {
  return Buffer.concat([Buffer.from(`i${r.receiver}${r.line}    ${r.account}${r.event}${r.number}  `, 'latin1'), Buffer.from([DC4])]);
}
