import { sql, type Kysely } from 'kysely';
import { appendActions, lockIncident } from '../incidents/incident-store.js';
import type { Database } from '../store/database-schema.js';
import type { VerificationCommand } from '../verification/verification-command.js';
import { DIALLER_ACTOR } from './dialler-wire.js';

type StartCallback = Extract<VerificationCommand, { kind: 'start_callback' }>;

/**
 * Tells the operators, on the incident's record, that the gateway never took a call: a high
 * notice naming the number, so that someone calls it by hand at once rather than the premises
 * waiting out the call's answer time. Nothing is written when the call is over already (answered,
 * cancelled, timed out) or the incident is closed. Resolves to the action's id (null: none).
 * The engine is not told: its `call_answer` timer still moves the case on, as for any call
 * nobody answers.
 */
export async function noteCallNotPlaced(db: Kysely<Database>, call: StartCallback, at: number): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const locked = await lockIncident(trx, call.incidentId);
    if (locked === undefined || locked.state.status === 'closed') return null;
    const over = await trx
      .selectFrom('incident_action')
      .select('id')
      .where('incident_id', '=', call.incidentId)
      .where('kind', 'in', ['callback_cancelled', 'verification_callback'])
      .where(sql<string>`detail->>'callId'`, '=', call.callId)
      .executeTakeFirst();
    if (over !== undefined) return null;
    const message = `The automated call to ${call.contact} (${call.phone}) could not be placed: the voice gateway is not taking calls. Call the number yourself; without an outcome the next number is called when the call's answer time runs out.`;
    const { state } = await appendActions(trx, locked.state, locked.state, [{ kind: 'verification_notice', at, actor: DIALLER_ACTOR, journalSeq: null, detail: { urgency: 'high', message } }]);
    return state.lastActionId;
  });
}
