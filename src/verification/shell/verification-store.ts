import type { Transaction } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import { DEFAULT_VERIFICATION_POLICY, verificationPolicy, type VerificationPolicy } from '../verification-policy.js';
import { upgradeVerificationState } from '../tripped-zones.js';
import { initialVerificationState, type VerificationState } from '../verification-state.js';

/** The engine's state of each account, and the policy it decides under. */
export interface VerificationCases {
  states: Map<string, VerificationState>;
  policies: Map<string, VerificationPolicy>;
}

/**
 * Locks the engine's state of these accounts for the transaction (creating what is missing) and
 * loads it, with each account's policy (its own preset and overrides, or the standard one) read
 * in the same statement. Callers lock the accounts' open incidents first (IncidentBatch.load):
 * everyone takes the two locks in that order, so a consumer batch and an operator's command
 * never deadlock.
 */
export async function lockVerificationStates(trx: Transaction<Database>, accounts: readonly string[], now: number): Promise<VerificationCases> {
  const states = new Map<string, VerificationState>();
  const policies = new Map<string, VerificationPolicy>();
  if (accounts.length === 0) return { states, policies };
  const sorted = [...new Set(accounts)].sort();
  // The policy rides along (one round trip less per batch); only the state's row is locked.
  const locked = (wanted: string[]) =>
    trx
      .selectFrom('verification_state')
      .leftJoin('verification_policy', 'verification_policy.account', 'verification_state.account')
      .select(['verification_state.account', 'verification_state.state', 'verification_policy.preset', 'verification_policy.overrides'])
      .where('verification_state.account', 'in', wanted)
      .orderBy('verification_state.account')
      .forUpdate('verification_state')
      .execute();
  let rows = await locked(sorted);
  // Accounts the engine has not seen yet get their row; once it exists, one statement a batch.
  const found = new Set(rows.map((r) => r.account));
  const missing = sorted.filter((account) => !found.has(account));
  if (missing.length > 0) {
    await trx
      .insertInto('verification_state')
      .values(missing.map((account) => ({ account, state: JSON.stringify(initialVerificationState(account)), next_timer_at: null, updated_at: new Date(now) })))
      .onConflict((oc) => oc.column('account').doNothing())
      .execute();
    rows = [...rows, ...(await locked(missing))];
  }
  for (const row of rows) {
    states.set(row.account, upgradeVerificationState(row.state as VerificationState));
    policies.set(row.account, row.preset === null ? DEFAULT_VERIFICATION_POLICY : verificationPolicy(row.preset, row.overrides ?? {}));
  }
  return { states, policies };
}

/** The earliest timer the state waits for (null: none), which the timer loop looks for. */
export function nextTimerAt(state: VerificationState): number | null {
  const timers = state.case?.timers ?? [];
  let earliest: number | null = null;
  for (const t of timers) if (earliest === null || t.at < earliest) earliest = t.at;
  return earliest;
}

/** Writes the states that changed (one statement). */
export async function saveVerificationStates(trx: Transaction<Database>, states: readonly VerificationState[], now: number): Promise<void> {
  if (states.length === 0) return;
  await trx
    .insertInto('verification_state')
    .values(states.map((s) => {
      const next = nextTimerAt(s);
      return { account: s.account, state: JSON.stringify(s), next_timer_at: next === null ? null : new Date(next), updated_at: new Date(now) };
    }))
    .onConflict((oc) => oc.column('account').doUpdateSet((eb) => ({ state: eb.ref('excluded.state'), next_timer_at: eb.ref('excluded.next_timer_at'), updated_at: eb.ref('excluded.updated_at') })))
    .execute();
}
