import t from 'tap';
import { DC09_FRAME_CAP_BYTES, Dc09StreamFramer, type FramerItem } from '../../src/protocols/dc09/dc09-stream-framer.js';
import { encodeDc09 } from '../../src/protocols/dc09/encode-dc09.js';

const frame = (seq: number, crcFormat: 'hex' | 'binary' = 'hex', zone = 5) =>
  encodeDc09({ token: 'ADM-CID', seq, prefix: '0', account: '1234', data: `#1234|1130 01 ${String(zone).padStart(3, '0')}` }, { crcFormat });
const frames = (items: FramerItem[]) => items.filter((i) => i.kind === 'frame').map((i) => (i as { bytes: Buffer }).bytes);

t.test('frames split at every byte, or coalesced, come out whole and in order', async (t) => {
  const sent = [frame(1), frame(2), encodeDc09({ token: 'NULL', seq: 3, prefix: '0', account: '1234' })];
  const stream = Buffer.concat(sent);
  const byByte = new Dc09StreamFramer();
  t.same([...stream].flatMap((b) => frames(byByte.push(Buffer.from([b])))), sent, 'one byte at a time');
  const whole = new Dc09StreamFramer();
  t.same(whole.push(stream), sent.map((bytes) => ({ kind: 'frame', bytes })), 'all at once, nothing else');
  t.equal(whole.pending, 0);
});

t.test('a binary CRC holding CR or LF bytes does not cut the frame short', async (t) => {
  // Find seqs whose binary CRC contains a CR or an LF byte: framing by CR would break them.
  const tricky = Array.from({ length: 999 }, (_, zone) => frame(1, 'binary', zone)).filter((f) => f[1] === 0x0d || f[2] === 0x0d || f[1] === 0x0a || f[2] === 0x0a).slice(0, 3);
  t.ok(tricky.length > 0, 'there are such frames');
  const framer = new Dc09StreamFramer();
  t.same(frames(framer.push(Buffer.concat(tricky))), tricky);
});

t.test('garbage around frames is reported once per run, with its length, and the frames survive', async (t) => {
  const framer = new Dc09StreamFramer();
  const items = framer.push(Buffer.concat([Buffer.from('xx\n0zz'), frame(7), Buffer.from('\n\n\n'), frame(8)]));
  t.same(items.map((i) => i.kind), ['garbage', 'frame', 'garbage', 'frame']);
  t.match(items[0], { kind: 'garbage', length: 6 });
  t.match(items[2], { kind: 'garbage', length: 3 });
  t.same(framer.push(Buffer.from('no frame start at all')).map((i) => i.kind), ['garbage'], 'bytes without an LF are garbage at once, never held');
  t.equal(framer.pending, 0);
});

t.test('a frame whose CR is not where its length says is still handed on (the decoder refuses it)', async (t) => {
  const broken = Buffer.from(frame(9));
  broken[broken.length - 1] = 0x41;
  const framer = new Dc09StreamFramer();
  t.same(frames(framer.push(Buffer.concat([broken, frame(10)]))), [broken, frame(10)]);
});

t.test('a header that declares more than the cap is oversized, and nothing after it is trusted', async (t) => {
  const framer = new Dc09StreamFramer();
  const header = Buffer.from('\n1234' + '0FFF' + '"SIA-DCS"0001L0#1234[');
  const items = framer.push(Buffer.concat([header, Buffer.alloc(100, 0x41)]));
  t.match(items, [{ kind: 'oversized', declared: 1 + 4 + 4 + 0xfff + 1 }]);
  t.ok(1 + 4 + 4 + 0xfff + 1 > DC09_FRAME_CAP_BYTES);
  t.equal(framer.pending, 0, 'nothing is buffered for it');
});
