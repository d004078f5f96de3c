import { decimalAt } from '../ascii.js';

/**
 * DC-09 timestamps: `HH:MM:SS,MM-DD-YYYY`, always UTC. An encrypted message must carry one, and
 * the receiver refuses it when it is more than 20 s ahead of or 40 s behind its own clock
 * (DC-09 §5.5.1.9 as cited by ioBroker.sia and pysiaalarm; the spec text itself was not
 * available). The window is what stops a captured encrypted frame from being replayed later.
 */
export const TIMESTAMP_AHEAD_MS = 20_000;
export const TIMESTAMP_BEHIND_MS = 40_000;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** True when the text is a valid `HH:MM:SS,MM-DD-YYYY` (positions 0-18), real date included. */
function isDc09Timestamp(text: string): boolean {
  if (text.length !== 19 || text[2] !== ':' || text[5] !== ':' || text[8] !== ',' || text[11] !== '-' || text[14] !== '-') return false;
  const hh = decimalAt(text, 0, 2);
  const mi = decimalAt(text, 3, 5);
  const ss = decimalAt(text, 6, 8);
  const mo = decimalAt(text, 9, 11);
  const dd = decimalAt(text, 12, 14);
  const yyyy = decimalAt(text, 15, 19);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59 || mo < 1 || mo > 12 || dd < 1 || yyyy < 0) return false;
  return dd <= (mo === 2 && isLeap(yyyy) ? 29 : DAYS_IN_MONTH[mo - 1]!);
}

/** The timestamp as ISO 8601 UTC, built from its digits (no Date on the hot path), or null. */
export function dc09TimestampIso(text: string): string | null {
  if (!isDc09Timestamp(text)) return null;
  return `${text.slice(15, 19)}-${text.slice(9, 11)}-${text.slice(12, 14)}T${text.slice(0, 8)}.000Z`;
}

/** Epoch milliseconds, or null when the text is not a valid DC-09 timestamp. */
export function parseDc09Timestamp(text: string): number | null {
  if (!isDc09Timestamp(text)) return null;
  return Date.UTC(decimalAt(text, 15, 19), decimalAt(text, 9, 11) - 1, decimalAt(text, 12, 14), decimalAt(text, 0, 2), decimalAt(text, 3, 5), decimalAt(text, 6, 8));
}

export function formatDc09Timestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())},${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCFullYear(), 4)}`;
}

export function isInTimestampWindow(timestampMs: number, nowMs: number): boolean {
  return timestampMs - nowMs <= TIMESTAMP_AHEAD_MS && nowMs - timestampMs <= TIMESTAMP_BEHIND_MS;
}
