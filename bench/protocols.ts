// npm run bench -- protocols
// Frames per second through the pure codecs, on one core (this process, one thread).
import { randomBytes } from 'node:crypto';
import { decodeContactId } from '../src/protocols/contact-id/contact-id.js';
import { encodeDc09Ack } from '../src/protocols/dc09/dc09-reply.js';
import { decodeDc09, readDc09Header } from '../src/protocols/dc09/decode-dc09.js';
import { encodeDc09 } from '../src/protocols/dc09/encode-dc09.js';
import { decodeSurGard, encodeSurGardContactId } from '../src/protocols/receiver-output/index.js';
import { keepAlive, measure, report } from './measure.js';

const now = Date.parse('2026-11-22T12:00:00Z');
const key = Buffer.from('0123456789ABCDEF', 'latin1');
const keyFor = () => key;

// A mix of messages, so that no single string stays hot in a cache of the engine's.
const cid = ['1234181131010158', '123418313701015F', '1234181121010014', '1234181401020035', '1234181130010190'];
const plain = [
  encodeDc09({ token: 'ADM-CID', seq: 8, receiver: '12', prefix: '3', account: '1234', data: '#1234|1130 01 005', timestamp: now }),
  encodeDc09({ token: 'SIA-DCS', seq: 7, receiver: '12', prefix: '3', account: '1234', data: '#1234|Nri1BA5', timestamp: now }),
  encodeDc09({ token: 'NULL', seq: 0, receiver: '12', prefix: '3', account: '1234', timestamp: now }),
];
const aes = plain.map((f) => {
  const r = decodeDc09(f, { now });
  if (!r.ok) throw new Error(r.error.message);
  const { frame } = r.value;
  return encodeDc09({ ...frame, timestamp: now }, { key, random: randomBytes });
});
const header = readDc09Header(plain[0]!)!;
const surgard = [
  encodeSurGardContactId({ receiver: '01', line: '100', account: '1234', qualifier: 'E', eventCode: '130', group: '01', zoneOrUser: '005' }),
  encodeSurGardContactId({ receiver: '01', line: '101', account: '4321', qualifier: 'R', eventCode: '301', group: '00', zoneOrUser: '000' }),
].map((b) => b.subarray(0, -1)); // as the serial framer hands them: without the DC4

console.log(`node ${process.version}, one thread; each figure is the median of 5 rounds of 1 s after a warm-up\n`);
const results = [
  report(measure('Contact ID decode (16 digits)', (i) => decodeContactId(cid[i % cid.length]!)), 2_000_000),
  report(measure('DC-09 decode, plain', (i) => decodeDc09(plain[i % plain.length]!, { now })), 1_000_000),
  report(measure('DC-09 decode, AES-128', (i) => decodeDc09(aes[i % aes.length]!, { now, keyFor }))),
  report(measure('Sur-Gard Contact ID line decode', (i) => decodeSurGard(surgard[i % surgard.length]!))),
  report(measure('DC-09 ACK encode', () => encodeDc09Ack(header, { now }))),
];
for (const line of results) console.log(line);
keepAlive();
