/**
 * How urgent a ticket is (一般 / 紧急 / 重大). The level sets the two deadlines: someone on site
 * (the response) and the fault repaired, both counted from the ticket's opening.
 */
export const TICKET_LEVELS = ['general', 'urgent', 'major'] as const;
export type TicketLevel = (typeof TICKET_LEVELS)[number];

/** For ordering lists: the most urgent first. */
export const LEVEL_RANK: Record<TicketLevel, number> = { major: 0, urgent: 1, general: 2 };

/** Where a ticket comes from. `receiver`: a phone-line receiver of the centre itself. */
export const TICKET_SOURCES = ['trouble', 'supervision', 'receiver', 'manual'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

const MIN = 60_000;
const HOUR = 60 * MIN;

/** The centre's maintenance settings, in ms. */
export interface TicketPolicy {
  /** By level: someone on site within `responseMs`, the fault repaired within `repairMs`. */
  deadlines: Record<TicketLevel, { responseMs: number; repairMs: number }>;
  /**
   * A customer's terminal fault is met on site within this, whatever its level says (the
   * service standard's 4 hours): the response deadline of a ticket on a customer's equipment is
   * never later.
   */
  terminalOnSiteMaxMs: number;
}

/** The defaults: general 2 h / 24 h, urgent 30 min / 8 h, major 15 min / 4 h; on site within 4 h. */
export const DEFAULT_TICKET_POLICY: TicketPolicy = Object.freeze({
  deadlines: Object.freeze({
    general: Object.freeze({ responseMs: 2 * HOUR, repairMs: 24 * HOUR }),
    urgent: Object.freeze({ responseMs: 30 * MIN, repairMs: 8 * HOUR }),
    major: Object.freeze({ responseMs: 15 * MIN, repairMs: 4 * HOUR }),
  }),
  terminalOnSiteMaxMs: 4 * HOUR,
});

export interface TicketDeadlines {
  /** Epoch ms: someone on site by then. */
  responseDueAt: number;
  /** Epoch ms: repaired by then. */
  repairDueAt: number;
}

/**
 * A ticket's deadlines. `terminal`: the fault is on a customer's equipment (every source but a
 * receiver of the centre), so the 4-hour on-site rule caps the response deadline. A repair
 * deadline is never before the response deadline.
 *
 * @example ticketDeadlines('urgent', t0, DEFAULT_TICKET_POLICY) // { responseDueAt: t0 + 30 min, repairDueAt: t0 + 8 h }
 */
export function ticketDeadlines(level: TicketLevel, openedAt: number, policy: TicketPolicy, terminal = true): TicketDeadlines {
  const { responseMs, repairMs } = policy.deadlines[level];
  const response = terminal ? Math.min(responseMs, policy.terminalOnSiteMaxMs) : responseMs;
  return { responseDueAt: openedAt + response, repairDueAt: openedAt + Math.max(repairMs, response) };
}

/** Whether a source's fault is on a customer's equipment (the 4-hour on-site rule applies). */
export function isTerminalFault(source: TicketSource): boolean {
  return source !== 'receiver';
}
