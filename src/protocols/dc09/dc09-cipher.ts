import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * DC-09 §5.4.4: AES-CBC with a 128/192/256-bit key and an all-zero IV, over
 * `pad | data ] [xdata] _timestamp`, whole blocks, no PKCS#7. Every implementation examined
 * (pysiaalarm, ioBroker.sia, dc09_spt) uses IV 0.
 */
const ZERO_IV = Buffer.alloc(16);
const HEX = /^[0-9a-fA-F]+$/;

/** The plaintext, or null when the text is not hex of whole blocks. */
export function decryptDc09(ciphertextHex: string, key: Uint8Array): Buffer | null {
  if (ciphertextHex.length === 0 || ciphertextHex.length % 32 !== 0 || !HEX.test(ciphertextHex)) return null;
  const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, ZERO_IV);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(ciphertextHex, 'hex')), decipher.final()]);
}

/**
 * Upper-case hex ciphertext of `pad | region`. The pad fills the region to whole blocks, and is a
 * full block when the region already is (§5.4.4.3); pad bytes come from `random` and never are
 * `|`, `[` or `]`.
 */
export function encryptDc09(region: string, key: Uint8Array, random: (n: number) => Uint8Array): string {
  const body = Buffer.from(`|${region}`, 'latin1');
  const padLength = 16 - (body.length % 16);
  const pad = Buffer.from(random(padLength)).map((b) => (b === 0x7c || b === 0x5b || b === 0x5d ? b ^ 0x01 : b));
  const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, ZERO_IV);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([pad, body])), cipher.final()]).toString('hex').toUpperCase();
}

/**
 * The part of a decrypted body after the pad. The spec ends the pad with `|`; pysiaalarm's own
 * frames have no `|`, so without one the pad runs to the first `#` or `]`.
 */
export function stripDc09Pad(plain: string): string {
  const bar = plain.indexOf('|');
  if (bar >= 0) return plain.slice(bar + 1);
  const hash = plain.indexOf('#');
  const close = plain.indexOf(']');
  const starts = [hash, close].filter((i) => i >= 0);
  return starts.length === 0 ? plain : plain.slice(Math.min(...starts));
}
