import t from 'tap';
import { accountDirectoryOf } from '../../../src/receivers/account-directory.js';
import { ACK_BYTES, encodeD6600Sia, encodeD6600SiaReply, encodeSurGardContactId, encodeSurGardHeartbeat, NAK_BYTES } from '../../../src/protocols/receiver-output/index.js';
import { RecordFramer } from '../../../src/receivers/serial/record-framer.js';
import { serialReception } from '../../../src/receivers/serial/record-reception.js';
import { ReceiverSupervision } from '../../../src/receivers/serial/receiver-supervision.js';
import { reopenDelay } from '../../../src/receivers/serial/reopen-backoff.js';
import { serialFormatRules } from '../../../src/receivers/serial/serial-format.js';

const cid = (account = '1234') => encodeSurGardContactId({ receiver: '01', line: '100', account, qualifier: 'E', eventCode: '130', group: '01', zoneOrUser: '003' });
const latin = (b: Buffer) => b.toString('latin1');

t.test('framer: DC4 records split, joined and surrounded by stray CR/LF', async (t) => {
  const f = new RecordFramer({ terminators: [0x14], leader: null, maxBytes: 256 });
  const one = cid();
  t.same(f.push(one.subarray(0, 7)), [], 'half a record is held');
  const out = f.push(Buffer.concat([one.subarray(7), Buffer.from('\r\n'), encodeSurGardHeartbeat('01'), Buffer.from('\r\n')]));
  t.same(out.map((r) => [r.kind, latin(r.bytes)]), [['record', latin(one)], ['record', latin(encodeSurGardHeartbeat('01'))]], 'stray CR LF dropped');
  t.same(f.push(Buffer.from([0x14, 0x14])), [], 'empty records are noise');
});

t.test('framer: LF…CR formats keep their leading LF', async (t) => {
  const f = new RecordFramer({ terminators: [0x0d], leader: 0x0a, maxBytes: 256 });
  const out = f.push(Buffer.from('\n\n\r\n01 1234 18 E130 01 C003\r\n', 'latin1'));
  t.same(out.map((r) => latin(r.bytes)), ['\n01 1234 18 E130 01 C003\r']);
});

t.test('framer: a run without terminator is cut at maxBytes and dropped to the next terminator', async (t) => {
  const f = new RecordFramer({ terminators: [0x14], leader: null, maxBytes: 16 });
  const out = f.push(Buffer.from('A'.repeat(40), 'latin1'));
  t.equal(out.length, 1);
  t.equal(out[0]!.kind, 'oversized');
  t.equal(out[0]!.bytes.length, 17, 'what is kept is bounded');
  t.same(f.push(Buffer.from('B'.repeat(100), 'latin1')), [], 'the rest of the run is dropped');
  t.same(f.push(Buffer.from('BB\x14OK\x14', 'latin1')).map((r) => latin(r.bytes)), ['OK\x14'], 'framing resumes after the terminator');
  f.push(Buffer.from('part', 'latin1'));
  f.reset();
  t.same(f.push(Buffer.from('new\x14', 'latin1')).map((r) => latin(r.bytes)), ['new\x14'], 'reset drops a partial record');
});

