import { sql, type Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database-schema.js';
import { OPEN_STATUSES } from './ticket.js';
import { TICKET_LEVELS } from './ticket-policy.js';

/**
 * `arc_maintenance_open_tickets{level}` (received or on site: the work is not done) and
 * `arc_maintenance_overdue_tickets{deadline}` (a response or repair deadline passed and not met),
 * read from the state table at each scrape: right on every node, leader or not.
 */
export function registerMaintenanceGauges(registry: Registry, db: Kysely<Database>, now: () => number, logger: Logger): void {
  new Gauge({
    name: 'arc_maintenance_open_tickets',
    help: 'Maintenance tickets received or on site (work not done), by level',
    labelNames: ['level'] as const,
    registers: [registry],
    async collect() {
      try {
        const rows = await db.selectFrom('maintenance_ticket_state').select(['level', (eb) => eb.fn.countAll<string>().as('n')]).where('status', 'in', OPEN_STATUSES).groupBy('level').execute();
        for (const level of TICKET_LEVELS) this.set({ level }, Number(rows.find((r) => r.level === level)?.n ?? 0));
      } catch (err) {
        logger.warn({ err }, 'maintenance gauges not read');
      }
    },
  });
  new Gauge({
    name: 'arc_maintenance_overdue_tickets',
    help: 'Maintenance tickets past a deadline not met: response (nobody on site) or repair',
    labelNames: ['deadline'] as const,
    registers: [registry],
    async collect() {
      try {
        const at = new Date(now());
        const { rows } = await sql<{ response: string; repair: string }>`
          select count(*) filter (where status = 'received' and response_due_at < ${at}) as response,
                 count(*) filter (where repair_due_at < ${at}) as repair
          from maintenance_ticket_state where status in ('received', 'on_site')`.execute(db);
        this.set({ deadline: 'response' }, Number(rows[0]?.response ?? 0));
        this.set({ deadline: 'repair' }, Number(rows[0]?.repair ?? 0));
      } catch (err) {
        logger.warn({ err }, 'maintenance gauges not read');
      }
    },
  });
}
