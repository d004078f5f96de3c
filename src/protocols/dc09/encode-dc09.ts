import { crc16Arc } from '../crc16-arc.js';
import { encryptDc09 } from './dc09-cipher.js';
import type { Dc09CrcFormat } from './dc09-frame.js';
import { formatDc09Timestamp } from './dc09-timestamp.js';

/** What arc writes into a DC-09 frame, as a panel (the simulator) or as the receiver (replies). */
export interface Dc09Outgoing {
  token: string;
  seq: number;
  receiver?: string | null;
  prefix?: string | null;
  account?: string | null;
  data?: string;
  extended?: string[];
  /** Epoch ms; written as `_HH:MM:SS,MM-DD-YYYY`. Required when a key is given. */
  timestamp?: number | null;
}

export interface Dc09EncodeOptions {
  /** Encrypts the frame (token gets its `*`). */
  key?: Uint8Array;
  /** Pad bytes for encryption; a receiver passes crypto.randomBytes. */
  random?: (n: number) => Uint8Array;
  crcFormat?: Dc09CrcFormat;
}

/**
 * A DC-09 frame, encoded strictly to the spec: upper-case hex, `R` only when given, a `|` after
 * the pad, no PKCS#7, IV 0.
 *
 * @example encodeDc09({ token: 'NULL', seq: 0, receiver: '12', prefix: '3', account: '1234' })
 * // <LF>3BC20016"NULL"0000R12L3#1234[]<CR>
 */
export function encodeDc09(message: Dc09Outgoing, options: Dc09EncodeOptions = {}): Buffer {
  const { key, random, crcFormat = 'hex' } = options;
  const seq = String(message.seq).padStart(4, '0');
  const fields =
    (message.receiver != null ? `R${message.receiver}` : '') +
    (message.prefix != null ? `L${message.prefix}` : '') +
    (message.account != null ? `#${message.account}` : '');
  const timestamp = message.timestamp != null ? `_${formatDc09Timestamp(message.timestamp)}` : '';
  const region = `${message.data ?? ''}]${(message.extended ?? []).map((x) => `[${x}]`).join('')}${timestamp}`;
  let content: string;
  if (key) {
    if (!random) throw new TypeError('encodeDc09: encryption needs a source of pad bytes');
    if (!timestamp) throw new TypeError('encodeDc09: an encrypted frame needs a timestamp (DC-09 §5.5.1.9)');
    content = `"*${message.token}"${seq}${fields}[${encryptDc09(region, key, random)}`;
  } else {
    content = `"${message.token}"${seq}${fields}[${region}`;
  }
  return wrapDc09(Buffer.from(content, 'latin1'), crcFormat);
}

/** LF, CRC, 0LLL, content, CR. */
function wrapDc09(content: Buffer, crcFormat: Dc09CrcFormat): Buffer {
  const crc = crc16Arc(content);
  const length = Buffer.from(content.length.toString(16).toUpperCase().padStart(4, '0'), 'latin1');
  const crcBytes =
    crcFormat === 'hex'
      ? Buffer.from(crc.toString(16).toUpperCase().padStart(4, '0'), 'latin1')
      : Buffer.from([crc >> 8, crc & 0xff]);
  return Buffer.concat([Buffer.from([0x0a]), crcBytes, length, content, Buffer.from([0x0d])]);
}
