/**
 * A DC-09 frame (ANSI/SIA DC-09-2013 §5.5):
 * `<LF> crc 0LLL "id" seq [R rcvr] L pref #acct [data] [xdata]… _timestamp <CR>`.
 */
export interface Dc09Frame {
  /** The ID token without its `*`: SIA-DCS, ADM-CID, NULL, ACK, NAK, DUH… */
  token: string;
  encrypted: boolean;
  seq: number;
  /** R, L and # exactly as received: an ACK echoes them. null when absent. */
  receiver: string | null;
  prefix: string | null;
  account: string | null;
  /** The data block without its brackets, decrypted when the frame was encrypted. */
  data: string;
  /** Extended data blocks (`[X…]`, `[Y…]`, `[H…]`…) without brackets. */
  extended: string[];
  /** ISO 8601 UTC. */
  timestamp: string | null;
  /** Most panels send 4 hex digits; OPAX and Lupusec send 2 raw bytes. A reply uses the same. */
  crcFormat: Dc09CrcFormat;
}

export type Dc09CrcFormat = 'hex' | 'binary';

/** The header fields a reply echoes; readable even when the rest of a frame is refused. */
export type Dc09Header = Pick<Dc09Frame, 'token' | 'encrypted' | 'seq' | 'receiver' | 'prefix' | 'account' | 'crcFormat'>;

/** Tokens a panel sends (DC-09 §5.5.1.3) and the private Hengbo one that carries ADM-CID data. */
export const DC09_MESSAGE_TOKENS = ['SIA-DCS', 'ADM-CID', 'NULL', 'HENG-BO'] as const;
/** Tokens a receiver sends back. */
export const DC09_REPLY_TOKENS = ['ACK', 'NAK', 'DUH', 'RSP'] as const;

/** The largest frame: LF, CRC, 0LLL, the 0xFFF bytes LLL can count, CR. */
export const DC09_MAX_FRAME_BYTES = 1 + 4 + 4 + 0xfff + 1;
