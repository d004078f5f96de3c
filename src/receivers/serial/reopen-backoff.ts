/**
 * How long to wait before reopening a serial port that failed: a USB adapter pulled out, or a
 * receiver powered down, comes back by itself, and a tight retry loop would only fill the log.
 * Doubles from `initialMs` to `maxMs`; reset once the receiver is heard again.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_REOPEN_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

export function reopenDelay(attempt: number, options: BackoffOptions = DEFAULT_REOPEN_BACKOFF): number {
  return Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
}
