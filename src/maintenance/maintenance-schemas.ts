import { z } from 'zod';
import { accountNumberSchema } from '../customers/customer-schemas.js';
import { isOverdue, TICKET_STATUSES, type Ticket, type TicketEvent } from './ticket.js';
import { TICKET_LEVELS, TICKET_SOURCES } from './ticket-policy.js';

const iso = z.string().describe('ISO 8601 UTC');
const note = z.string().trim().max(2000).default('');

export const ticketIdSchema = z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, 'a ticket id is a positive integer') });

export const ticketListQuerySchema = z.object({
  status: z.enum(['open', 'active', 'all', ...TICKET_STATUSES]).default('active').describe('open: received or on site; active: not archived'),
  overdue: z.enum(['true', 'false']).optional().describe('true: only tickets past a deadline not met'),
  account: accountNumberSchema.optional(),
  level: z.enum(TICKET_LEVELS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const ticketViewSchema = z.object({
  id: z.string(),
  account: z.string().nullable(),
  customerId: z.string().nullable(),
  receiver: z.string().nullable(),
  source: z.enum(TICKET_SOURCES),
  dedupeKey: z.string().nullable(),
  code: z.string(),
  zone: z.number().int().nullable(),
  description: z.string(),
  level: z.enum(TICKET_LEVELS),
  openingLevel: z.enum(TICKET_LEVELS),
  status: z.enum(TICKET_STATUSES),
  openedAt: iso,
  openedBy: z.string(),
  responseDueAt: iso.describe('someone on site by then'),
  repairDueAt: iso,
  onSiteAt: iso.nullable(),
  repairedAt: iso.nullable(),
  acceptedAt: iso.nullable(),
  archivedAt: iso.nullable(),
  overdue: z.object({ response: z.boolean(), repair: z.boolean() }).describe('a deadline passed and not met (now, or when it was met late)'),
  occurrences: z.number().int().describe('how many times the trouble was reported while the ticket was open'),
  restoredAt: iso.nullable().describe('the trouble ended (noted; it closes nothing)'),
  parts: z.array(z.object({ name: z.string(), qty: z.number() })),
  costCny: z.number().nullable(),
});

export const ticketEventViewSchema = z.object({ id: z.string(), at: iso, actor: z.string(), kind: z.string(), detail: z.record(z.string(), z.unknown()) });

export const openTicketSchema = z.object({
  account: accountNumberSchema,
  description: z.string().trim().min(1).max(2000),
  level: z.enum(TICKET_LEVELS).default('general'),
  code: z.string().trim().min(1).max(40).default('manual'),
  zone: z.number().int().min(0).max(9999).nullable().default(null),
});

export const onSiteSchema = z.object({ note });
export const repairedSchema = z.object({
  parts: z.array(z.object({ name: z.string().trim().min(1).max(200), qty: z.number().positive().max(10_000) })).max(100).default([]),
  costCny: z.number().min(0).max(10_000_000).nullable().default(null).describe('yuan, parts and labour; null: no charge recorded'),
  note,
});
export const customerAcceptedSchema = z.object({ acceptedBy: z.string().trim().min(1).max(200).describe("the customer's person who signed it off"), note });
export const archiveSchema = z.object({ note });
export const levelSchema = z.object({ level: z.enum(TICKET_LEVELS), reason: z.string().trim().min(1).max(2000) });

const isoOf = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function ticketView(t: Ticket, now: number): z.infer<typeof ticketViewSchema> {
  return {
    id: t.id,
    account: t.account,
    customerId: t.customerId,
    receiver: t.receiver,
    source: t.source,
    dedupeKey: t.dedupeKey,
    code: t.code,
    zone: t.zone,
    description: t.description,
    level: t.currentLevel,
    openingLevel: t.level,
    status: t.status,
    openedAt: new Date(t.openedAt).toISOString(),
    openedBy: t.openedBy,
    responseDueAt: new Date(t.responseDueAt).toISOString(),
    repairDueAt: new Date(t.repairDueAt).toISOString(),
    onSiteAt: isoOf(t.onSiteAt),
    repairedAt: isoOf(t.repairedAt),
    acceptedAt: isoOf(t.acceptedAt),
    archivedAt: isoOf(t.archivedAt),
    overdue: isOverdue(t, now),
    occurrences: t.occurrences,
    restoredAt: isoOf(t.restoredAt),
    parts: t.parts,
    costCny: t.costCny,
  };
}

export function ticketEventView(e: TicketEvent): z.infer<typeof ticketEventViewSchema> {
  return { id: e.id, at: new Date(e.at).toISOString(), actor: e.actor, kind: e.kind, detail: e.detail };
}
