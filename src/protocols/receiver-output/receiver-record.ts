import type { AlarmEvent } from '../alarm-event.js';

/** The receivers' computer-output formats arc reads on a serial port. */
export type ReceiverFormat = 'surgard' | 'ademco685' | 'd6500' | 'd6600-sia' | 'cfsk';

/**
 * One record a phone-line receiver wrote to the automation computer: an event it decoded from a
 * panel, or its own heartbeat (which supervises the receiver itself).
 */
export interface ReceiverRecord {
  format: ReceiverFormat;
  kind: 'event' | 'heartbeat';
  /** The receiver number (RR) and the line card or group (L / LLL) the call came in on. */
  receiver: string;
  line: string;
  /** The format's own protocol or message-type letter: Sur-Gard '5', 'Q', 'S', '1'; Bosch 'a', 'i'… */
  protocol: string;
  account: string | null;
  /** Bosch SIA mode numbers its records; others do not. */
  seq: number | null;
  /** The payload as the receiver wrote it (the Contact ID digits, the SIA block…). */
  data: string;
}

export interface ReceiverMessage {
  record: ReceiverRecord;
  events: AlarmEvent[];
}

/** Longer than any record the manuals describe (a Sur-Gard SIA block is at most 66 bytes). */
export const RECEIVER_RECORD_MAX_BYTES = 256;
