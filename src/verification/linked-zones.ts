import type { VerificationPolicy } from './verification-policy.js';
import type { ZoneTrip } from './verification-state.js';

type Detector = Pick<ZoneTrip, 'zone' | 'principle' | 'linkedGroup'>;

/**
 * Whether two alarms come from detectors that corroborate each other. The same zone repeating
 * never does (a faulty detector repeats); neither does an alarm that names no zone, since it
 * cannot be shown to be a different detector.
 */
export function corroborates(a: Detector, b: Detector, rule: VerificationPolicy['burglary']['linkedZoneRule']): boolean {
  if (a.zone === null || b.zone === null || a.zone === b.zone) return false;
  if (rule === 'different_detector') return true;
  const adjacent = a.linkedGroup !== null && a.linkedGroup === b.linkedGroup;
  const differentPrinciple = a.principle !== null && b.principle !== null && a.principle.trim().toLowerCase() !== b.principle.trim().toLowerCase();
  return adjacent || differentPrinciple;
}
