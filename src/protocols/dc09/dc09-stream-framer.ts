import { hexValue } from '../ascii.js';

/** DC-09 frames a real panel sends are a few hundred bytes; a length field over this is hostile. */
export const DC09_FRAME_CAP_BYTES = 1024;

/** Bytes outside any frame kept for the journal from one run of garbage (the rest is counted). */
const GARBAGE_KEPT_BYTES = 256;

export type FramerItem =
  | { kind: 'frame'; bytes: Buffer }
  /** Bytes before a frame's LF, or an LF not followed by a frame header. */
  | { kind: 'garbage'; bytes: Buffer; length: number }
  /** A header whose length field exceeds the cap: the stream cannot be trusted after it. */
  | { kind: 'oversized'; bytes: Buffer; declared: number };

const LF = 0x0a;
const QUOTE = 0x22;

/**
 * Cuts a TCP byte stream into DC-09 frames by their length field, not by CR: a binary CRC
 * (OPAX, Lupusec) may contain CR or LF bytes. Pure and incremental: `push` takes whatever the
 * socket gave (half a frame, three frames) and returns what is complete. It holds at most one
 * frame's bytes (≤ the cap), whatever the peer sends.
 */
export class Dc09StreamFramer {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): FramerItem[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const items: FramerItem[] = [];
    let at = 0;
    const buf = this.#buffer;
    while (at < buf.length) {
      const lf = buf.indexOf(LF, at);
      if (lf < 0) {
        items.push(garbage(buf, at, buf.length));
        at = buf.length;
        break;
      }
      if (lf > at) items.push(garbage(buf, at, lf));
      at = lf;
      const total = frameLength(buf, at);
      if (total === undefined) break; // header incomplete: wait for more
      if (total === null) {
        // An LF that starts no frame: skip it and look for the next.
        items.push(garbage(buf, at, at + 1));
        at += 1;
        continue;
      }
      if (total > DC09_FRAME_CAP_BYTES) {
        items.push({ kind: 'oversized', bytes: Buffer.from(buf.subarray(at, Math.min(buf.length, at + 64))), declared: total });
        at = buf.length;
        break;
      }
      if (buf.length - at < total) break; // the rest of the frame is still on its way
      items.push({ kind: 'frame', bytes: Buffer.from(buf.subarray(at, at + total)) });
      at += total;
    }
    this.#buffer = at >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
    return mergeGarbage(items);
  }

  /** Bytes held for an incomplete frame. */
  get pending(): number {
    return this.#buffer.length;
  }
}

/**
 * The whole frame's length from its header at `at` (the LF): LF, CRC (4 hex or 2 binary), 0LLL,
 * content, CR. undefined when the header has not all arrived; null when it is no header.
 */
function frameLength(buf: Buffer, at: number): number | null | undefined {
  if (buf.length - at < 10) return undefined;
  if (buf[at + 9] === QUOTE) {
    const length = lengthField(buf, at + 5);
    if (length !== null) return 1 + 4 + 4 + length + 1;
  }
  if (buf[at + 7] === QUOTE) {
    const length = lengthField(buf, at + 3);
    if (length !== null) return 1 + 2 + 4 + length + 1;
  }
  return null;
}

/** `0LLL`: a zero and three hex digits. */
function lengthField(buf: Buffer, at: number): number | null {
  if (buf[at] !== 0x30) return null;
  let n = 0;
  for (let i = at + 1; i < at + 4; i++) {
    const v = hexValue(buf[i]!);
    if (v < 0) return null;
    n = n * 16 + v;
  }
  return n;
}

function garbage(buf: Buffer, from: number, to: number): FramerItem {
  return { kind: 'garbage', bytes: Buffer.from(buf.subarray(from, Math.min(to, from + GARBAGE_KEPT_BYTES))), length: to - from };
}

/** Neighbouring garbage runs become one item (one journal row, not one per stray LF). */
function mergeGarbage(items: FramerItem[]): FramerItem[] {
  const merged: FramerItem[] = [];
  for (const item of items) {
    const last = merged[merged.length - 1];
    if (item.kind === 'garbage' && last?.kind === 'garbage') {
      const bytes = last.bytes.length < GARBAGE_KEPT_BYTES ? Buffer.concat([last.bytes, item.bytes]).subarray(0, GARBAGE_KEPT_BYTES) : last.bytes;
      merged[merged.length - 1] = { kind: 'garbage', bytes, length: last.length + item.length };
    } else merged.push(item);
  }
  return merged;
}
