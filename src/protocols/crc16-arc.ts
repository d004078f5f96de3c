/**
 * CRC-16/ARC (poly 0x8005 reflected as 0xA001, init 0, no final XOR; check value of
 * "123456789" is 0xBB3D). DC-09 and the Bosch D6600 SIA mode use it. Every frame arc receives
 * goes through here, so it takes two bytes a step: for a 16-bit CRC the state after two bytes
 * depends only on crc ^ (b0 | b1 << 8), which a 64 Ki-entry table (128 KiB, 2 ms to build)
 * maps in one lookup, twice as fast as the byte-wise table (bench: protocols).
 */
const BYTE = new Uint16Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  BYTE[n] = c;
}
const PAIR = new Uint16Array(65536);
for (let x = 0; x < 65536; x++) {
  const low = BYTE[x & 0xff]!;
  PAIR[x] = (low >>> 8) ^ BYTE[((x >>> 8) ^ low) & 0xff]!;
}

export function crc16Arc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  let i = start;
  for (; i + 1 < end; i += 2) crc = PAIR[crc ^ bytes[i]! ^ (bytes[i + 1]! << 8)]!;
  if (i < end) crc = (crc >>> 8) ^ BYTE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}
