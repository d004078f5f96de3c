import type { LatLng, OrderSite } from './dispatch-order.js';

/** An available guard as dispatch weighs them. `availableSince`: epoch ms. */
export interface GuardCandidate {
  id: string;
  name: string;
  area: string | null;
  position: LatLng | null;
  availableSince: number;
}

const EARTH_RADIUS_M = 6_371_000;

/** Great-circle distance in metres (haversine): plenty for "which guard is nearer". */
export function distanceM(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The guard to give an order to, or undefined when none is left: a guard of the customer's
 * guard area (护卫区域) first, then the nearest (when both positions are known; an unknown
 * distance counts as farthest), then the one available longest (they have waited longest, and
 * are likeliest back at base), then by id so that the choice is the same on every node. Never
 * one in `exclude` (who declined or did not accept this order).
 */
export function chooseGuard(candidates: readonly GuardCandidate[], site: OrderSite, exclude: ReadonlySet<string>): GuardCandidate | undefined {
  let best: { guard: GuardCandidate; key: [number, number, number, string] } | undefined;
  for (const guard of candidates) {
    if (exclude.has(guard.id)) continue;
    const sameArea = site.area !== null && guard.area === site.area ? 0 : 1;
    const distance = site.position && guard.position ? distanceM(site.position, guard.position) : Number.POSITIVE_INFINITY;
    const key: [number, number, number, string] = [sameArea, distance, guard.availableSince, guard.id];
    if (best === undefined || before(key, best.key)) best = { guard, key };
  }
  return best?.guard;
}

function before(a: [number, number, number, string], b: [number, number, number, string]): boolean {
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  }
  return a[3] < b[3];
}
