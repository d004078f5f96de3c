import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import {
  ACK_BYTES,
  decodeAdemco685,
  decodeCfsk,
  decodeD6500,
  decodeD6600Sia,
  decodeSurGard,
  encodeAdemco685,
  encodeCfsk,
  encodeD6500Cfsk,
  encodeD6500ContactId,
  encodeD6600Sia,
  encodeD6600SiaReply,
  encodeSurGardContactId,
  encodeSurGardHeartbeat,
  encodeSurGardSia,
  NAK_BYTES,
  parseCfskTable,
} from '../../src/protocols/receiver-output/index.js';
import { decodeFrame, detectFormat } from '../../src/protocols/decode-frame.js';
import { loadVectors, repoRoot, wireBytes } from '../helpers/vectors.js';

type Expect = Record<string, string | boolean>;
const vectors = loadVectors<{ vectors: { id: string; wire: string; expect: Expect }[] }>('receiver_output.json').vectors;
const byId = (id: string) => vectors.find((v) => v.id === id)!;
const q = { E: 'new', R: 'restore', P: 'status', '1': 'new', '3': 'restore', '6': 'status' } as Record<string, string>;

t.test('every receiver-output vector decodes to what it says, format detected from its bytes', async (t) => {
  for (const v of vectors) {
    const bytes = wireBytes(v);
    const e = v.expect;
    if (e.ack || e.nak) {
      t.same(bytes, e.ack ? ACK_BYTES : NAK_BYTES, `${v.id} is the handshake byte`);
      continue;
    }
    const r = decodeFrame(bytes, 'auto', { now: 0 });
    if (!r.ok) { t.fail(`${v.id}: ${r.error.code} ${r.error.message}`); continue; }
    const record = r.value.frame as Record<string, unknown>;
    t.equal(record.receiver, e.receiver, `${v.id} receiver`);
    if (e.line !== undefined) t.equal(record.line, e.line, `${v.id} line`);
    if (e.heartbeat) { t.match(r.value, { frame: { kind: 'heartbeat' }, events: [] }, `${v.id} is a heartbeat`); continue; }
    if (e.event_code !== undefined) {
      t.match(r.value.events, [{ account: e.account, code: e.event_code, qualifier: q[e.qualifier as string], partition: Number(e.group ?? e.partition) || null }], `${v.id} Contact ID event`);
      const ev = r.value.events[0]!;
      t.equal(ev.zone ?? ev.user, Number(e.zone_or_user), `${v.id} zone or user`);
    }
    if (e.sia_data !== undefined) t.match(r.value.events, [{ code: 'CL', user: 22 }, { code: 'PA', zone: 31, emergency: true }], `${v.id} SIA events`);
    if (e.bracket !== undefined) {
      t.equal(`[${String(record.data)}]`, e.bracket, `${v.id} bracket`);
      t.equal(record.seq, Number(e.seq), `${v.id} seq`);
      t.equal(record.protocol, e.message_type, `${v.id} type`);
    }
    if (e.event_code_TT !== undefined) t.match(r.value.events, [{ account: e.account, code: e.event_code_TT, zone: Number(e.zone_user_EE), eventClass: 'unclassified' }], `${v.id} CFSK`);
    if (e.event === 'C') t.match(r.value.events, [{ protocol: 'basic', code: 'C', eventClass: 'open_close', qualifier: 'restore', user: 128, partition: 1 }], `${v.id} basic`);
  }
});

t.test('each format is detected by its shape', async (t) => {
  const cases: [string, string][] = [
    ['surgard-cid-lll', 'surgard'], ['surgard-heartbeat-rrl', 'surgard'], ['surgard-sia', 'surgard'], ['surgard-basic-oc-group', 'surgard'],
    ['d6600-sia-telim', 'd6600-sia'], ['d6600-d6500-cid-template', 'd6500'], ['d6600-d6500-cfsk-template', 'd6500'], ['ademco685-cid-template', 'ademco685'],
  ];
  for (const [id, format] of cases) t.equal(detectFormat(wireBytes(byId(id))), format, id);
  t.equal(detectFormat(Buffer.from('1234563105')), 'cfsk');
  t.equal(detectFormat(Buffer.from('hello world')), null);
});

t.test('the D6600 SIA mode checks its CRC and length; raw payloads stay visible', async (t) => {
  const good = byId('d6600-sia-silent-knight-fsk0').wire;
  t.match(decodeD6600Sia(good.replace('NOP', 'NCL')), { ok: false, error: { code: 'CRC_MISMATCH' } });
  const longer = encodeD6600Sia({ type: 'E', seq: 104, receiver: '01', line: '01', account: '4444', data: 'NOP' }).toString('latin1').replace(/^\n(....)14/, '\n$115');
  t.match(decodeD6600Sia(longer), { ok: false, error: { code: 'LENGTH_MISMATCH' } });
  t.match(decodeD6600Sia(byId('d6600-sia-telim').wire), { ok: true, value: { events: [{ protocol: 'raw', eventClass: 'unclassified', account: '000257', text: '1090000000110000000' }] } },
    'a Telim payload arc cannot interpret is one unclassified event, not a loss');
  t.match(decodeD6600Sia(byId('d6600-sia-varitech-fsk-4-2').wire), { ok: true, value: { events: [{ code: 'BA', zone: 98 }] } });
});

