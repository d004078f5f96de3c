/**
 * How one account is supervised. `countsAs` says what proves the panel alive: `any` reception,
 * or only `tests` (NULL link tests and periodic test reports), for a centre that wants the
 * path's own supervision and not an alarm that may have come over a backup path.
 */
export type CountsAs = 'any' | 'tests';

export const COUNTS_AS: readonly CountsAs[] = ['any', 'tests'];

/** What a reception was, as supervision sees it: a link test / test report, or anything else. */
export type ReportKind = 'test' | 'other';

export interface SupervisionSettings {
  /** How often the panel is expected to report. */
  intervalMs: number;
  /** How much later than the interval a report may come before the account is late. */
  graceMs: number;
  countsAs: CountsAs;
  /**
   * In the online rate's denominator: the customer is in service (not suspended,
   * decommissioned, or inside an on-test span). Out of service, an account is never late.
   */
  inService: boolean;
}

/** 20 s (an IP path's poll) to 7 days; the customer's own interval starts at 60 s. */
export const MIN_INTERVAL_S = 20;
export const MAX_INTERVAL_S = 7 * 86_400;
export const MAX_GRACE_S = 86_400;

/**
 * The grace when none is set: one interval (one missed report is tolerated, two are not),
 * at most one hour (a daily test is not allowed a day's slack).
 */
export function defaultGraceMs(intervalMs: number): number {
  return Math.min(intervalMs, 3_600_000);
}

export function counts(countsAs: CountsAs, kind: ReportKind): boolean {
  return countsAs === 'any' || kind === 'test';
}
