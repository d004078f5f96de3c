import type { CaseStep } from './case-step.js';
import type { ZoneTrip } from './verification-state.js';
import { zoneLabel } from './console-messages.js';
import { trippedBefore } from './tripped-zones.js';

/**
 * Hold-up, panic, duress: forwarded and a guard sent in the very step the alarm arrives, with no
 * callback and no timer in between. A call already under way to the premises is cancelled: a
 * ringing phone can cost a life during a hold-up.
 */
export function routeEmergency(step: CaseStep, trip: ZoneTrip): void {
  const repeat = trippedBefore(step.case.zones, trip) !== undefined;
  const commandsBefore = step.commands.length;
  step.addTrip(trip);
  step.stopCalls();
  step.case.fireAwaiting = false;
  const forwarded = step.forward('emergency', [trip.evidence]);
  const dispatched = step.dispatch('emergency', `${trip.evidence.description}: approach with care`);
  // The same button again, with 110 and the guard told already: its alarm line says it all. A
  // notice per press would bury the console in identical critical lines (one notice per
  // repeating detector, as for a burglary zone).
  if (repeat && step.commands.length === commandsBefore) return;
  const what = `${trip.evidence.description}, ${zoneLabel(trip.zone, trip.evidence.zoneName)}`;
  step.notify('critical', `${what}: ${forwarded ? 'forwarded to 110' : 'already with 110'}, ${dispatched ? 'guard dispatched' : 'a guard is already on the way: tell them it is an emergency'}.`);
}
