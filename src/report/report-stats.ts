import type { AckTimes, DeadlineFigures } from './monthly-report.js';

/** Whether `at` falls in the period [from, until). */
export const within = (at: number | null | undefined, from: number, until: number): at is number => at != null && at >= from && at < until;

/** a / b, or null when b is 0. */
export function share(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/**
 * The nearest-rank percentile of ascending `sorted`: the smallest value with at least p % of
 * the values at or below it (p50 of 10, 20, 30, 40 is 20; p90 is 40). Always a measured value.
 */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function ackTimes(seconds: readonly number[]): AckTimes {
  const sorted = [...seconds].sort((a, b) => a - b);
  return { count: sorted.length, p50Seconds: nearestRank(sorted, 50), p90Seconds: nearestRank(sorted, 90), maxSeconds: sorted.at(-1) ?? null };
}

export type DeadlineOutcome = 'met' | 'missed' | 'pending';

/**
 * A deadline as it stood at the period's end: met (done by `dueAt`), missed (done later, or
 * `dueAt` passed undone), or pending (not done, not yet due). Done at `until` or later is not
 * done yet: the report sees only the period.
 */
export function deadlineOutcome(dueAt: number, doneAt: number | null, until: number): DeadlineOutcome {
  if (doneAt !== null && doneAt < until) return doneAt <= dueAt ? 'met' : 'missed';
  return dueAt < until ? 'missed' : 'pending';
}

export function deadlineFigures(outcomes: readonly DeadlineOutcome[]): DeadlineFigures {
  const count = (o: DeadlineOutcome) => outcomes.filter((x) => x === o).length;
  const met = count('met');
  const missed = count('missed');
  return { met, missed, pending: count('pending'), share: share(met, met + missed) };
}

/** `items` grouped by `key`, groups in first-seen order. */
export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Sorts by a count, highest first, then by a name (nulls last) so that the order never depends on input order. */
export function byCountThenName<T>(count: (t: T) => number, name: (t: T) => string | null): (a: T, b: T) => number {
  return (a, b) => count(b) - count(a) || compareNullable(name(a), name(b));
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
