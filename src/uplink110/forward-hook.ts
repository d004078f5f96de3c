import type { Kysely, Transaction } from 'kysely';
import type { CustomerCard } from '../customers/customer-card.js';
import { findCustomerCard } from '../customers/customer-lookup.js';
import type { IncidentAction } from '../incidents/incident-action.js';
import type { OnForwardRequested } from '../incidents/incident-routes.js';
import type { IncidentState } from '../incidents/incident-state.js';
import type { Database } from '../store/database-schema.js';
import type { Evidence } from '../verification/evidence.js';
import type { VerificationLevel } from '../verification/verification-level.js';
import { buildForward } from './build-message.js';
import { enqueueUplink } from './enqueue-uplink.js';

type Db = Kysely<Database> | Transaction<Database>;
type FindCard = (db: Db, account: string) => Promise<CustomerCard | undefined>;

/**
 * The operator's forward to 110 (console `forward_110`), as the uplink's report: enqueued in
 * the transaction of the forward. The revision is the incident's count of forwards (this one
 * included); the level is the operator's confirmation, or the life threat of an emergency, fire
 * or medical alarm; the evidence is the operator's judgement, then every alarm of the incident.
 *
 * @example registerIncidentRoutes(scope, { …, onForwardRequested: createForwardHook() })
 */
export function createForwardHook(findCard: FindCard = findCustomerCard): OnForwardRequested {
  return async (trx, state, action) => {
    const actions = await trx.selectFrom('incident_action').selectAll().where('incident_id', '=', state.id).orderBy('id').execute();
    const revision = actions.filter((a) => a.kind === 'forward_110_requested').length;
    const card = await findCard(trx, state.account);
    const alarms = actions.flatMap((a) => (a.kind === 'opened' || a.kind === 'alarm_joined' ? [alarmEvidence(a.at.getTime(), (a.detail as { event: AlarmDetail }).event, state.account, card)] : []));
    const operator = operatorEvidence(action);
    const evidence: Evidence[] = [operator, ...alarms];
    await enqueueUplink(trx, await buildForward(trx, { incidentId: state.id, account: state.account, revision, level: levelOf(state), evidence, note: operator.note || 'forwarded again by the operator', now: action.at }, () => Promise.resolve(card)));
  };
}

type AlarmDetail = { zone: number | null; code: string; description: string };

function levelOf(state: IncidentState): VerificationLevel {
  switch (state.priority) {
    case 'emergency':
    case 'fire':
    case 'medical':
      return state.priority;
    default:
      return 'operator_confirmed';
  }
}

function operatorEvidence(action: Extract<IncidentAction, { kind: 'forward_110_requested' }>): Extract<Evidence, { kind: 'operator' }> {
  const note = [action.detail.evidence, action.detail.note].filter((s) => s !== null && s.trim() !== '').join(' — ');
  return { kind: 'operator', at: action.at, operator: action.actor, note };
}

function alarmEvidence(at: number, event: AlarmDetail, account: string, card: CustomerCard | undefined): Evidence {
  const zone = card?.zones.find((z) => z.account === account && z.number === event.zone);
  return { kind: 'alarm', at, zone: event.zone, zoneName: zone?.name ?? null, principle: zone?.principle ?? null, code: event.code, description: event.description };
}
