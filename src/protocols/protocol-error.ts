/**
 * Every way a frame can be refused, with a stable code. A refusal is a value, not an exception:
 * decoders return `{ ok: false, error }` and never throw. The receiver's answer (NAK, DUH), the
 * journal row and the metric label all derive from the code, so the codes never change meaning.
 * README.md lists them in a table; a test keeps the two in step.
 */
export const PROTOCOL_ERRORS = {
  MALFORMED: 'the bytes do not have the shape the format requires',
  BAD_CHECKSUM: 'Contact ID checksum: the digit values do not sum to a multiple of 15',
  CRC_MISMATCH: 'the CRC-16 in the frame does not match the CRC of its content',
  LENGTH_MISMATCH: 'the length field does not match the byte count of the content',
  UNKNOWN_TOKEN: 'a DC-09 ID token arc does not process (answered with DUH)',
  NO_KEY: 'an encrypted frame from an account that has no AES key',
  DECRYPT_FAILED: 'the ciphertext is not hex of whole AES blocks, or does not decrypt to a DC-09 body',
  MISSING_TIMESTAMP: 'an encrypted DC-09 message without the timestamp the spec requires',
  TIMESTAMP_OUT_OF_WINDOW: 'the DC-09 timestamp is more than 20 s ahead of or 40 s behind the receiver clock',
  OVERSIZED: 'the frame is longer than the format allows',
  UNKNOWN_FORMAT: 'no known format matches the bytes',
} as const;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;

export interface ProtocolError {
  code: ProtocolErrorCode;
  message: string;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

export function accept<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

export function refuse<T = never>(code: ProtocolErrorCode, message: string): Decoded<T> {
  return { ok: false, error: { code, message } };
}
