import { latin1 } from '../ascii.js';
import { accept, refuse, type Decoded } from '../protocol-error.js';
import { CR, DC4, LF } from './control-bytes.js';
import { RECEIVER_RECORD_MAX_BYTES } from './receiver-record.js';

/**
 * A record's text without its framing: the serial framer may or may not have stripped the
 * terminator (DC4, or LF…CR), so both are accepted.
 */
export function recordText(input: Uint8Array | string, name: string): Decoded<string> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  if (bytes.length > RECEIVER_RECORD_MAX_BYTES) return refuse('OVERSIZED', `a ${name} record is at most ${RECEIVER_RECORD_MAX_BYTES} bytes, got ${bytes.length}`);
  let start = 0;
  let end = bytes.length;
  if (bytes[end - 1] === DC4) end--;
  if (bytes[start] === LF) start++;
  if (bytes[end - 1] === CR) end--;
  if (end <= start) return refuse('MALFORMED', `an empty ${name} record`);
  return accept(latin1(bytes, start, end));
}
