import t from 'tap';
import { formatRecordedFrame, parseRecordedFrame, parseRecording, type RecordedFrame } from '../../src/replay/recorded-frame.js';
import { RecordingLineError } from '../../src/replay/replay-error.js';
import { prng } from '../helpers/prng.js';

const frame = (raw: Buffer, time = Date.UTC(2026, 10, 23, 10, 15, 0, 123)): RecordedFrame => ({ time, transport: 'tcp', receiver: 'dc09', peer: '203.0.113.5:40211', raw });

t.test('every byte value, and random binary frames, come back exact; a line is one line of ASCII', async (t) => {
  const random = prng(20261123);
  const samples = [Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from([0x0a]), Buffer.from('\u2028', 'latin1')];
  for (let i = 0; i < 300; i++) samples.push(Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256))));
  for (const raw of samples) {
    const line = formatRecordedFrame(frame(raw));
    if (!/^[\x20-\x7e]+$/.test(line)) t.fail(`not one printable ASCII line: ${line.slice(0, 60)}`);
    const back = parseRecordedFrame(line, 1);
    if (!back.raw.equals(raw)) t.fail(`bytes changed: ${raw.toString('hex')}`);
  }
  const back = parseRecordedFrame(formatRecordedFrame({ ...frame(samples[0]!), seq: '7', account: null, outcome: 'refused', error: 'GARBAGE' }), 1);
  t.same({ ...back, raw: back.raw.toString('hex') }, { ...frame(samples[0]!), raw: samples[0]!.toString('hex'), seq: '7', account: null, outcome: 'refused', error: 'GARBAGE' }, 'every field round-trips, time to the ms');
});

t.test('a text frame reads as itself', async (t) => {
  const line = formatRecordedFrame(frame(Buffer.from('\nBEEA0027"ADM-CID"0001L0#1234[#1234|1130 01 001]\r', 'latin1')));
  t.equal(line, '{"time":"2026-11-23T10:15:00.123Z","transport":"tcp","receiver":"dc09","peer":"203.0.113.5:40211","raw":"\\nBEEA0027\\"ADM-CID\\"0001L0#1234[#1234|1130 01 001]\\r"}');
  t.match(formatRecordedFrame(frame(Buffer.from([0x35, 0x14, 0xe9]))), /"raw":"5\\u0014\\u00e9"/, 'control and high bytes as \\u00XX');
});

t.test('a bad line is refused with its line number and what is wrong', async (t) => {
  const good = formatRecordedFrame(frame(Buffer.from('x')));
  const cases: [string, RegExp][] = [
    ['not json', /not a JSON object/],
    ['[1,2]', /not a JSON object/],
    [good.replace('"transport":"tcp"', '"transport":"smtp"'), /"transport" is tcp, udp or serial/],
    [good.replace('"time":"2026-11-23T10:15:00.123Z"', '"time":"yesterday"'), /"time" is an ISO 8601 time/],
    [good.replace('"time":"2026-11-23T10:15:00.123Z"', '"time":1795400000000'), /"time" is missing or not a string/],
    [good.replace(',"peer":"203.0.113.5:40211"', ''), /"peer" is missing/],
    [good.replace('"raw":"x"', '"raw":""'), /"raw" is empty/],
    [good.replace('"raw":"x"', '"raw":"\\u4e2d"'), /above \\u00ff at 0/],
  ];
  for (const [bad, message] of cases) {
    const text = `${good}\n\n${bad}\n${good}\n`;
    try {
      parseRecording(text);
      t.fail(`accepted: ${bad}`);
    } catch (err) {
      t.ok(err instanceof RecordingLineError, bad);
      t.match(err, { code: 'BAD_RECORDING_LINE', line: 3, message }, bad);
      t.match((err as Error).message, /^line 3: /);
    }
  }
  t.equal(parseRecording(`${good}\r\n\n   \n${good}`).length, 2, 'blank lines and CRLF endings are fine');
});
