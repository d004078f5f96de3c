/**
 * Character-code helpers for the hot paths of the codecs: every received frame passes through
 * them, so they look at char codes instead of building regular expressions and substrings.
 */

/** 0-15 for 0-9, A-F, a-f; -1 otherwise. */
export function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

export function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** True when s[start, end) is all hex digits (and not empty). */
export function isHexRun(s: string, start = 0, end = s.length): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (hexValue(s.charCodeAt(i)) < 0) return false;
  return true;
}

/** The decimal value of s[start, end), or -1 when any character is not a digit. */
export function decimalAt(s: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/** Bytes as latin1 text without copying them when they already are a Buffer. */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.toString('latin1', start, end);
}

/**
 * A numeric field: decimal digits read as decimal, 0 meaning none. Fields with pseudo-hex digits
 * B-F (rare, vendor-specific) are read as hexadecimal so that they stay distinct.
 */
export function numberField(field: string): number | null {
  let decimal = 0;
  let hex = 0;
  let isDecimal = true;
  for (let i = 0; i < field.length; i++) {
    const v = hexValue(field.charCodeAt(i));
    if (v > 9) isDecimal = false;
    decimal = decimal * 10 + v;
    hex = hex * 16 + v;
  }
  const n = isDecimal ? decimal : hex;
  return n === 0 ? null : n;
}
