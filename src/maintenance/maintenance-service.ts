import type { Kysely, Transaction } from 'kysely';
import type { Registry } from 'prom-client';
import { appendAudits } from '../audit/append-audit.js';
import { registerComplaintGauges } from '../complaints/complaint-metrics.js';
import { markOverdueComplaints } from '../complaints/complaint-store.js';
import type { Fence } from '../journal/journal-consumer.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database-schema.js';
import { decideTicket, type TicketCommand } from './decide-ticket.js';
import { MaintenanceError } from './maintenance-error.js';
import { registerMaintenanceGauges } from './maintenance-metrics.js';
import { openTicketForTrouble, type TroubleTicket } from './open-ticket.js';
import { consumeSupervisionEvents, initSupervisionCursor } from './supervision-tickets.js';
import { escalateOverdueTickets } from './ticket-overdue.js';
import { appendTicketEvents, customerOf, insertTicket, lockTicket, type TroubleOutcome } from './ticket-store.js';
import type { Ticket, TicketEvent } from './ticket.js';
import type { TicketLevel, TicketPolicy } from './ticket-policy.js';

export interface MaintenanceServiceDeps {
  db: Kysely<Database>;
  /** Epoch ms. */
  now: () => number;
  logger: Logger;
  policy: TicketPolicy;
  /** Gauges `arc_maintenance_*` and `arc_complaints` are registered here when given. */
  metrics?: Registry;
  /** The leader's fence: a deposed node's loop transactions roll back (or per term: `start({ fence })`). */
  fence?: Fence;
  /** How often the loops run (default 2 s). */
  tickMs?: number;
  /** Told after commit of the overdue events the loop appended (the console's alert). */
  onEscalated?: (events: TicketEvent[]) => void;
}

/** A ticket opened by hand (an operator's call, a customer's report): never merged with another. */
export interface ManualTicket {
  account: string;
  description: string;
  level: TicketLevel;
  code: string;
  zone: number | null;
  actor: string;
}

export interface TickResult {
  supervisionEvents: number;
  escalated: TicketEvent[];
  complaintsOverdue: number;
}

export interface MaintenanceService {
  readonly policy: TicketPolicy;
  /**
   * Positions the supervision cursor (at the log's head the first time) and starts the timer.
   * `fence`: the term this node leads under (every loop transaction checks it first).
   */
  start(options?: { fence?: Fence }): Promise<void>;
  /** One pass of every loop now: supervision events into tickets, overdue tickets, overdue complaints. */
  tick(): Promise<TickResult>;
  stop(): Promise<void>;
  /** The verification engine's `openTicket` effect, in its deciding transaction. */
  openTicketForTrouble(trx: Transaction<Database>, trouble: TroubleTicket): Promise<TroubleOutcome>;
  openByHand(input: ManualTicket): Promise<{ ticket: Ticket; stored: TicketEvent[] }>;
  /** A step on a ticket by a user; throws MaintenanceError when refused. */
  step(id: string, command: Exclude<TicketCommand, { kind: 'tick' }>): Promise<{ ticket: Ticket; stored: TicketEvent[] }>;
}

/**
 * Maintenance tickets (维保工单) and the complaint register's clock: one timer runs the
 * supervision consumer (late → communication-fail ticket, receiver silent → receiver-trouble
 * ticket, their ends noted), then escalates passed deadlines once each, then marks complaints
 * overdue. Run it on the leading node only (like the journal consumers); the row locks make a
 * second runner harmless, not useful.
 */
export function createMaintenanceService(deps: MaintenanceServiceDeps): MaintenanceService {
  const { db, now, logger, policy, tickMs = 2_000 } = deps;
  let fence = deps.fence;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<TickResult> | undefined;

  if (deps.metrics) {
    registerMaintenanceGauges(deps.metrics, db, now, logger);
    registerComplaintGauges(deps.metrics, db, now, logger);
  }

  const audit = (trx: Transaction<Database>, ticket: Ticket, stored: readonly TicketEvent[]) =>
    appendAudits(
      trx,
      stored.map((e) => ({ actor: e.actor, action: `maintenance.${e.kind}`, subjectType: 'maintenance_ticket', subjectId: ticket.id, detail: { eventId: e.id, account: ticket.account, ...e.detail }, at: new Date(e.at) })),
    );

  const escalate = async (at: number) => {
    const events = await escalateOverdueTickets(db, at, policy, { fence });
    for (const e of events) logger.warn({ ticketId: e.ticketId, kind: e.kind, dueAt: e.detail }, `maintenance ticket ${e.ticketId}: ${e.kind.replace('_', ' ')}`);
    if (events.length > 0) deps.onEscalated?.(events);
    return events;
  };

  const tick = () => {
    ticking ??= (async () => {
      try {
        let supervisionEvents = 0;
        for (;;) {
          const read = await consumeSupervisionEvents(db, policy, { fence });
          if (read === 0) break;
          supervisionEvents += read;
        }
        const escalated = await escalate(now());
        const complaintsOverdue = await markOverdueComplaints(db, now(), { fence });
        if (complaintsOverdue > 0) logger.warn({ complaints: complaintsOverdue }, 'complaints overdue: no reply 48 h after the complaint');
        return { supervisionEvents, escalated, complaintsOverdue };
      } finally {
        ticking = undefined;
      }
    })();
    return ticking;
  };

  return {
    policy,
    async start(options = {}) {
      if (options.fence) fence = options.fence;
      await initSupervisionCursor(db);
      timer = setInterval(() => void tick().catch((err: unknown) => logger.error({ err }, 'maintenance tick failed')), tickMs);
      timer.unref();
      logger.info('maintenance started');
    },
    tick,
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking?.catch(() => undefined);
    },
    openTicketForTrouble: (trx, trouble) => openTicketForTrouble(trx, trouble, policy),
    async openByHand(input) {
      const at = now();
      return db.transaction().execute(async (trx) => {
        const { exists, customerId } = await customerOf(trx, input.account);
        if (!exists) throw new MaintenanceError('ACCOUNT_NOT_FOUND', `no account ${input.account}`);
        const opened = await insertTicket(
          trx,
          { account: input.account, customerId, receiver: null, source: 'manual', dedupeKey: null, code: input.code, zone: input.zone, description: input.description, level: input.level, openedAt: at, openedBy: input.actor },
          at,
          policy,
        );
        await audit(trx, opened.ticket, opened.stored);
        return opened;
      });
    },
    async step(id, command) {
      const at = now();
      return db.transaction().execute(async (trx) => {
        const loaded = await lockTicket(trx, id);
        if (!loaded) throw new MaintenanceError('TICKET_NOT_FOUND', `no maintenance ticket ${id}`);
        const decision = decideTicket(loaded.ticket, command, at, policy);
        if (!decision.ok) throw new MaintenanceError(decision.code, decision.message);
        const appended = await appendTicketEvents(trx, loaded.ticket, decision.events);
        await audit(trx, appended.ticket, appended.stored);
        return appended;
      });
    },
  };
}