t.test('format rules: answers', async (t) => {
  const sg = serialFormatRules('surgard');
  const decoded = sg.decode(cid());
  t.ok(decoded.ok);
  if (decoded.ok) t.same(sg.ack(decoded.value.record), ACK_BYTES);
  t.same(sg.nak(Buffer.from('junk')), NAK_BYTES);

  const d66 = serialFormatRules('d6600-sia');
  const rec = encodeD6600Sia({ type: 'E', seq: 104, receiver: '01', line: '01', account: '4444', data: 'NOP' });
  const d = d66.decode(rec);
  t.ok(d.ok, 'D6600 record decodes');
  if (d.ok) t.same(d66.ack(d.value.record), encodeD6600SiaReply({ ack: true, seq: 104, receiver: '01', line: '01' }), 'ACK frame echoes seq, receiver, line');
  const bad = Buffer.from(latin(rec).replace('NOP', 'NOQ'), 'latin1');
  t.notOk(d66.decode(bad).ok, 'a changed byte fails the CRC');
  t.same(d66.nak(bad), encodeD6600SiaReply({ ack: false, seq: 0, receiver: '01', line: '00' }), 'NAK names the receiver read from the record');
  t.same(d66.nak(Buffer.from('\nxx\r')), encodeD6600SiaReply({ ack: false, seq: 0, receiver: '00', line: '00' }), 'unreadable receiver: 00');

  const cfsk = serialFormatRules('cfsk');
  t.ok(cfsk.decode(Buffer.from('0012343101\n')).ok, 'CFSK ended by LF decodes');
  t.ok(cfsk.decode(Buffer.from('0012343101\r')).ok, 'CFSK ended by CR decodes');
  t.ok(serialFormatRules('d6500').decode(Buffer.from(`1010${' '.repeat(11)}@    \x14`, 'latin1')).ok, 'D6500 link test');
  t.ok(serialFormatRules('ademco685').decode(Buffer.from('\n01 1234 18 E130 01 C003\r')).ok, 'Ademco 685');
});

t.test('reception: outcomes and dedup keys', async (t) => {
  const origin = { name: 'sg1', path: '/dev/ttyS0', format: 'surgard' as const };
  const accounts = accountDirectoryOf([{ number: '1234', aesKey: null, encryptedOnly: false }]);
  const sg = serialFormatRules('surgard');
  const make = (raw: Buffer) => serialReception(origin, raw, 42, sg.decode(raw), accounts);

  const signal = make(cid());
  t.match(signal, { transport: 'serial', receiver: 'sg1', peer: '/dev/ttyS0', receivedAt: 42, format: 'surgard', account: '1234', outcome: 'signal', error: null });
  t.equal(signal.events.length, 1);
  t.equal(make(cid('9999')).outcome, 'unregistered');
  t.equal(make(encodeSurGardHeartbeat('01')).outcome, 'receiver');
  const refused = make(Buffer.from('garbage\x14'));
  t.match(refused, { outcome: 'refused', error: { code: 'MALFORMED' }, dedupKey: null, account: null, frame: null });
  t.equal(make(cid()).dedupKey, signal.dedupKey, 'a retransmission has the same key');
  t.equal(make(Buffer.concat([cid().subarray(0, -1), Buffer.from('\r\x14')])).dedupKey, signal.dedupKey, 'a trailing CR does not change the key');
  t.not(make(cid('9999')).dedupKey, signal.dedupKey);
  t.not(serialReception({ ...origin, name: 'sg2' }, cid(), 42, sg.decode(cid()), accounts).dedupKey, signal.dedupKey, 'the key names the receiver');
});

t.test('supervision: pending, up, silent, up, disconnected', async (t) => {
  const s = new ReceiverSupervision(1000);
  s.opened(0);
  t.equal(s.check(1000), null, 'within the interval');
  t.match(s.check(1001), { status: 'silent', at: 1001 }, 'never heard after open: silent');
  t.match(s.heard(1500), { status: 'up' });
  t.equal(s.heard(1600), null, 'no change, no report');
  t.equal(s.check(2600), null);
  t.match(s.check(2601), { status: 'silent' });
  t.equal(s.check(9000), null, 'reported once');
  t.match(s.lost(9100, 'gone'), { status: 'disconnected', reason: 'gone' });
  t.equal(s.lost(9200, 'gone'), null);
  s.opened(9300);
  t.equal(s.check(99999), null, 'a disconnected receiver is not also silent');
  t.match(s.heard(99999), { status: 'up' });
});

t.test('reopen backoff doubles to a ceiling', async (t) => {
  t.same([0, 1, 2, 3, 6, 7, 100].map((a) => reopenDelay(a)), [500, 1000, 2000, 4000, 30000, 30000, 30000]);
  t.equal(reopenDelay(2, { initialMs: 10, maxMs: 25 }), 25);
});
