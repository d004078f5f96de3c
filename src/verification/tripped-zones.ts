import type { AlarmEvidence } from './evidence.js';
import { MAX_ZONES, type TrippedZone, type VerificationCase, type VerificationState, type ZoneTrip } from './verification-state.js';

/** The case's detectors with `trip` folded in: its zone's entry updated and moved last (most recent). */
export function foldTrip(zones: readonly TrippedZone[], trip: ZoneTrip): TrippedZone[] {
  const earlier = zones.find((z) => sameDetector(z, trip));
  const { zoneName, code, description } = trip.evidence;
  const entry: TrippedZone = {
    route: trip.route,
    zone: trip.zone,
    principle: trip.principle,
    linkedGroup: trip.linkedGroup,
    zoneName,
    code,
    description,
    firstAt: earlier?.firstAt ?? trip.at,
    lastAt: trip.at,
    count: (earlier?.count ?? 0) + 1,
  };
  return [...zones.filter((z) => z !== earlier), entry].slice(-MAX_ZONES);
}

/** The entry of the trip's detector, if it tripped before in this case. */
export function trippedBefore(zones: readonly TrippedZone[], trip: Pick<ZoneTrip, 'route' | 'zone'>): TrippedZone | undefined {
  return zones.find((z) => sameDetector(z, trip));
}

/** A detector's alarms as the evidence of a forward or a close: its latest, with how many since when. */
export function zoneEvidence(z: TrippedZone): AlarmEvidence {
  const evidence: AlarmEvidence = { kind: 'alarm', at: z.lastAt, zone: z.zone, zoneName: z.zoneName, principle: z.principle, code: z.code, description: z.description };
  return z.count > 1 ? { ...evidence, count: z.count, firstAt: z.firstAt } : evidence;
}

function sameDetector(z: Pick<TrippedZone, 'route' | 'zone'>, trip: Pick<ZoneTrip, 'route' | 'zone'>): boolean {
  return z.route === trip.route && z.zone === trip.zone;
}

/** A case stored before detectors were folded (up to 32 trips, each with its evidence). */
interface StoredTrip {
  at: number;
  route: ZoneTrip['route'];
  zone: number | null;
  principle: string | null;
  linkedGroup: string | null;
  evidence: AlarmEvidence;
}

/**
 * A state as the database holds it, in today's shape: a case written before detectors were
 * folded has `trips` instead of `zones`, folded here in their order. Cases in flight across the
 * upgrade so keep their linked-zone window and their evidence.
 */
export function upgradeVerificationState(stored: VerificationState): VerificationState {
  // As stored, `zones` may be missing: the type says today's shape, the row may be older.
  const kase = stored.case as (Omit<VerificationCase, 'zones'> & { zones?: TrippedZone[]; trips?: StoredTrip[] }) | null;
  if (kase === null || kase.zones !== undefined || kase.trips === undefined) return stored;
  const { trips, ...rest } = kase;
  return { ...stored, case: { ...rest, zones: trips.reduce<TrippedZone[]>((zones, trip) => foldTrip(zones, trip), []) } };
}
