import { sql, type Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database-schema.js';

/** `arc_complaints{state}`: open, and of those overdue (48 h without a reply), read at each scrape. */
export function registerComplaintGauges(registry: Registry, db: Kysely<Database>, now: () => number, logger: Logger): void {
  new Gauge({
    name: 'arc_complaints',
    help: 'Complaints not replied to (open), and of those overdue (no reply 48 h after the complaint)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        const { rows } = await sql<{ open: string; overdue: string }>`
          select count(*) as open, count(*) filter (where overdue or reply_due_at < ${new Date(now())}) as overdue
          from complaint_state where status = 'open'`.execute(db);
        this.set({ state: 'open' }, Number(rows[0]?.open ?? 0));
        this.set({ state: 'overdue' }, Number(rows[0]?.overdue ?? 0));
      } catch (err) {
        logger.warn({ err }, 'complaint gauges not read');
      }
    },
  });
}
