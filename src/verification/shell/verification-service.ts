import type { Kysely, Transaction } from 'kysely';
import type { IncidentAction } from '../../incidents/incident-action.js';
import type { VerifySignals } from '../../incidents/incident-consumer.js';
import type { Fence } from '../../journal/journal-consumer.js';
import type { IncidentState } from '../../incidents/incident-state.js';
import type { Database } from '../../store/database-schema.js';
import { VERIFICATION_ACTOR } from './verification-actions.js';
import type { VerificationCallResult, VerificationInput } from '../verification-input.js';
import { runVerification, type VerificationDeps } from './verification-run.js';
import { startVerificationTimers, type VerificationTimers } from './verification-timers.js';
import { createSignalVerifier } from './verify-signals.js';

export interface VerificationService {
  /** The incident consumer's `verify`. */
  verifySignals: VerifySignals;
  /** One input in a transaction of its own (a callback provider's outcome, a test's script). */
  submit(account: string, input: VerificationInput): Promise<void>;
  /** One input in the caller's transaction (a guard's report); run the result after its commit. */
  inTransaction(trx: Transaction<Database>, account: string, input: VerificationInput): Promise<() => void>;
  /** What an operator's actions tell the engine (a verdict, a callback, a close), in their transaction. */
  afterOperatorActions(trx: Transaction<Database>, incident: IncidentState, stored: readonly IncidentAction[]): Promise<() => void>;
  /** Runs the engine's timers on this node (the leader's); `fence` goes first in each of their transactions. */
  startTimers(options?: { fence?: Fence; pollMs?: number }): VerificationTimers;
  /** Stops the timers (on losing the lead, at shutdown); their step in progress finishes. */
  stopTimers(): Promise<void>;
}

/**
 * The verification engine's shell as a node runs it: the consumer's hook, the way in for
 * outcomes from outside (callbacks, guards, operators), and the timer loop.
 */
export function createVerificationService(db: Kysely<Database>, deps: VerificationDeps & { onTimerError?: (err: unknown) => void }): VerificationService {
  let timers: VerificationTimers | null = null;
  // A timer decided on any node is found by the leader's poll; on the leader it is looked at on time.
  const withTimers: VerificationDeps = { ...deps, onTimers: (at) => timers?.wake(at) };
  const inTransaction = (trx: Transaction<Database>, account: string, input: VerificationInput) => runVerification(trx, [{ account, input }], withTimers);
  return {
    verifySignals: createSignalVerifier(withTimers),
    async submit(account, input) {
      const after = await db.transaction().execute((trx) => inTransaction(trx, account, input));
      after();
    },
    inTransaction,
    async afterOperatorActions(trx, incident, stored) {
      const inputs = stored.flatMap((a) => operatorInput(incident, a));
      if (inputs.length === 0) return () => undefined;
      return runVerification(trx, inputs.map((input) => ({ account: incident.account, input })), withTimers);
    },
    startTimers(options = {}) {
      if (timers) return timers;
      timers = startVerificationTimers(db, { ...withTimers, ...options, ...(deps.onTimerError && { onError: deps.onTimerError }) });
      return timers;
    },
    async stopTimers() {
      const running = timers;
      timers = null;
      await running?.stop();
    },
  };
}

/**
 * An operator's action as the engine's input. A callback the operator records with the console's
 * plain form counts as a passcode check by ear: reached and verified is the passcode, reached and
 * not verified a wrong code. The duress code is only recognised when arc checks the code itself
 * (POST /api/incidents/:id/verification-calls), so that the operator need not say it aloud.
 * A verdict and a close say whether the incident's record holds a forward to 110 (`incident`:
 * its state after the operator's actions), so that one of the operator's own is withdrawn too.
 */
export function operatorInput(incident: Pick<IncidentState, 'id' | 'forwardedTo110'>, action: IncidentAction): VerificationInput[] {
  if (action.actor === VERIFICATION_ACTOR) return [];
  const { id: incidentId, forwardedTo110 } = incident;
  switch (action.kind) {
    case 'judged':
      return [{ kind: 'operator_verdict', incidentId, operator: action.actor, verdict: action.detail.verdict, evidence: action.detail.evidence, forwardedTo110 }];
    case 'closed':
      return [{ kind: 'incident_closed', incidentId, operator: action.actor, outcome: action.detail.outcome, forwardedTo110 }];
    case 'callback_recorded': {
      const { contact, phone, result, passcodeVerified } = action.detail;
      const outcome: VerificationCallResult | null =
        result === 'reached' ? (passcodeVerified === true ? 'passcode' : passcodeVerified === false ? 'wrong_code' : null) : result === 'busy' ? 'busy' : 'no_answer';
      return outcome === null ? [] : [{ kind: 'callback_outcome', incidentId, callId: null, contact, phone, result: outcome }];
    }
    default:
      return [];
  }
}
