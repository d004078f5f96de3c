import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { ApiError } from '../../console/api-error.js';
import { checkPasscode } from '../../customers/customer-changes.js';
import { CustomerError } from '../../customers/customer-error.js';
import type { ActionDetails } from '../../incidents/incident-action.js';
import { lockIncident } from '../../incidents/incident-store.js';
import type { Database } from '../../store/database-schema.js';
import type { VerificationCallResult } from '../verification-input.js';
import type { VerificationService } from './verification-service.js';

/** How a password callback (口令复核) went, as whoever placed it reports it: the operator, or the voice gateway. */
export const CALL_ANSWERS = ['answered', 'no_answer', 'busy', 'refused'] as const;
export type CallAnswer = (typeof CALL_ANSWERS)[number];

/** The fields of a reported call, the same for the operator's route and the gateway's webhook. */
export const callOutcomeFields = {
  contact: z.string().min(1).max(200),
  phone: z.string().min(1).max(50),
  answer: z.enum(CALL_ANSWERS),
  /** What the person gave as their code: arc checks it (passcode or duress); never stored or logged. */
  code: z.string().min(1).max(50).optional(),
};

/** What the caller is told: the same for the duress code as for the right passcode; null when no code was checked. */
export type CallerReply = 'code_accepted' | 'code_not_accepted' | null;
export const callerReplySchema = z.object({ reply: z.enum(['code_accepted', 'code_not_accepted']).nullable() });

export interface CallReport {
  incidentId: string;
  /** The call the engine asked for (its `callback_started`); null for a call the operator made by hand. */
  callId: string | null;
  contact: string;
  phone: string;
  answer: CallAnswer;
  code?: string | undefined;
}

export interface RecordCallDeps {
  db: Kysely<Database>;
  verification: Pick<VerificationService, 'inTransaction'>;
  now: () => Date;
}

/**
 * A callback's outcome into the engine, as the operator's route and the gateway's webhook both
 * record it: the code (if answered) checked against the customer's hashed passcode and duress
 * code (audited as `actor`'s check, the code itself never kept), then `callback_outcome` fed in a
 * transaction holding the incident's lock; a call's outcome reported again is answered as the
 * first and changes nothing (its code is not checked again). Refuses with the API's codes: `INCIDENT_NOT_FOUND`
 * 404, `INCIDENT_CLOSED` 409, `CODE_REQUIRED` 422, `NO_CUSTOMER` 409, a customer's
 * `NO_PASSCODE` 409. Resolves to what the caller is told.
 */
export async function recordCallOutcome(deps: RecordCallDeps, report: CallReport, actor: string): Promise<{ reply: CallerReply }> {
  const { incidentId, callId, contact, phone, answer, code } = report;
  const loaded = await deps.db.selectFrom('incident').select(['account', 'customer_id']).where('id', '=', incidentId).executeTakeFirst();
  if (loaded === undefined) throw new ApiError(404, 'INCIDENT_NOT_FOUND', `no incident ${incidentId}`);
  // A report of a call that already has its outcome (the gateway's retry after a lost answer) is
  // answered before its code is checked again: one call, one audited passcode check. (Checked
  // again under the incident's lock below, for two reports of the call arriving together.)
  const before = callId === null ? undefined : await outcomeTaken(deps.db, incidentId, callId);
  if (before !== undefined) return { reply: before };
  let result: VerificationCallResult = answer === 'answered' ? 'wrong_code' : answer;
  if (answer === 'answered') {
    if (code === undefined) throw new ApiError(422, 'CODE_REQUIRED', 'an answered callback needs the code the person gave (or answer "refused")');
    if (loaded.customer_id === null) throw new ApiError(409, 'NO_CUSTOMER', 'the account has no customer: verify the caller another way');
    const match = await checkPasscode(deps.db, loaded.customer_id, code, { actor, now: deps.now() }).catch((err: unknown) => {
      if (err instanceof CustomerError) throw new ApiError(409, err.code, err.message);
      throw err;
    });
    result = match === 'none' ? 'wrong_code' : match;
  }
  const decided = await deps.db.transaction().execute(async (trx) => {
    const incident = await lockIncident(trx, incidentId);
    if (incident === undefined) throw new ApiError(404, 'INCIDENT_NOT_FOUND', `no incident ${incidentId}`);
    // A call has one outcome: a report sent again (the gateway's retry after a lost answer) is
    // answered as the first was, and changes nothing, even once that first one closed the incident.
    const taken = callId === null ? undefined : await outcomeTaken(trx, incidentId, callId);
    if (taken !== undefined) return { reply: taken, after: () => undefined };
    if (incident.state.status === 'closed') throw new ApiError(409, 'INCIDENT_CLOSED', 'the incident is closed');
    const after = await deps.verification.inTransaction(trx, loaded.account, { kind: 'callback_outcome', incidentId, callId, contact, phone, result });
    return { reply: callerReply(result), after };
  });
  decided.after();
  return { reply: decided.reply };
}

/** The reply to the outcome the engine took for the call before (its `verification_callback`), if it took one. */
async function outcomeTaken(db: Kysely<Database> | Transaction<Database>, incidentId: string, callId: string): Promise<CallerReply | undefined> {
  const row = await db
    .selectFrom('incident_action')
    .select('detail')
    .where('incident_id', '=', incidentId)
    .where('kind', '=', 'verification_callback')
    .where(sql<string>`detail->>'callId'`, '=', callId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { result } = row.detail as ActionDetails['verification_callback'];
  return result === 'code_accepted' ? 'code_accepted' : result === 'wrong_code' ? 'code_not_accepted' : null;
}

/** The engine's `answer_caller` reply for a result, worked out here so the reporter hears it at once. */
export function callerReply(result: VerificationCallResult): CallerReply {
  if (result === 'passcode' || result === 'duress') return 'code_accepted';
  return result === 'wrong_code' ? 'code_not_accepted' : null;
}
