import type { AlarmEvent } from '../protocols/alarm-event.js';

/**
 * The order an operator works the queue in, most urgent first: lives at risk (hold-up, panic,
 * duress), then fire, medical, intrusion, tamper, and last whatever arc could not classify.
 */
export const PRIORITIES = ['emergency', 'fire', 'medical', 'burglary', 'tamper', 'other'] as const;

export type Priority = (typeof PRIORITIES)[number];

/** 1 is the most urgent; the queue sorts on it. */
export function priorityRank(priority: Priority): number {
  return PRIORITIES.indexOf(priority) + 1;
}

/** The more urgent of two priorities: an incident takes its most urgent alarm's. */
export function mostUrgent(a: Priority, b: Priority): Priority {
  return priorityRank(a) <= priorityRank(b) ? a : b;
}

// Tamper arrives inside the burglary and general categories of both code tables (Contact ID 137
// "Tamper", 144 "Sensor tamper", 145 "Expansion module tamper"; SIA TA): only the code tells it.
const TAMPER_CODES: ReadonlySet<string> = new Set(['contact-id:137', 'contact-id:144', 'contact-id:145', 'sia-dcs:TA']);

/**
 * An event's priority, from the category strings of the code tables (contact-id-codes.ts,
 * sia-codes.ts). The emergency flag wins over the category: Contact ID 146 "silent burglary" is
 * category `general` but reported silently when an intruder must not know, which is a hold-up.
 * An alarm of a category arc does not rank (a CFSK table's own, `unknown`) ranks as burglary:
 * an alarm is an alarm until an operator says otherwise.
 */
export function eventPriority(event: Pick<AlarmEvent, 'protocol' | 'code' | 'eventClass' | 'category' | 'emergency'>): Priority {
  if (event.emergency || event.category === 'panic_holdup') return 'emergency';
  if (event.category === 'fire') return 'fire';
  if (event.category === 'medical') return 'medical';
  if (event.eventClass !== 'alarm') return 'other';
  if (TAMPER_CODES.has(`${event.protocol}:${event.code}`)) return 'tamper';
  return 'burglary';
}
