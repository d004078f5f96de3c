import type { CaseStep } from './case-step.js';
import { zoneLabel } from './console-messages.js';
import { corroborates } from './linked-zones.js';
import { trippedBefore, zoneEvidence } from './tripped-zones.js';
import type { ZoneTrip } from './verification-state.js';

/**
 * Burglary (防盗): never forwarded on one detector's word. The first alarm starts the callback
 * down the call list; a second, different zone within the window (防区联动) confirms it; the
 * same zone repeating only adds to the record (with one notice, at its first repeat).
 */
export function routeBurglary(step: CaseStep, trip: ZoneTrip): void {
  const c = step.case;
  const { linkedZoneWindowMin, linkedZoneRule, dispatchOnConfirm } = step.policy.burglary;
  const where = zoneLabel(trip.zone, trip.evidence.zoneName);
  const windowMs = linkedZoneWindowMin * 60_000;
  const first = c.zones.every((z) => z.route !== 'burglary');
  const partner = c.zones.find((z) => z.route === 'burglary' && trip.at - z.lastAt <= windowMs && corroborates(z, trip, linkedZoneRule));
  // The alarm itself is on the incident's record already: a detector repeating (a chattering
  // PIR, a storm) gets one notice, not one per repeat burying the console in identical lines.
  const earlier = trippedBefore(c.zones, trip)?.count ?? 0;
  step.addTrip(trip);

  if (c.stage === 'confirmed') {
    if (earlier === 0) step.notify('normal', `Burglary, ${where}: added to the confirmed incident.`);
    return;
  }
  if (partner !== undefined) {
    step.stopCalls();
    step.forward('linked_zones', [zoneEvidence(partner), trip.evidence]);
    if (dispatchOnConfirm) step.dispatch('linked_zones', `linked zones ${zoneLabel(partner.zone, partner.zoneName)} and ${where}`);
    step.notify('high', `Confirmed by linked zones ${zoneLabel(partner.zone, partner.zoneName)} and ${where}: forwarded to 110${dispatchOnConfirm ? ', guard dispatched' : ''}.`);
    return;
  }
  if (!first) {
    if (earlier <= 1) step.notify('normal', `Burglary, ${where}: does not confirm (same detector, or outside the ${linkedZoneWindowMin} min window).`);
    return;
  }
  if (c.guardDispatched || c.pendingCall !== null) {
    step.notify('normal', `Burglary, ${where}: verification under way.`);
    return;
  }
  if (step.callNext()) {
    step.notify('normal', `Burglary, ${where}: verifying by callback.`);
    return;
  }
  step.dispatch('verify_on_site', 'no number to call back');
  step.notify('high', `Burglary, ${where}: no number to call back, guard dispatched to verify on site.`);
}
