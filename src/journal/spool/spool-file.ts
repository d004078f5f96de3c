import { mkdir, open, readFile, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The spool cannot take a reception: it is at its size bound. The receiver must not ACK. */
export class SpoolFullError extends Error {
  readonly code = 'SPOOL_FULL';
  constructor(maxBytes: number) {
    super(`the local spool is full (${maxBytes} bytes): the reception is not ACKed and the sender retries`);
    this.name = 'SpoolFullError';
  }
}

/** Where a node keeps its spool. */
export function spoolPath(dir: string, nodeId: string): string {
  return join(dir, `${nodeId}.jsonl`);
}

/** How many receptions a node's spool holds undrained, read without touching it (`arc status`). */
export async function peekSpoolDepth(path: string): Promise<number> {
  const content = await readFile(path).catch(() => undefined);
  if (!content) return 0;
  return (await undrained(path, content.subarray(0, content.lastIndexOf(0x0a) + 1))).lines;
}

/** Where draining stands in the spool's whole lines, and how many lines are past it. */
async function undrained(path: string, whole: Buffer): Promise<{ offset: number; lines: number }> {
  const recorded = Number((await readFile(`${path}.offset`, 'utf8').catch(() => '0')).trim());
  // An offset past the end: the file was emptied after a full drain and the offset not yet reset.
  const offset = Number.isSafeInteger(recorded) && recorded >= 0 && recorded <= whole.length ? recorded : 0;
  let lines = 0;
  for (let i = offset; i < whole.length; i++) if (whole[i] === 0x0a) lines++;
  return { offset, lines };
}

/** Lines read from the spool, and the offset that marks them drained. */
export interface SpoolRead {
  lines: string[];
  /** Byte offset just past the last line read. */
  end: number;
}

interface Queued {
  line: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * An append-only file of lines (one JSON reception each) kept while the database cannot be
 * reached, and the offset up to which its lines are in the journal (`<file>.offset`). Appends
 * are group-committed: the lines queued while one write is under way go together in the next
 * write and fdatasync, and each append resolves only once its line is on disk. A line cut short
 * by a crash was never synced, so never ACKed: opening drops it. The file is created by the
 * first append, never by opening, and emptied once everything in it is drained.
 */
export class SpoolFile {
  readonly path: string;
  readonly #maxBytes: number;
  #handle: FileHandle | undefined;
  #size: number;
  #offset: number;
  #lines: number;
  #queue: Queued[] = [];
  /** Every write, and the truncation once drained, one after another. */
  #chain: Promise<void> = Promise.resolve();
  #flushing = false;

  private constructor(path: string, maxBytes: number, size: number, offset: number, lines: number) {
    this.path = path;
    this.#maxBytes = maxBytes;
    this.#size = size;
    this.#offset = offset;
    this.#lines = lines;
  }

  /** Opens what a previous run left (its undrained lines are pending), or nothing yet. */
  static async open(path: string, options: { maxBytes: number }): Promise<SpoolFile> {
    const content = await readFile(path).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
    if (content === undefined) return new SpoolFile(path, options.maxBytes, 0, 0, 0);
    // A torn last line (no newline) was never synced, so never ACKed: cut it off.
    const whole = content.lastIndexOf(0x0a) + 1;
    if (whole < content.length) {
      const handle = await open(path, 'r+');
      await handle.truncate(whole);
      await handle.datasync();
      await handle.close();
    }
    const { offset, lines } = await undrained(path, content.subarray(0, whole));
    const spool = new SpoolFile(path, options.maxBytes, whole, offset, lines);
    spool.#handle = await open(path, 'a+');
    return spool;
  }

  /** Lines written and not yet drained, plus those waiting for their write. */
  get depth(): number {
    return this.#lines + this.#queue.length;
  }

  /** Bytes written and not yet drained. */
  get pendingBytes(): number {
    return this.#size - this.#offset;
  }

  /** Appends one line (no newline in it); resolves once it is synced to disk. */
  append(line: string): Promise<void> {
    if (this.#size + this.#queuedBytes() + Buffer.byteLength(line) + 1 > this.#maxBytes) return Promise.reject(new SpoolFullError(this.#maxBytes));
    return new Promise((resolve, reject) => {
      this.#queue.push({ line, resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        // Let the appends of this tick join the first write.
        this.#chain = this.#chain.then(() => this.#flush());
      }
    });
  }

  /** Up to `max` undrained lines, oldest first. */
  async read(max: number): Promise<SpoolRead> {
    await this.#chain;
    if (this.#offset >= this.#size || !this.#handle) return { lines: [], end: this.#offset };
    const length = Math.min(this.#size - this.#offset, 4 * 1024 * 1024);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.#handle.read(buffer, 0, length, this.#offset);
    const lines: string[] = [];
    let start = 0;
    while (lines.length < max) {
      const newline = buffer.indexOf(0x0a, start);
      if (newline < 0 || newline >= bytesRead) break;
      lines.push(buffer.subarray(start, newline).toString('utf8'));
      start = newline + 1;
    }
    if (lines.length === 0 && bytesRead === length && length === 4 * 1024 * 1024) throw new Error(`spool ${this.path}: a line longer than 4 MiB at offset ${this.#offset}`);
    return { lines, end: this.#offset + start };
  }

  /**
   * Records that the lines up to `read.end` are in the journal (synced, so a restart does not
   * drain them again). When that is everything, the file is emptied.
   */
  async markDrained(read: SpoolRead): Promise<void> {
    const run = this.#chain.then(async () => {
      this.#offset = Math.max(this.#offset, read.end);
      this.#lines -= read.lines.length;
      if (this.#offset === this.#size && this.#queue.length === 0 && this.#handle) {
        await this.#handle.truncate(0);
        await this.#handle.datasync();
        this.#size = 0;
        this.#offset = 0;
      }
      await writeSynced(`${this.path}.offset`, String(this.#offset));
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.#chain;
    await this.#handle?.close();
    this.#handle = undefined;
  }

  #queuedBytes(): number {
    let bytes = 0;
    for (const q of this.#queue) bytes += Buffer.byteLength(q.line) + 1;
    return bytes;
  }

  async #flush(): Promise<void> {
    await Promise.resolve();
    this.#flushing = false;
    const batch = this.#queue.splice(0);
    if (batch.length === 0) return;
    try {
      if (!this.#handle) {
        await mkdir(dirname(this.path), { recursive: true });
        this.#handle = await open(this.path, 'a+');
        this.#size = (await stat(this.path)).size;
      }
      const data = Buffer.from(batch.map((q) => `${q.line}\n`).join(''), 'utf8');
      await this.#handle.write(data, 0, data.length, this.#size);
      await this.#handle.datasync();
      this.#size += data.length;
      this.#lines += batch.length;
      for (const q of batch) q.resolve();
    } catch (err) {
      for (const q of batch) q.reject(err);
    }
  }
}

/** Replaces a small file so that a crash leaves the old content or the new, never half of one. */
async function writeSynced(path: string, content: string): Promise<void> {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(content);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}
