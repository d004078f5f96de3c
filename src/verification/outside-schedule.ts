import type { WeeklyWindow } from '../customers/customer-card.js';
import type { VerificationPolicy } from './verification-policy.js';

const DAY_MS = 86_400_000;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Whether an opening or closing at `at` falls outside every window of the schedule (widened by
 * the grace on both sides), in the centre's local time. No schedule: never outside. Minutes are
 * counted over the week, so a grace across midnight reaches into the next day's first minutes.
 */
export function outsideSchedule(schedule: readonly WeeklyWindow[] | null | undefined, at: number, policy: VerificationPolicy['schedule']): boolean {
  if (schedule == null || schedule.length === 0) return false;
  const local = new Date(at + policy.utcOffsetMin * 60_000);
  const isoDay = ((local.getUTCDay() + 6) % 7) + 1;
  const week = 7 * 24 * 60;
  const minuteOfWeek = (isoDay - 1) * 24 * 60 + Math.floor((at + policy.utcOffsetMin * 60_000) % DAY_MS / 60_000);
  return !schedule.some((w) => {
    const from = (w.day - 1) * 24 * 60 + minutesOf(w.open) - policy.graceMin;
    const to = (w.day - 1) * 24 * 60 + minutesOf(w.close) + policy.graceMin;
    return [minuteOfWeek, minuteOfWeek + week, minuteOfWeek - week].some((m) => m >= from && m <= to);
  });
}
