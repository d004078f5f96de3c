import t from 'tap';
import { decodeFrame, FRAME_FORMATS } from '../../src/protocols/decode-frame.js';
import { PROTOCOL_ERRORS } from '../../src/protocols/protocol-error.js';
import { mutate, prng } from '../helpers/prng.js';
import { loadVectors, wireBytes } from '../helpers/vectors.js';

// Every decoder must answer every input with a value: a decoded frame or a known error code.
const seeds: Buffer[] = [];
for (const file of ['sia_dc09.json', 'receiver_output.json']) {
  for (const v of loadVectors<{ vectors: { wire?: string; wire_hex?: string }[] }>(file).vectors) seeds.push(wireBytes(v));
}
for (const v of loadVectors<{ vectors: { digits: string }[] }>('contact_id.json').vectors) seeds.push(Buffer.from(v.digits, 'latin1'));

const key = Buffer.from('0123456789ABCDEF', 'latin1');
const options = { now: Date.parse('2026-11-22T12:44:30Z'), keyFor: () => key };
const knownCodes = new Set(Object.keys(PROTOCOL_ERRORS));

function answers(bytes: Uint8Array, format: (typeof FRAME_FORMATS)[number] | 'auto'): string | null {
  let r;
  try {
    r = decodeFrame(bytes, format, options);
  } catch (err) {
    return `threw ${String(err)} on ${Buffer.from(bytes).toString('hex')} as ${format}`;
  }
  if (r.ok) return Array.isArray(r.value.events) ? null : `no events array for ${Buffer.from(bytes).toString('hex')}`;
  return knownCodes.has(r.error.code) ? null : `unknown code ${r.error.code}`;
}

t.test('mutated vectors never make a decoder throw; each gets a frame or a known error code', async (t) => {
  const random = prng(20261122);
  let cases = 0;
  const problems: string[] = [];
  for (let round = 0; round < 400; round++) {
    for (const seed of seeds) {
      let bytes: Uint8Array = seed;
      const depth = 1 + Math.floor(random() * 3);
      for (let d = 0; d < depth; d++) bytes = mutate(bytes, random);
      for (const format of ['auto', ...FRAME_FORMATS] as const) {
        const problem = answers(bytes, format);
        if (problem) problems.push(problem);
        cases++;
      }
    }
  }
  t.same(problems.slice(0, 5), [], `${cases} mutated frames`);
});

t.test('random bytes never make a decoder throw', async (t) => {
  const random = prng(7);
  const problems: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const length = Math.floor(random() * 120);
    const bytes = Buffer.alloc(length);
    // Mostly printable, with the frame delimiters the decoders look for.
    for (let j = 0; j < length; j++) bytes[j] = random() < 0.1 ? [0x0a, 0x0d, 0x22, 0x5b, 0x5d, 0x7c, 0x14][Math.floor(random() * 7)]! : 0x20 + Math.floor(random() * 95);
    for (const format of ['auto', ...FRAME_FORMATS] as const) {
      const problem = answers(bytes, format);
      if (problem) problems.push(problem);
    }
  }
  t.same(problems.slice(0, 5), []);
});
