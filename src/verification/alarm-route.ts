import type { ZoneCard } from '../customers/customer-card.js';
import { eventPriority } from '../incidents/incident-priority.js';
import { signalEffect } from '../incidents/signal-effect.js';
import type { AlarmEvent } from '../protocols/alarm-event.js';

/**
 * Which verification an event goes through:
 * - `emergency`: hold-up, panic, duress: straight to 110, no callback;
 * - `fire`, `medical`, `burglary`: their own verification;
 * - `trouble`: a maintenance ticket, never 110 (troubles, supervisory, tamper);
 * - `environmental`: water, gas, temperature: the operator calls the customer, never 110;
 * - `unclassified`: a code arc does not know: the operator decides;
 * - `none`: restores, openings/closings, tests, bypasses: nothing to verify.
 */
export type AlarmRoute = 'emergency' | 'fire' | 'medical' | 'burglary' | 'trouble' | 'environmental' | 'unclassified' | 'none';

/**
 * The event's code and its zone's card both have a say, and the more urgent wins: a hold-up
 * button wired to a zone programmed as burglary is still a hold-up, and a zone typed hold-up
 * reporting a plain burglary code is still a hold-up. Getting it wrong towards urgency costs a
 * police call; getting it wrong the other way costs a life.
 */
export function alarmRoute(event: AlarmEvent, zone: Pick<ZoneCard, 'type'> | null): AlarmRoute {
  const effect = signalEffect(event);
  if (event.qualifier !== 'restore' && (event.eventClass === 'trouble' || event.eventClass === 'supervisory')) return 'trouble';
  if (effect !== 'alarm') return 'none';
  const type = zone?.type ?? null;
  const priority = eventPriority(event);
  if (priority === 'emergency' || type === 'hold_up' || type === 'panic') return 'emergency';
  if (priority === 'fire' || type === 'fire') return 'fire';
  if (priority === 'medical' || type === 'medical') return 'medical';
  if (priority === 'tamper' || type === 'tamper') return 'trouble';
  if (type === 'environmental' || event.category === '24h_non_burglary') return 'environmental';
  if (event.eventClass === 'unclassified') return 'unclassified';
  return 'burglary';
}
