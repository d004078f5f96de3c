import type { CaseStep } from './case-step.js';
import { confirmFire } from './confirm-fire.js';
import { zoneLabel } from './console-messages.js';
import { trippedBefore, zoneEvidence } from './tripped-zones.js';
import type { ZoneTrip } from './verification-state.js';

/**
 * Fire. `dispatch_first`: at once. `callback_first`: call the premises, and dispatch and forward
 * on no answer, on a wrong code, or when the short deadline (90 s) passes without the right
 * passcode. A second, different fire detector confirms it at once.
 */
export function routeFire(step: CaseStep, trip: ZoneTrip): void {
  const c = step.case;
  const where = zoneLabel(trip.zone, trip.evidence.zoneName);
  const other = c.zones.find((z) => z.route === 'fire' && z.zone !== null && trip.zone !== null && z.zone !== trip.zone);
  const repeat = trippedBefore(c.zones, trip) !== undefined;
  step.addTrip(trip);
  if (step.policy.fire.mode === 'dispatch_first') return confirmFire(step, [trip.evidence], `${where} (dispatch first)`, repeat);
  if (c.stage === 'confirmed') return confirmFire(step, [trip.evidence], `${where}`, repeat);
  if (other !== undefined) return confirmFire(step, [zoneEvidence(other), trip.evidence], `two fire detectors, ${zoneLabel(other.zone, other.zoneName)} and ${where}`);
  if (c.fireAwaiting) {
    step.notify('high', `Fire, ${where} again: waiting for the callback.`);
    return;
  }
  c.fireAwaiting = true;
  step.startTimer('fire_callback', step.now + step.policy.fire.callbackS * 1000);
  if (c.pendingCall === null) {
    c.nextCall = 0; // a fire calls the premises first, whatever a burglary's calls got to
    if (!step.callNext()) return confirmFire(step, [trip.evidence], `${where}, nobody to call`);
  }
  step.notify('critical', `Fire, ${where}: calling the premises; guard and 110 in ${step.policy.fire.callbackS} s without the right passcode.`);
}
