/**
 * A recording line that cannot be replayed. Thrown while the whole file is read, before anything
 * is sent: a bad file never half-replays. `line` is 1-based, as an editor shows it.
 */
export class RecordingLineError extends Error {
  readonly code = 'BAD_RECORDING_LINE';

  constructor(readonly line: number, readonly problem: string) {
    super(`line ${line}: ${problem}`);
    this.name = 'RecordingLineError';
  }
}

export type ReplayErrorCode =
  /** The recording file cannot be read at all (missing, a directory, no permission). */
  | 'RECORDING_UNREADABLE'
  /** Not one frame could be delivered: the target refused or did not answer the connection. */
  | 'TARGET_UNREACHABLE'
  /** The recording holds no frame. */
  | 'EMPTY_RECORDING'
  /** Every frame was skipped (serial frames and no --serial device). */
  | 'NOTHING_TO_SEND'
  /** `--serial DEVICE` could not be opened. */
  | 'SERIAL_UNAVAILABLE'
  /** The options are wrong (bad --speed, --target, --key…). */
  | 'REPLAY_OPTIONS_INVALID';

export class ReplayError extends Error {
  constructor(readonly code: ReplayErrorCode, message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}

export type JournalExportErrorCode =
  /** Without DATABASE_URL, ARC_DATA_DIR names a directory that does not exist. */
  | 'NO_DATABASE'
  /** The database exists but has no journal table (never migrated). */
  | 'NO_JOURNAL'
  | 'EXPORT_OPTIONS_INVALID';

export class JournalExportError extends Error {
  constructor(readonly code: JournalExportErrorCode, message: string) {
    super(message);
    this.name = 'JournalExportError';
  }
}
