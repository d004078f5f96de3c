import type { SerialPortSetting } from '../../config/settings.js';
import type { Decoded } from '../../protocols/protocol-error.js';
import {
  ACK_BYTES,
  CR,
  DC4,
  decodeAdemco685,
  decodeCfsk,
  decodeD6500,
  decodeD6600Sia,
  decodeSurGard,
  DEFAULT_CFSK_TABLE,
  encodeD6600SiaReply,
  LF,
  NAK_BYTES,
  type CfskEventTable,
  type ReceiverMessage,
  type ReceiverRecord,
} from '../../protocols/receiver-output/index.js';
import type { RecordFramerOptions } from './record-framer.js';

/**
 * What differs between the receivers' computer-output formats on a serial line: how a record
 * ends, how it is decoded, and how the automation answers it. Pure.
 */
export type SerialFormat = SerialPortSetting['format'];

export interface SerialFormatRules {
  framing: Omit<RecordFramerOptions, 'maxBytes'>;
  decode(bytes: Uint8Array): Decoded<ReceiverMessage>;
  /** The answer once the record is journaled: the receiver sends the next one only after it. */
  ack(record: ReceiverRecord): Buffer;
  /** The answer to a record arc could not decode (journaled as refused): the receiver retransmits. */
  nak(raw: Uint8Array): Buffer;
}

const plainAck = () => ACK_BYTES;
const plainNak = () => NAK_BYTES;

export function serialFormatRules(format: SerialFormat, cfskTable: CfskEventTable = DEFAULT_CFSK_TABLE): SerialFormatRules {
  switch (format) {
    // Sur-Gard R161 and Bosch D6500 mode: records end with DC4; ACK 0x06, NAK 0x15.
    case 'surgard':
      return { framing: { terminators: [DC4], leader: null }, decode: decodeSurGard, ack: plainAck, nak: plainNak };
    case 'd6500':
      return { framing: { terminators: [DC4], leader: null }, decode: (b) => decodeD6500(b, cfskTable), ack: plainAck, nak: plainNak };
    // Ademco 685 (MX8000, VisorAlarm): <LF>record<CR>; the 685 handshake is ACK/NAK bytes too.
    case 'ademco685':
      return { framing: { terminators: [CR], leader: LF }, decode: decodeAdemco685, ack: plainAck, nak: plainNak };
    // Bosch D6600 SIA mode: <LF>…<CR>, answered with its own CRC'd ACK and NAK frames (Appendix J).
    case 'd6600-sia':
      return {
        framing: { terminators: [CR], leader: LF },
        decode: decodeD6600Sia,
        ack: (r) => encodeD6600SiaReply({ ack: true, seq: r.seq ?? 0, receiver: r.receiver, line: r.line }),
        nak: (raw) => encodeD6600SiaReply({ ack: false, seq: 0, receiver: d6600Receiver(raw), line: '00' }),
      };
    // A bare CFSK receiver: no manual names its terminator, so any of CR, LF or DC4 ends a record.
    case 'cfsk':
      return { framing: { terminators: [CR, LF, DC4], leader: null }, decode: (b) => decodeCfsk(withoutTrailingLf(b), cfskTable), ack: plainAck, nak: plainNak };
  }
}

/**
 * The receiver number of a D6600 record that did not decode, for its NAK: the NAK frame names
 * the receiver (`0000<rcvr>00`). Read from its place (after CRC, LEN, type and seq) when it is
 * two digits there, else 00.
 */
function d6600Receiver(raw: Uint8Array): string {
  const start = raw[0] === LF ? 1 : 0;
  const rr = Buffer.from(raw.subarray(start + 11, start + 13)).toString('latin1');
  return /^[0-9]{2}$/.test(rr) ? rr : '00';
}

// The CFSK codec strips a DC4 or a CR, not an LF; an LF-ended record is the same record.
function withoutTrailingLf(bytes: Uint8Array): Uint8Array {
  return bytes[bytes.length - 1] === LF ? bytes.subarray(0, -1) : bytes;
}
