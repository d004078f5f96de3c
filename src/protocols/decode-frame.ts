import type { AlarmEvent } from './alarm-event.js';
import { latin1 } from './ascii.js';
import { decodeContactId } from './contact-id/contact-id.js';
import { decodeDc09, type Dc09DecodeOptions } from './dc09/decode-dc09.js';
import { refuse, type Decoded } from './protocol-error.js';
import {
  decodeAdemco685,
  decodeCfsk,
  decodeD6500,
  decodeD6600Sia,
  decodeSurGard,
  type CfskEventTable,
  type ReceiverMessage,
} from './receiver-output/index.js';

/** Every format `decodeFrame` reads. */
export const FRAME_FORMATS = ['contact-id', 'dc09', 'surgard', 'ademco685', 'd6500', 'd6600-sia', 'cfsk'] as const;
export type FrameFormat = (typeof FRAME_FORMATS)[number];

export interface DecodeFrameOptions extends Dc09DecodeOptions {
  /** The CFSK event table of the receiver the record came from. */
  cfskTable?: CfskEventTable;
}

export interface DecodedFrame {
  format: FrameFormat;
  frame: object;
  events: AlarmEvent[];
}

/**
 * One frame in any format arc reads, to its frame fields and normalised events. With 'auto'
 * the format is told from the bytes (see `detectFormat`). Never throws.
 */
export function decodeFrame(bytes: Uint8Array, format: FrameFormat | 'auto', options: DecodeFrameOptions): Decoded<DecodedFrame> {
  const chosen = format === 'auto' ? detectFormat(bytes) : format;
  if (chosen === null) return refuse('UNKNOWN_FORMAT', 'the bytes match no format arc reads');
  switch (chosen) {
    case 'contact-id': {
      const r = decodeContactId(latin1(bytes).trim());
      return r.ok ? { ok: true, value: { format: chosen, frame: r.value.message, events: [r.value.event] } } : r;
    }
    case 'dc09': {
      const r = decodeDc09(bytes, options);
      return r.ok ? { ok: true, value: { format: chosen, frame: r.value.frame, events: r.value.events } } : r;
    }
    case 'surgard':
      return receiverFrame(chosen, decodeSurGard(bytes));
    case 'ademco685':
      return receiverFrame(chosen, decodeAdemco685(bytes));
    case 'd6500':
      return receiverFrame(chosen, decodeD6500(bytes, options.cfskTable));
    case 'd6600-sia':
      return receiverFrame(chosen, decodeD6600Sia(bytes));
    case 'cfsk':
      return receiverFrame(chosen, decodeCfsk(bytes, options.cfskTable));
  }
}

function receiverFrame(format: FrameFormat, r: Decoded<ReceiverMessage>): Decoded<DecodedFrame> {
  return r.ok ? { ok: true, value: { format, frame: r.value.record, events: r.value.events } } : r;
}

/**
 * The format the bytes look like, from their shape only; null when none fits. Order matters
 * where shapes overlap: a Sur-Gard heartbeat and a D6600 link test look alike, and the two are
 * read the same way.
 */
export function detectFormat(bytes: Uint8Array): FrameFormat | null {
  const start = bytes[0] === 0x0a ? 1 : 0;
  // DC-09: the token's quote after a 4-hex-digit CRC and 0LLL, or after a 2-byte CRC and 0LLL.
  if ((bytes[start + 8] === 0x22 && bytes[start + 4] === 0x30) || (bytes[start + 6] === 0x22 && bytes[start + 2] === 0x30)) return 'dc09';
  let end = bytes.length;
  while (end > start && (bytes[end - 1] === 0x0d || bytes[end - 1] === 0x14)) end--;
  const text = latin1(bytes, start, Math.min(end, start + 64));
  if (/^[0-9A-F]{6}[A-Za-z]\d{8}\[/.test(text)) return 'd6600-sia';
  if (/^[0-9A-F]{2} [0-9A-F]{4} (18|98) /.test(text)) return 'ademco685';
  if (/^[0-9B-Fb-f]{16}$/.test(text)) return 'contact-id';
  if (/^\d{10}$/.test(text)) return 'cfsk';
  if (/^[5QS1][0-9A-F]{2}/.test(text)) return 'surgard';
  if (/^.?[ai1][0-9A-F]{2}[0-9A-Z]/.test(text)) return 'd6500';
  return null;
}
