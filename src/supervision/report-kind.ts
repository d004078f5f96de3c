import type { JournalEntry } from '../journal/reception.js';
import type { ReportKind } from './supervision-settings.js';

/**
 * Whether a reception is a test for supervision: a DC-09 NULL link test, or a panel's test
 * report (Contact ID 6xx, SIA RP/RX…: event class `test`). Anything else is a sign of life too,
 * but only for accounts whose settings count any reception.
 */
export function reportKindOf(entry: Pick<JournalEntry, 'frame' | 'events'>): ReportKind {
  const frame = entry.frame as { token?: unknown } | null;
  if (frame?.token === 'NULL') return 'test';
  return entry.events.some((e) => e.eventClass === 'test') ? 'test' : 'other';
}
