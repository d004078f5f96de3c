import type { MaintenanceRefusalCode } from './maintenance-error.js';
import { evolveTicket, foldTicket, type NewTicketEvent, type Part, type Ticket, type TicketHeader, type TicketStatus } from './ticket.js';
import { isTerminalFault, ticketDeadlines, type TicketLevel, type TicketPolicy } from './ticket-policy.js';

/** `actor`: a user id, or `system` (troubles, supervision, the overdue loop). */
export type TicketCommand =
  | { kind: 'occurrence'; actor: string; description: string }
  | { kind: 'restored'; actor: string; description: string }
  | { kind: 'on_site'; actor: string; note: string }
  | { kind: 'repaired'; actor: string; parts: Part[]; costCny: number | null; note: string }
  | { kind: 'customer_accepted'; actor: string; acceptedBy: string; note: string }
  | { kind: 'archive'; actor: string; note: string }
  | { kind: 'reclassify'; actor: string; level: TicketLevel; reason: string }
  /** The overdue loop: escalates each passed deadline once. */
  | { kind: 'tick' };

export type TicketDecision = { ok: true; events: NewTicketEvent[]; ticket: Ticket } | { ok: false; code: Exclude<MaintenanceRefusalCode, 'TICKET_NOT_FOUND' | 'ACCOUNT_NOT_FOUND'>; message: string };

export const SYSTEM_ACTOR = 'system';

/** The step each lifecycle command takes, and the status it must be taken from. */
const STEPS: Record<'on_site' | 'repaired' | 'customer_accepted' | 'archive', { from: readonly TicketStatus[]; to: TicketStatus }> = {
  on_site: { from: ['received'], to: 'on_site' },
  repaired: { from: ['on_site'], to: 'repaired' },
  customer_accepted: { from: ['repaired'], to: 'accepted' },
  archive: { from: ['accepted'], to: 'archived' },
};

/**
 * The events that open a ticket: `opened`, with the deadlines its level and source give, and at
 * once any deadline already passed (a ticket opened from a trouble recorded long ago).
 */
export function openTicket(header: TicketHeader, now: number, policy: TicketPolicy): { events: NewTicketEvent[]; ticket: Ticket } {
  const deadlines = ticketDeadlines(header.level, header.openedAt, policy, isTerminalFault(header.source));
  const opened: NewTicketEvent = { kind: 'opened', at: header.openedAt, actor: header.openedBy, detail: { level: header.level, ...deadlines } };
  const blank = foldTicket(header, [opened]);
  const overdue = overdueEvents(blank, now);
  return { events: [opened, ...overdue], ticket: overdue.reduce(evolveTicket, blank) };
}

/**
 * What a command does to a ticket: the events to append, or a refusal. Pure: time is `now`
 * (epoch ms), the deadlines come from `policy`.
 *
 * - the lifecycle is one way: received → on site → repaired → customer accepted → archived;
 * - a repeat of the trouble and its restore are noted while the ticket is not archived; a
 *   restore never moves the status (the fault is repaired on site, not by itself);
 * - a deadline passed is escalated once (`response_overdue` while nobody is on site,
 *   `repair_overdue` until repaired), by the tick or by any command that finds it passed;
 * - a new level counts the deadlines again from the opening.
 */
export function decideTicket(ticket: Ticket, command: TicketCommand, now: number, policy: TicketPolicy): TicketDecision {
  if (ticket.status === 'archived') {
    if (command.kind === 'tick') return { ok: true, events: [], ticket };
    return { ok: false, code: 'TICKET_ARCHIVED', message: `ticket ${ticket.id} is archived` };
  }
  // Deadlines passed before this command are recorded before it: the history reads in order.
  const events: NewTicketEvent[] = overdueEvents(ticket, now);
  const actor = command.kind === 'tick' ? SYSTEM_ACTOR : command.actor;
  switch (command.kind) {
    case 'tick':
      break;
    case 'occurrence':
    case 'restored':
      events.push({ kind: command.kind, at: now, actor, detail: { description: command.description } });
      break;
    case 'reclassify': {
      if (command.level === ticket.currentLevel) return { ok: false, code: 'LEVEL_UNCHANGED', message: `ticket ${ticket.id} is already ${command.level}` };
      const deadlines = ticketDeadlines(command.level, ticket.openedAt, policy, isTerminalFault(ticket.source));
      events.push({ kind: 'level_changed', at: now, actor, detail: { from: ticket.currentLevel, to: command.level, reason: command.reason, ...deadlines } });
      break;
    }
    default: {
      const step = STEPS[command.kind];
      if (!step.from.includes(ticket.status)) {
        return { ok: false, code: 'INVALID_TRANSITION', message: `ticket ${ticket.id} is ${ticket.status}: ${command.kind.replaceAll('_', ' ')} comes after ${step.from.join(' or ')}` };
      }
      if (command.kind === 'on_site') events.push({ kind: 'on_site', at: now, actor, detail: { note: command.note } });
      else if (command.kind === 'repaired') events.push({ kind: 'repaired', at: now, actor, detail: { parts: command.parts, costCny: command.costCny, note: command.note } });
      else if (command.kind === 'customer_accepted') events.push({ kind: 'customer_accepted', at: now, actor, detail: { acceptedBy: command.acceptedBy, note: command.note } });
      else events.push({ kind: 'archived', at: now, actor, detail: { note: command.note } });
    }
  }
  let after = events.reduce(evolveTicket, ticket);
  // A new level may put a deadline in the past at once.
  if (command.kind === 'reclassify') {
    const more = overdueEvents(after, now);
    events.push(...more);
    after = more.reduce(evolveTicket, after);
  }
  return { ok: true, events, ticket: after };
}

/** Each deadline passed and not escalated yet, as its event (stamped with `now`). */
function overdueEvents(ticket: Ticket, now: number): NewTicketEvent[] {
  const events: NewTicketEvent[] = [];
  if (ticket.status === 'received' && !ticket.responseOverdue && now > ticket.responseDueAt) {
    events.push({ kind: 'response_overdue', at: now, actor: SYSTEM_ACTOR, detail: { dueAt: ticket.responseDueAt } });
  }
  if ((ticket.status === 'received' || ticket.status === 'on_site') && !ticket.repairOverdue && now > ticket.repairDueAt) {
    events.push({ kind: 'repair_overdue', at: now, actor: SYSTEM_ACTOR, detail: { dueAt: ticket.repairDueAt } });
  }
  return events;
}
