import type { Standing, SupervisionEventKind } from './supervisor.js';

/** One account's recorded transitions, as the period's computation needs them. */
export interface AccountTimeline {
  /** Its standing when the period begins (after its last event before `from`); null: never supervised. */
  standingAtFrom: Standing | null;
  /** Its events inside the period, in order. */
  events: readonly { kind: SupervisionEventKind; at: number }[];
}

/** Under this share of in-service accounts online, the console warns (and the monthly report). */
export const ONLINE_RATE_WARNING = 0.95;

export interface PeriodRate {
  from: number;
  until: number;
  /** Accounts in service for some of the period. */
  accounts: number;
  /** Account-milliseconds in service and online, and in service and late. */
  onlineMs: number;
  lateMs: number;
  /** onlineMs / (onlineMs + lateMs); null when no account was in service in the period. */
  rate: number | null;
}

const AFTER: Record<SupervisionEventKind, Standing> = { late: 'late', restored: 'online', included: 'online', excluded: 'excluded' };

/**
 * The time-weighted online rate over [from, until): each account's time online over its time
 * in service, summed over accounts. With every account in service all period, that is the mean
 * of each account's online share of the period; an account in service for half of it weighs half.
 */
export function periodRate(timelines: Iterable<AccountTimeline>, from: number, until: number): PeriodRate {
  let onlineMs = 0;
  let lateMs = 0;
  let accounts = 0;
  for (const timeline of timelines) {
    let standing = timeline.standingAtFrom ?? 'excluded';
    let since = from;
    let online = 0;
    let late = 0;
    const close = (end: number) => {
      const span = Math.max(0, Math.min(end, until) - Math.max(since, from));
      if (standing === 'online') online += span;
      else if (standing === 'late') late += span;
    };
    for (const event of timeline.events) {
      close(event.at);
      standing = AFTER[event.kind];
      since = Math.max(since, event.at);
    }
    close(until);
    if (online + late > 0) accounts++;
    onlineMs += online;
    lateMs += late;
  }
  const total = onlineMs + lateMs;
  return { from, until, accounts, onlineMs, lateMs, rate: total === 0 ? null : onlineMs / total };
}
