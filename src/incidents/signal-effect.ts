import type { AlarmEvent } from '../protocols/alarm-event.js';

/**
 * What one event does to the account's incidents, decided by event class and qualifier:
 * - `alarm`: opens an incident, or joins the account's open one (an alarm-class event that is
 *   new or carries no qualifier; any `unclassified` event that is not a restore, since an unknown
 *   code may be an alarm and must reach an operator);
 * - `restore`: an alarm's restore: logged on the open incident, and clears its zone;
 * - `disarm`: an opening (Contact ID 4xx new, SIA OP/OA/OG/OQ/OS/OR): logged on the open
 *   incident, and clears it (the premises' user reset the alarm);
 * - `log`: troubles, supervisory, closings and other open/close reports, access, bypass, tests,
 *   status reports and non-alarm restores: logged on the open incident if there is one, never
 *   opening one. The journal keeps every one of them against the account whatever happens.
 */
export type SignalEffect = 'alarm' | 'restore' | 'disarm' | 'log';

export function signalEffect(event: Pick<AlarmEvent, 'eventClass' | 'category' | 'qualifier'>): SignalEffect {
  const { eventClass, category, qualifier } = event;
  if (eventClass === 'alarm') {
    if (qualifier === 'restore') return 'restore';
    return qualifier === 'status' ? 'log' : 'alarm';
  }
  if (eventClass === 'unclassified') return qualifier === 'restore' ? 'log' : 'alarm';
  if (eventClass === 'open_close' && category === 'open_close' && qualifier === 'new') return 'disarm';
  return 'log';
}
