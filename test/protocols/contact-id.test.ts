import t from 'tap';
import { CONTACT_ID_CODES } from '../../src/protocols/contact-id/contact-id-codes.js';
import {
  contactIdChecksum,
  contactIdEvent,
  decodeContactId,
  encodeContactId,
  parseContactIdDigits,
} from '../../src/protocols/contact-id/contact-id.js';
import { loadVectors } from '../helpers/vectors.js';

interface CidVector {
  id: string;
  digits: string;
  valid: boolean;
  expect?: { account: string; message_type: string; qualifier: string; event_code: string; group: string; zone_or_user: string; checksum: string };
}
interface CodeVector { code: string; name: string; class: string; category: string; ccc_is: string; sia_new?: string; sia_restore?: string; emergency?: string }

const vectors = loadVectors<{ vectors: CidVector[] }>('contact_id.json').vectors;

t.test('every Contact ID vector parses to its fields, or is refused', async (t) => {
  for (const v of vectors) {
    const result = parseContactIdDigits(v.digits);
    if (v.valid) {
      const e = v.expect!;
      t.same(result, {
        ok: true,
        value: { account: e.account, messageType: e.message_type, qualifier: e.qualifier, eventCode: e.event_code, group: e.group, zoneOrUser: e.zone_or_user },
      }, v.id);
      t.equal(contactIdChecksum(v.digits.slice(0, 15)), e.checksum, `${v.id} checksum digit`);
    } else {
      t.equal(result.ok, false, `${v.id} is refused`);
    }
  }
});

t.test('refusals say why, with a stable code', async (t) => {
  const code = (digits: string) => { const r = parseContactIdDigits(digits); return r.ok ? 'ok' : r.error.code; };
  t.equal(code('1234181130010191'), 'BAD_CHECKSUM', 'a digit sum that is not a multiple of 15');
  t.equal(code('1234A81130010190'), 'MALFORMED', 'the digit A is never sent');
  t.equal(code('123418113001019'), 'MALFORMED', '15 digits');
  t.equal(code(''), 'MALFORMED', 'nothing');
  t.equal(code('12341811300101900'), 'MALFORMED', '17 digits');
});

t.test('a receiver accepts message types 18 and 98 and nothing else', async (t) => {
  const ok98 = decodeContactId(encodeContactId({ account: '1234', messageType: '98', qualifier: '1', eventCode: '130', group: '01', zoneOrUser: '005' }));
  t.equal(ok98.ok, true, '98 is accepted');
  const hexVector = vectors.find((v) => v.id === 'spandsp-hex-digits')!;
  const r = decodeContactId(hexVector.digits);
  t.same(r.ok ? null : r.error.code, 'MALFORMED', 'message type 56 is refused although its checksum holds');
});

t.test('decodes a burglary with its zone and partition, and a duress with its user', async (t) => {
  const burglary = decodeContactId('1234181131010158', '2026-11-22T12:00:00.000Z');
  t.match(burglary, { ok: true, value: { event: {
    account: '1234', protocol: 'contact-id', code: '131', qualifier: 'new', eventClass: 'alarm', category: 'burglary',
    zone: 15, user: null, partition: 1, emergency: false, panelTime: '2026-11-22T12:00:00.000Z',
  } } });
  const duress = decodeContactId('1234181121010014');
  t.match(duress, { ok: true, value: { event: { code: '121', eventClass: 'alarm', category: 'panic_holdup', zone: null, user: 1, emergency: true } } });
});

t.test('qualifier digits and letters mean the same', async (t) => {
  const fields = { account: '1234', eventCode: '120', group: '00', zoneOrUser: '003' };
  for (const [q, expected] of [['1', 'new'], ['E', 'new'], ['3', 'restore'], ['R', 'restore'], ['6', 'status'], ['P', 'status']] as const) {
    const r = contactIdEvent({ ...fields, qualifier: q }, null);
    t.equal(r.ok && r.value.qualifier, expected, `${q} is ${expected}`);
  }
  const bad = contactIdEvent({ ...fields, qualifier: '7' }, null);
  t.equal(bad.ok ? 'ok' : bad.error.code, 'MALFORMED', 'qualifier 7 is refused');
});

t.test('hold-up, panic and duress are emergencies when new, not when restored', async (t) => {
  for (const code of ['120', '121', '122', '123', '124', '125', '146']) {
    const alarm = contactIdEvent({ account: '1', qualifier: '1', eventCode: code, group: '00', zoneOrUser: '001' }, null);
    const restore = contactIdEvent({ account: '1', qualifier: '3', eventCode: code, group: '00', zoneOrUser: '001' }, null);
    t.equal(alarm.ok && alarm.value.emergency, true, `${code} new`);
    t.equal(restore.ok && restore.value.emergency, false, `${code} restore`);
  }
  for (const code of ['100', '101', '110', '130', '137', '301', '401', '602']) {
    const r = contactIdEvent({ account: '1', qualifier: '1', eventCode: code, group: '00', zoneOrUser: '001' }, null);
    t.equal(r.ok && r.value.emergency, false, `${code} is not an emergency`);
  }
});

t.test('an unknown event code is still an event, unclassified', async (t) => {
  const r = contactIdEvent({ account: '1', qualifier: '1', eventCode: '199', group: '00', zoneOrUser: '001' }, null);
  t.match(r, { ok: true, value: { code: '199', eventClass: 'unclassified', category: 'unknown', zone: 1 } });
});

t.test('the event table is the complete DC-05 table of the vectors, code by code', async (t) => {
  const table = loadVectors<{ codes: CodeVector[] }>('cid_event_codes.json').codes;
  t.equal(CONTACT_ID_CODES.size, table.length, `${table.length} codes`);
  for (const c of table) {
    const entry = CONTACT_ID_CODES.get(c.code);
    t.same(entry && [entry.name, entry.eventClass, entry.category, entry.cccIs, entry.siaNew, entry.siaRestore, entry.emergency],
      [c.name, c.class, c.category, c.ccc_is, c.sia_new ?? null, c.sia_restore ?? null, c.emergency ?? null], c.code);
    // CCC carries a user exactly where the table says so.
    const e = contactIdEvent({ account: '1', qualifier: '1', eventCode: c.code, group: '00', zoneOrUser: '007' }, null);
    t.same(e.ok && [e.value.zone, e.value.user], c.ccc_is === 'user' ? [null, 7] : [7, null], `${c.code} CCC is a ${c.ccc_is}`);
  }
});

t.test('encode then decode gives back the same fields, for every code and qualifier', async (t) => {
  let checked = 0;
  for (const code of CONTACT_ID_CODES.keys()) {
    for (const qualifier of ['1', '3', '6']) {
      const fields = { account: 'B9F0', qualifier, eventCode: code, group: '02', zoneOrUser: '123' };
      const digits = encodeContactId(fields);
      const back = decodeContactId(digits);
      if (!back.ok) { t.fail(`${digits}: ${back.error.message}`); continue; }
      const m = back.value.message;
      if (m.account !== 'B9F0' || m.qualifier !== qualifier || m.eventCode !== code || m.group !== '02' || m.zoneOrUser !== '123') t.fail(digits);
      checked++;
    }
  }
  t.equal(checked, CONTACT_ID_CODES.size * 3);
  t.equal(encodeContactId({ account: '1234', qualifier: 'E', eventCode: '121', group: '01', zoneOrUser: '001' }), '1234181121010014',
    'a letter qualifier is written as its digit');
});
