import type { PoliceStatus } from '../../incidents/incident-action.js';
import { signedHeaders, type SigningKey } from '../../signing/hmac-signature.js';
import type { PoliceUpdate } from '../uplink-wire.js';

/** When the simulated police report on a new case: each delay from acceptance, in ms. */
export interface DispositionPlan {
  dispatchedAfterMs: number;
  onSceneAfterMs: number;
  closedAfterMs: number;
  /** The disposition the case is closed with. */
  disposition: string;
}

/**
 * Sends one signed case update to arc (`POST {arcUrl}/api/uplink110/police-updates`), trying up
 * to three times a second apart. Resolves to arc's HTTP status (0: never reached).
 */
export async function sendPoliceUpdate(arcUrl: string, key: SigningKey, update: PoliceUpdate, now: () => number, attempts = 3): Promise<number> {
  const body = JSON.stringify(update);
  let status = 0;
  for (let i = 0; i < attempts; i++) {
    try {
      const res = await fetch(new URL('/api/uplink110/police-updates', arcUrl), {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...signedHeaders(key, body, now()) },
        signal: AbortSignal.timeout(5_000),
      });
      status = res.status;
      await res.body?.cancel();
      if (status < 500) return status;
    } catch {
      status = 0;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return status;
}

/** The plan's steps in order: when, what status, and with what disposition. */
export function dispositionSteps(plan: DispositionPlan): { afterMs: number; status: PoliceStatus; disposition: string | null }[] {
  return [
    { afterMs: plan.dispatchedAfterMs, status: 'dispatched', disposition: null },
    { afterMs: plan.onSceneAfterMs, status: 'on_scene', disposition: null },
    { afterMs: plan.closedAfterMs, status: 'closed', disposition: plan.disposition },
  ];
}