t.test('refusals carry their code', async (t) => {
  const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
  t.equal(code(decodeSurGard('')), 'MALFORMED');
  t.equal(code(decodeSurGard('\x14')), 'MALFORMED');
  t.equal(code(decodeSurGard('501100 181234X12101001')), 'MALFORMED', 'a qualifier that is not E/R/P');
  t.equal(code(decodeSurGard('501100 1812')), 'MALFORMED', 'truncated');
  t.equal(code(decodeSurGard('5'.repeat(300))), 'OVERSIZED');
  t.equal(code(decodeAdemco685('\n11 1234 18 E131 01 X015\r')), 'MALFORMED');
  t.equal(code(decodeD6500('a011 12341811310101')), 'MALFORMED');
  t.equal(code(decodeD6600Sia('\n3E67')), 'MALFORMED');
  t.equal(code(decodeCfsk('12345')), 'MALFORMED');
});

t.test('encode then decode gives back the same record, for every encoder', async (t) => {
  const cid = { account: '1234', qualifier: '1', eventCode: '130', group: '02', zoneOrUser: '017' };
  const event = { code: '130', qualifier: 'new', partition: 2, zone: 17, account: '1234' };
  t.match(decodeSurGard(encodeSurGardContactId({ receiver: '01', line: '100', ...cid })), { ok: true, value: { record: { receiver: '01', line: '100', protocol: '5' }, events: [event] } });
  t.match(decodeSurGard(encodeSurGardContactId({ receiver: '02', line: '7', ...cid, account: '0012345678', qualifier: '3' })),
    { ok: true, value: { record: { protocol: 'Q', line: '007' }, events: [{ account: '0012345678', qualifier: 'restore' }] } }, 'a 10-digit account goes out as Q/58');
  t.match(decodeSurGard(encodeSurGardSia({ receiver: '01', line: '001', account: '1234', data: 'Nri1/BA5' })), { ok: true, value: { events: [{ code: 'BA', zone: 5, partition: 1 }] } });
  t.match(decodeSurGard(encodeSurGardHeartbeat('07')), { ok: true, value: { record: { kind: 'heartbeat', receiver: '07', line: '000' } } });
  t.match(decodeAdemco685(encodeAdemco685({ receiver: '3', lineGroup: '4', ...cid })), { ok: true, value: { record: { receiver: '3', line: '4' }, events: [event] } });
  t.match(decodeD6500(encodeD6500ContactId({ receiver: '05', line: 'B', ...cid, qualifier: 'E' })), { ok: true, value: { record: { receiver: '05', line: 'B' }, events: [event] } });
  t.match(decodeD6500(encodeD6500Cfsk({ receiver: '01', line: '2', account: '654321', event: '41', number: '03' })), { ok: true, value: { record: { account: '654321' }, events: [{ code: '41', zone: 3 }] } });
  t.match(decodeCfsk(encodeCfsk({ account: '1', event: '31', number: '5' })), { ok: true, value: { record: { account: '000001' }, events: [{ code: '31', zone: 5 }] } });
  t.match(decodeD6600Sia(encodeD6600Sia({ type: 'E', seq: 9, receiver: '01', line: '02', account: '777', data: 'NFA3' })), { ok: true, value: { record: { seq: 9, line: '02' }, events: [{ code: 'FA', zone: 3 }] } });
  const ack = encodeD6600SiaReply({ ack: true, seq: 104, receiver: '01', line: '01' }).toString('latin1');
  t.match(ack, /^\n[0-9A-F]{4}\t01040101\[\]\r$/);
  t.match(encodeD6600SiaReply({ ack: false, seq: 104, receiver: '01', line: '01' }).toString('latin1'), /^\n[0-9A-F]{4}\t00000100\[\]\r$/);
});

t.test('a CFSK table set by the administrator gives events their meaning', async (t) => {
  const example = parseCfskTable(readFileSync(join(repoRoot, 'fixtures', 'cfsk-event-table.example.json'), 'utf8'));
  if (!example.ok) throw new Error(example.error.message);
  t.match(decodeCfsk('1234564103', example.value), { ok: true, value: { events: [{ code: '41', eventClass: 'alarm', category: 'panic_holdup', emergency: true, zone: 3 }] } });
  t.match(decodeCfsk('1234567107', example.value), { ok: true, value: { events: [{ eventClass: 'open_close', user: 7, zone: null }] } });
  t.match(decodeCfsk('1234569907', example.value), { ok: true, value: { events: [{ code: '99', eventClass: 'unclassified' }] } }, 'a code the table lacks is unclassified');
  t.match(decodeFrame(Buffer.from('i011    1234564103  \x14', 'latin1'), 'auto', { now: 0, cfskTable: example.value }), { ok: true, value: { events: [{ emergency: true }] } },
    'the table reaches D6500 type-i records too');
  t.match(parseCfskTable('{"7": {}}'), { ok: false, error: { message: /"7": the code is two digits/ } });
  t.match(parseCfskTable('{"31": {"description": "x", "eventClass": "alarmish", "category": "c"}}'), { ok: false, error: { message: /eventClass is one of/ } });
  t.match(parseCfskTable('[]'), { ok: false });
});
