import { sql, type Kysely } from 'kysely';
import type { ActionDetails } from '../incidents/incident-action.js';
import type { Database } from '../store/database-schema.js';
import type { IncidentFacts } from './monthly-input.js';

/** The actions the report reads; the rest of an incident's history does not change a figure. */
const KINDS = ['alarm_joined', 'acknowledged', 'forward_110_requested', 'closed'] as const;

/**
 * Every incident with something in [from, until): opened, an alarm joined, acknowledged,
 * forwarded to 110 or closed. Each with all its actions of those kinds, also those after the
 * month (computeMonthlyReport keeps to the month). `incident_action.at` has a BRIN index
 * (migration 0015): a month's actions are found without a B-tree slowing every alarm's insert.
 */
export async function loadIncidentFacts(db: Kysely<Database>, from: number, until: number, customerName: (id: string | null) => string | null): Promise<IncidentFacts[]> {
  const start = new Date(from);
  const end = new Date(until);
  const ids = sql<string>`(
    select id from incident where opened_at >= ${start} and opened_at < ${end}
    union
    select incident_id from incident_action where at >= ${start} and at < ${end} and kind in (${sql.join(KINDS)}))`;
  const [headers, actions] = await Promise.all([
    db.selectFrom('incident').select(['id', 'account', 'customer_id', 'opened_at']).where('id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('incident_action').select(['incident_id', 'kind', 'at', 'detail']).where('incident_id', 'in', ids).where('kind', 'in', KINDS).orderBy('id').execute(),
  ]);
  const facts = new Map<string, IncidentFacts & { joinedAlarmsAt: number[] }>();
  for (const h of headers) {
    facts.set(h.id, {
      id: h.id,
      account: h.account,
      customerId: h.customer_id,
      customerName: customerName(h.customer_id),
      openedAt: h.opened_at.getTime(),
      joinedAlarmsAt: [],
      acknowledged: null,
      forwardedAt: null,
      closed: null,
    });
  }
  for (const a of actions) {
    const f = facts.get(a.incident_id);
    if (!f) continue;
    const at = a.at.getTime();
    if (a.kind === 'alarm_joined') f.joinedAlarmsAt.push(at);
    else if (a.kind === 'acknowledged') {
      const d = a.detail as ActionDetails['acknowledged'];
      f.acknowledged ??= { at, receivedAt: d.receivedAt, eventClass: d.eventClass, priority: d.priority };
    } else if (a.kind === 'forward_110_requested') f.forwardedAt ??= at;
    else f.closed ??= { at, outcome: (a.detail as ActionDetails['closed']).outcome };
  }
  return [...facts.values()];
}
