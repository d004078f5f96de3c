import type { TicketDeadlines, TicketLevel, TicketSource } from './ticket-policy.js';

/**
 * Where a ticket stands: `received` (受理, opened), `on_site` (someone is at the premises),
 * `repaired`, `accepted` (the customer signed it off), `archived` (filed). One way only.
 */
export const TICKET_STATUSES = ['received', 'on_site', 'repaired', 'accepted', 'archived'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * Work not done yet: a repeat of its trouble is an occurrence on it. Once repaired, the same
 * trouble again means the repair did not hold: a new ticket.
 */
export const OPEN_STATUSES = ['received', 'on_site'] as const satisfies readonly TicketStatus[];

/** What never changes once a ticket exists (table `maintenance_ticket`). Times are epoch ms. */
export interface TicketHeader {
  id: string;
  account: string | null;
  customerId: string | null;
  receiver: string | null;
  source: TicketSource;
  /** null: opened by hand, never merged. */
  dedupeKey: string | null;
  code: string;
  zone: number | null;
  description: string;
  level: TicketLevel;
  openedAt: number;
  /** A user id, or `system`. */
  openedBy: string;
}

export interface Part {
  name: string;
  qty: number;
}

/** What each kind of event records (its `detail` column). */
export interface TicketEventDetails {
  /** Always the first event: the deadlines it was opened with. */
  opened: { level: TicketLevel; responseDueAt: number; repairDueAt: number };
  /** The same trouble again while the ticket is open. */
  occurrence: { description: string };
  /** The trouble ended (a restore, an account back online, a receiver up): noted, it closes nothing. */
  restored: { description: string };
  on_site: { note: string };
  repaired: { parts: Part[]; costCny: number | null; note: string };
  /** `acceptedBy`: the customer's person who signed it off. */
  customer_accepted: { acceptedBy: string; note: string };
  archived: { note: string };
  /** Deadlines counted again from the opening with the new level. */
  level_changed: { from: TicketLevel; to: TicketLevel; reason: string; responseDueAt: number; repairDueAt: number };
  response_overdue: { dueAt: number };
  repair_overdue: { dueAt: number };
}

export type TicketEventKind = keyof TicketEventDetails;

export const TICKET_EVENT_KINDS: readonly TicketEventKind[] = [
  'opened', 'occurrence', 'restored', 'on_site', 'repaired', 'customer_accepted', 'archived', 'level_changed', 'response_overdue', 'repair_overdue',
];

/** An event before it is stored: when (epoch ms), who (a user id or `system`), what. */
export type NewTicketEvent = {
  [K in TicketEventKind]: { kind: K; at: number; actor: string; detail: TicketEventDetails[K] };
}[TicketEventKind];

export type TicketEvent = NewTicketEvent & { id: string; ticketId: string };

/** A ticket folded from its header and events. Times are epoch ms. */
export interface Ticket extends TicketHeader {
  status: TicketStatus;
  /** The current level (the header keeps the opening one). */
  currentLevel: TicketLevel;
  responseDueAt: number;
  repairDueAt: number;
  onSiteAt: number | null;
  repairedAt: number | null;
  acceptedAt: number | null;
  archivedAt: number | null;
  responseOverdue: boolean;
  repairOverdue: boolean;
  occurrences: number;
  lastOccurrenceAt: number;
  restoredAt: number | null;
  parts: Part[];
  costCny: number | null;
  lastEventId: string | null;
}

/**
 * The ticket as it stands before its first event. The deadlines are the `opened` event's (the
 * policy of the day it was opened), so a fold never depends on today's policy.
 */
function blankTicket(header: TicketHeader, { responseDueAt, repairDueAt }: TicketDeadlines): Ticket {
  return {
    ...header,
    status: 'received',
    currentLevel: header.level,
    responseDueAt,
    repairDueAt,
    onSiteAt: null,
    repairedAt: null,
    acceptedAt: null,
    archivedAt: null,
    responseOverdue: false,
    repairOverdue: false,
    occurrences: 1,
    lastOccurrenceAt: header.openedAt,
    restoredAt: null,
    parts: [],
    costCny: null,
    lastEventId: null,
  };
}

/** One event applied: the only way a ticket changes. */
export function evolveTicket(ticket: Ticket, event: NewTicketEvent & { id?: string }): Ticket {
  const next: Ticket = { ...ticket, lastEventId: event.id ?? ticket.lastEventId };
  switch (event.kind) {
    case 'opened':
      return { ...next, currentLevel: event.detail.level, responseDueAt: event.detail.responseDueAt, repairDueAt: event.detail.repairDueAt };
    case 'occurrence':
      return { ...next, occurrences: ticket.occurrences + 1, lastOccurrenceAt: event.at };
    case 'restored':
      return { ...next, restoredAt: event.at };
    case 'on_site':
      return { ...next, status: 'on_site', onSiteAt: event.at };
    case 'repaired':
      return { ...next, status: 'repaired', repairedAt: event.at, parts: event.detail.parts, costCny: event.detail.costCny };
    case 'customer_accepted':
      return { ...next, status: 'accepted', acceptedAt: event.at };
    case 'archived':
      return { ...next, status: 'archived', archivedAt: event.at };
    case 'level_changed':
      return { ...next, currentLevel: event.detail.to, responseDueAt: event.detail.responseDueAt, repairDueAt: event.detail.repairDueAt };
    case 'response_overdue':
      return { ...next, responseOverdue: true };
    case 'repair_overdue':
      return { ...next, repairOverdue: true };
  }
}

/** A ticket from its header and all its events, in order (the state row is not trusted for it). */
export function foldTicket(header: TicketHeader, events: readonly (NewTicketEvent & { id?: string })[]): Ticket {
  return events.reduce(evolveTicket, blankTicket(header, { responseDueAt: header.openedAt, repairDueAt: header.openedAt }));
}

/**
 * The next deadline the overdue loop must act on: the response while nobody is on site, the
 * repair until repaired; null when both are escalated or met.
 */
export function nextDueAt(ticket: Ticket): number | null {
  const dues: number[] = [];
  if (ticket.status === 'received' && !ticket.responseOverdue) dues.push(ticket.responseDueAt);
  if ((ticket.status === 'received' || ticket.status === 'on_site') && !ticket.repairOverdue) dues.push(ticket.repairDueAt);
  return dues.length === 0 ? null : Math.min(...dues);
}

/** Overdue now: a deadline passed and not met (escalated or about to be). */
export function isOverdue(ticket: Ticket, now: number): { response: boolean; repair: boolean } {
  return {
    response: ticket.responseOverdue || (ticket.status === 'received' && now > ticket.responseDueAt),
    repair: ticket.repairOverdue || ((ticket.status === 'received' || ticket.status === 'on_site') && now > ticket.repairDueAt),
  };
}
