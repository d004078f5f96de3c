import { LEVEL_RANK, TICKET_LEVELS } from '../maintenance/ticket-policy.js';
import type { ComplaintFacts, TicketFacts } from './monthly-input.js';
import type { MonthlyReport } from './monthly-report.js';
import { deadlineFigures, deadlineOutcome, groupBy, within } from './report-stats.js';

/**
 * Maintenance tickets opened in the month: someone on site by the response deadline, the fault
 * repaired by the repair deadline, as things stood at the period's end.
 */
export function maintenanceFigures(tickets: readonly TicketFacts[], from: number, until: number): MonthlyReport['maintenance'] {
  const opened = tickets.filter((t) => within(t.openedAt, from, until));
  const figures = (list: readonly TicketFacts[]) => ({
    opened: list.length,
    response: deadlineFigures(list.map((t) => deadlineOutcome(t.responseDueAt, t.onSiteAt, until))),
    repair: deadlineFigures(list.map((t) => deadlineOutcome(t.repairDueAt, t.repairedAt, until))),
  });
  const byLevel = groupBy(opened, (t) => t.level);
  const levels = [...TICKET_LEVELS].sort((a, b) => LEVEL_RANK[a] - LEVEL_RANK[b]).filter((l) => byLevel.has(l));
  return { ...figures(opened), byLevel: levels.map((level) => ({ level, ...figures(byLevel.get(level)!) })) };
}

/** Complaints made in the month: replied to within their 48 hours, as things stood at the period's end. */
export function complaintFigures(complaints: readonly ComplaintFacts[], from: number, until: number): MonthlyReport['complaints'] {
  const received = complaints.filter((c) => within(c.complainedAt, from, until));
  return { received: received.length, reply: deadlineFigures(received.map((c) => deadlineOutcome(c.replyDueAt, c.repliedAt, until))) };
}
