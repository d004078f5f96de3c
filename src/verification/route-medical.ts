import type { CaseStep } from './case-step.js';
import type { ZoneTrip } from './verification-state.js';
import { zoneLabel } from './console-messages.js';

/** A medical alarm is not verified: someone may be unable to answer a call. */
export function routeMedical(step: CaseStep, trip: ZoneTrip): void {
  step.addTrip(trip);
  const { forward, dispatchGuard } = step.policy.medical;
  const forwarded = forward && step.forward('medical', [trip.evidence]);
  if (dispatchGuard) step.dispatch('medical', 'medical alarm');
  if (!forward) step.case.stage = 'confirmed';
  step.notify('critical', `Medical alarm, ${zoneLabel(trip.zone, trip.evidence.zoneName)}: ${forwarded ? 'forwarded to 110' : 'call the customer and 120'}.`);
}
