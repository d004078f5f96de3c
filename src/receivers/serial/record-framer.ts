/**
 * Cuts the byte stream of a serial port into receiver records. Pure: bytes in, records out.
 *
 * A serial line has no packets: a record arrives in pieces, or several in one read. The framer
 * keeps at most `maxBytes` of an unfinished record, so a line that never sends the terminator
 * (wrong baud rate, noise, a receiver set to another format) cannot grow memory: the run is
 * handed on once as `oversized` and the rest of it is dropped up to the next terminator.
 */
export type FramedRecord =
  | { kind: 'record'; bytes: Buffer }
  /** The first `maxBytes + 1` bytes of a run that had no terminator within `maxBytes`. */
  | { kind: 'oversized'; bytes: Buffer };

export interface RecordFramerOptions {
  /** Bytes that end a record (DC4 for Sur-Gard, CR for the LF…CR formats). */
  terminators: readonly number[];
  /**
   * LF for formats whose record starts with one (Ademco 685, D6600 SIA mode): it is kept as
   * part of the record. Other stray CR/LF before a record's first byte are line noise (some
   * receivers end each record with CR LF after the DC4) and dropped.
   */
  leader: number | null;
  maxBytes: number;
}

const CR = 0x0d;
const LF = 0x0a;

export class RecordFramer {
  readonly #terminators: ReadonlySet<number>;
  readonly #leader: number | null;
  readonly #max: number;
  #buffer: number[] = [];
  #discarding = false;

  constructor(options: RecordFramerOptions) {
    this.#terminators = new Set(options.terminators);
    this.#leader = options.leader;
    this.#max = options.maxBytes;
  }

  /** The records completed by `chunk`, in order. */
  push(chunk: Uint8Array): FramedRecord[] {
    const out: FramedRecord[] = [];
    for (const byte of chunk) {
      if (this.#discarding) {
        if (this.#terminators.has(byte)) this.#discarding = false;
        continue;
      }
      if (this.#terminators.has(byte) && !this.#onlyNoise()) {
        this.#buffer.push(byte);
        out.push({ kind: 'record', bytes: Buffer.from(this.#buffer) });
        this.#buffer = [];
        continue;
      }
      if (this.#terminators.has(byte) || byte === CR || byte === LF) {
        if (this.#onlyNoise()) {
          // Before the record starts, keep only the leader (one LF) if the format has one.
          this.#buffer = byte === this.#leader ? [byte] : [];
          continue;
        }
      }
      this.#buffer.push(byte);
      if (this.#buffer.length > this.#max) {
        out.push({ kind: 'oversized', bytes: Buffer.from(this.#buffer) });
        this.#buffer = [];
        this.#discarding = true;
      }
    }
    return out;
  }

  /** Drops a partial record: after the port reopens, the receiver sends it again whole. */
  reset(): void {
    this.#buffer = [];
    this.#discarding = false;
  }

  /** Nothing but the leader (or nothing) so far: the record has not started. */
  #onlyNoise(): boolean {
    return this.#buffer.length === 0 || (this.#buffer.length === 1 && this.#buffer[0] === this.#leader);
  }
}
