import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The embedded database belongs to one process. PGlite writes no postmaster.pid: two processes
 * on one directory both run and silently lose each other's rows (stack.md measured 35,000 of
 * 52,500 committed rows gone). So arc holds `<dataDir>.lock`, holding its pid, for as long as
 * the database is open.
 */
export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';

  constructor(readonly dataDir: string, readonly pid: number) {
    super(`the data directory ${dataDir} is in use by pid ${pid}: one arc process per embedded database (stop that process, or set another ARC_DATA_DIR, or use DATABASE_URL)`);
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

/** Lock files this process holds: a lock naming our own pid but not in here is a previous life's. */
const held = new Set<string>();

/**
 * Takes `<dataDir>.lock` or throws DataDirLockedError naming the live process that holds it.
 * A lock whose pid is dead (a crash, a kill -9) is stale and taken over; so is one naming our
 * own pid that this process did not take (a container restarted with the same pid).
 *
 * @example const lock = lockDataDir('./data'); try { … } finally { lock.release(); }
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  const path = `${dir}.lock`;
  if (held.has(path)) throw new DataDirLockedError(dir, process.pid);
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    if (create(path)) {
      held.add(path);
      const release = () => {
        process.off('exit', release);
        if (!held.delete(path)) return;
        if (readPid(path) === process.pid) unlinkQuietly(path);
      };
      // Covers process.exit() and a normal end; a kill -9 leaves a stale lock, taken over next time.
      process.on('exit', release);
      return { path, release };
    }
    const holder = readPid(path);
    if (holder !== undefined && holder !== process.pid && isAlive(holder)) throw new DataDirLockedError(dir, holder);
    removeStale(path, holder);
  }
  throw new DataDirLockedError(dir, readPid(path) ?? -1);
}

/**
 * Creates the lock file with our pid already in it, or returns false if it exists. link(2) is
 * as exclusive as O_EXCL, and unlike open-then-write it never shows another process an empty
 * lock file, which would look stale.
 */
function create(path: string): boolean {
  const draft = `${path}.${process.pid}.new`;
  writeFileSync(draft, `${process.pid}\n`);
  try {
    linkSync(draft, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkQuietly(draft);
  }
}

/**
 * Removes a stale lock, unless another process replaced it since we read `stalePid`: the rename
 * is atomic, so of two processes taking over one stale lock only one gets it, and a lock that
 * turns out to be fresh is put back.
 */
function removeStale(path: string, stalePid: number | undefined): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // already gone: the caller tries again
  }
  if (readPid(aside) !== stalePid) {
    try {
      linkSync(aside, path);
    } catch {
      // a third process created one meanwhile: the caller reads that one
    }
  }
  unlinkQuietly(aside);
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
