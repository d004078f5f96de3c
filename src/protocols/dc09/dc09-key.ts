import { accept, refuse, type Decoded } from '../protocol-error.js';

/**
 * An AES key for DC-09, stored as raw bytes. Panels and DC-09 tools enter keys as 32/48/64 hex
 * digits; pysiaalarm and Home Assistant use a 16/24/32-character string's ASCII bytes. A
 * 32-character string of hex digits is both a 128-bit hex key and a 256-bit ASCII key: arc reads
 * it as hex, and `ascii:` or `hex:` in front says which one is meant.
 *
 * @example parseDc09Key('30313233343536373839414243444546') // 16 bytes "0123456789ABCDEF"
 * @example parseDc09Key('ascii:0123456789ABCDEF0123456789ABCDEF') // 32 bytes, AES-256
 */
export function parseDc09Key(text: string): Decoded<Buffer> {
  const sizes = [16, 24, 32];
  if (text.startsWith('ascii:')) return asciiKey(text.slice(6));
  if (text.startsWith('hex:')) return hexKey(text.slice(4));
  if (/^[0-9a-fA-F]+$/.test(text) && sizes.includes(text.length / 2)) return hexKey(text);
  if (sizes.includes(text.length)) return asciiKey(text);
  return refuse('MALFORMED', `an AES key is 32, 48 or 64 hex digits or 16, 24 or 32 characters, got ${text.length} characters`);
}

function hexKey(hex: string): Decoded<Buffer> {
  if (!/^[0-9a-fA-F]*$/.test(hex) || ![32, 48, 64].includes(hex.length)) {
    return refuse('MALFORMED', `a hex AES key is 32, 48 or 64 hex digits, got ${hex.length} characters`);
  }
  return accept(Buffer.from(hex, 'hex'));
}

function asciiKey(ascii: string): Decoded<Buffer> {
  if (![16, 24, 32].includes(ascii.length) || /[^\x20-\x7e]/.test(ascii)) {
    return refuse('MALFORMED', `an ASCII AES key is 16, 24 or 32 printable characters, got ${ascii.length}`);
  }
  return accept(Buffer.from(ascii, 'latin1'));
}
