/**
 * The one console line for a burglary confirmed by a callback, whether the person gave the
 * duress code or (policy `confirm`) a wrong code or refused. The operator on the phone, and
 * anyone reading the screen, learn that it is confirmed and handled, never that it was duress:
 * only the 110 forward and the guard's order say so.
 */
export const CONFIRMED_BY_CALLBACK = 'Confirmed by callback: forwarded to 110, guard dispatched. Do not call the premises again.';

export function zoneLabel(zone: number | null, name: string | null): string {
  if (zone === null) return 'no zone';
  return name === null || name === '' ? `zone ${zone}` : `zone ${zone} (${name})`;
}
