/**
 * Refusals that are the receiver's, not the codec's: the frame decoded, but arc does not accept
 * it. Stable codes, as PROTOCOL_ERRORS; README.md lists both tables.
 */
export const RECEIVER_ERRORS = {
  ENCRYPTION_REQUIRED: 'a plain frame from an account marked encrypted-only',
  GARBAGE: 'bytes outside any frame (before the LF that starts a DC-09 frame)',
} as const;

export type ReceiverErrorCode = keyof typeof RECEIVER_ERRORS;

export interface ReceiverError {
  code: ReceiverErrorCode;
  message: string;
}
