import { sql, type Kysely } from 'kysely';
import type { OrderEventDetails } from '../dispatch/dispatch-order.js';
import type { Database } from '../store/database-schema.js';
import type { DispatchFacts } from './monthly-input.js';

/**
 * Every dispatch order whose guard arrived or reported in [from, until), with the deadline it was
 * held to (from its state: once on scene, neither the contract nor the prediction moves) and the
 * customer of its incident.
 */
export async function loadDispatchFacts(db: Kysely<Database>, from: number, until: number, customerName: (id: string | null) => string | null): Promise<DispatchFacts[]> {
  const ids = sql<string>`(
    select order_id from dispatch_order_event
    where kind in ('on_scene', 'reported') and at >= ${new Date(from)} and at < ${new Date(until)})`;
  const [orders, events] = await Promise.all([
    db
      .selectFrom('dispatch_order as o')
      .innerJoin('dispatch_order_state as s', 's.order_id', 'o.id')
      .innerJoin('incident as i', 'i.id', 'o.incident_id')
      .select(['o.id', 'o.incident_id', 'o.account', 'i.customer_id', 's.contracted_arrival_at', 's.predicted_arrival_at'])
      .where('o.id', 'in', ids)
      .orderBy('o.id')
      .execute(),
    db.selectFrom('dispatch_order_event').select(['order_id', 'kind', 'at', 'detail']).where('order_id', 'in', ids).where('kind', 'in', ['on_scene', 'reported']).orderBy('id').execute(),
  ]);
  const facts = new Map<string, DispatchFacts>();
  for (const o of orders) {
    facts.set(o.id, {
      orderId: o.id,
      incidentId: o.incident_id,
      account: o.account,
      customerId: o.customer_id,
      customerName: customerName(o.customer_id),
      arrivedAt: null,
      contractedArrivalAt: o.contracted_arrival_at?.getTime() ?? null,
      predictedArrivalAt: o.predicted_arrival_at?.getTime() ?? null,
      report: null,
    });
  }
  for (const e of events) {
    const f = facts.get(e.order_id);
    if (!f) continue;
    if (e.kind === 'on_scene') f.arrivedAt ??= e.at.getTime();
    else f.report ??= { at: e.at.getTime(), finding: (e.detail as OrderEventDetails['reported']).finding };
  }
  return [...facts.values()];
}
