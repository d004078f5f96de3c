import t from 'tap';
import { parseAccountBlock } from '../../src/protocols/sia-dcs/account-block.js';
import { SIA_CODES } from '../../src/protocols/sia-dcs/sia-codes.js';
import { parseSiaBlock, siaEvents } from '../../src/protocols/sia-dcs/sia-dcs.js';

t.test('reads the SIA data blocks seen in real traffic', async (t) => {
  t.same(parseSiaBlock('Nri1/CL501'), { ok: true, value: { newOrOld: 'N', events: [{ code: 'CL', number: '501', text: null, modifiers: { ri: '1' } }] } });
  t.same(parseSiaBlock('NRP'), { ok: true, value: { newOrOld: 'N', events: [{ code: 'RP', number: null, text: null, modifiers: {} }] } });
  t.same(parseSiaBlock('NOP1'), { ok: true, value: { newOrOld: 'N', events: [{ code: 'OP', number: '1', text: null, modifiers: {} }] } },
    'N then OP1, not the code NO');
  t.same(parseSiaBlock('OP1'), { ok: true, value: { newOrOld: null, events: [{ code: 'OP', number: '1', text: null, modifiers: {} }] } },
    'a block may start straight with its event');
  t.same(parseSiaBlock('Nri1CL0^VX FRONTE ^'), { ok: true, value: { newOrOld: 'N', events: [{ code: 'CL', number: '0', text: 'VX FRONTE ', modifiers: { ri: '1' } }] } },
    'a modifier runs straight into the event, and text follows it');
  t.same(parseSiaBlock('Nri0001/BH005'), { ok: true, value: { newOrOld: 'N', events: [{ code: 'BH', number: '005', text: null, modifiers: { ri: '0001' } }] } });
});

t.test('several events in one block share the modifiers before them', async (t) => {
  const r = siaEvents('1234', 'Nda04-22-94ti16:02:15/id22/CL/PA31', null);
  t.match(r, { ok: true, value: [
    { account: '1234', code: 'CL', eventClass: 'open_close', qualifier: 'restore', user: 22, zone: null, panelTime: '1994-04-22T16:02:15.000Z' },
    { code: 'PA', eventClass: 'alarm', category: 'panic_holdup', emergency: true, zone: 31, user: 22, panelTime: '1994-04-22T16:02:15.000Z' },
  ] });
  const two = siaEvents('9', 'Nri2/BA3/ri4/FA7', null);
  t.match(two, { ok: true, value: [{ code: 'BA', zone: 3, partition: 2 }, { code: 'FA', zone: 7, partition: 4, category: 'fire' }] }, 'a later ri changes the area');
});

t.test('the number after a code is a zone, a user or an area by code', async (t) => {
  t.match(siaEvents('1', 'NBA12', null), { ok: true, value: [{ zone: 12, user: null }] });
  t.match(siaEvents('1', 'NOP7', null), { ok: true, value: [{ zone: null, user: 7, qualifier: 'new' }] }, 'an opening by user 7');
  t.match(siaEvents('1', 'NCG3', null), { ok: true, value: [{ zone: null, user: null, partition: 3 }] }, 'an area closing');
  t.match(siaEvents('1', 'Nti09:15/BA1', '2026-11-22T23:59:59.000Z'), { ok: true, value: [{ panelTime: '2026-11-22T09:15:00.000Z' }] },
    'ti without da takes the frame date');
});

t.test('hold-up and panic alarms are emergencies; their restores and other codes are not', async (t) => {
  const emergency = [...SIA_CODES.values()].filter((c) => c.emergency).map((c) => c.code).sort();
  t.same(emergency, ['HA', 'PA']);
  t.match(siaEvents('1', 'NHA1', null), { ok: true, value: [{ emergency: true, category: 'panic_holdup' }] });
  t.match(siaEvents('1', 'NHR1', null), { ok: true, value: [{ emergency: false, qualifier: 'restore' }] });
});

t.test('an unknown code is kept as an unclassified event', async (t) => {
  t.match(siaEvents('1', 'NZQ5', null), { ok: true, value: [{ code: 'ZQ', eventClass: 'unclassified', category: 'unknown', zone: 5 }] });
});

t.test('refuses a block it cannot read, with MALFORMED', async (t) => {
  for (const bad of ['', 'N', 'N/', '12345', 'NBA1^unclosed', 'N^text^', 'N!!']) {
    const r = parseSiaBlock(bad);
    t.equal(r.ok ? 'ok' : r.error.code, 'MALFORMED', JSON.stringify(bad));
  }
});

t.test('the account block: with and without # and account', async (t) => {
  t.same(parseAccountBlock('#1234|NBA1'), { account: '1234', payload: 'NBA1' });
  t.same(parseAccountBlock('36214|NRP'), { account: '36214', payload: 'NRP' });
  t.same(parseAccountBlock('|Nri1/CL501'), { account: null, payload: 'Nri1/CL501' });
  t.same(parseAccountBlock('NRP'), { account: null, payload: 'NRP' });
  t.same(parseAccountBlock('Nri1BA5^A|B^'), { account: null, payload: 'Nri1BA5^A|B^' }, 'a bar in text is not an account');
});
