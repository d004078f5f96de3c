import { z } from 'zod';
import { isComplaintOverdue, COMPLAINT_STATUSES, type Complaint, type ComplaintEvent } from './complaint.js';

const iso = z.string().describe('ISO 8601 UTC');

export const complaintIdSchema = z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, 'a complaint id is a positive integer') });

export const newComplaintSchema = z
  .object({
    customerId: z.uuid().nullable().default(null).describe('the customer who complained, if one of the centre'),
    name: z.string().trim().min(1).max(200).nullable().default(null).describe("the complainant's name (required without a customer)"),
    phone: z.string().trim().min(3).max(40).nullable().default(null),
    complainedAt: z.iso.datetime({ offset: true }).optional().describe('when the complaint was made (default: now)'),
    content: z.string().trim().min(1).max(4000).describe('what the complaint is about'),
    promised: z.string().trim().max(2000).default('').describe('what was promised to the complainant'),
  })
  .refine((b) => b.customerId !== null || b.name !== null, { message: 'say who complained: a customerId or a name', path: ['name'] });

export const complaintListQuerySchema = z.object({
  status: z.enum(['all', ...COMPLAINT_STATUSES]).default('open'),
  overdue: z.enum(['true', 'false']).optional().describe('true: only complaints past 48 h without a reply'),
  customerId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const handleSchema = z.object({ note: z.string().trim().min(1).max(4000) });
export const replySchema = z.object({ reply: z.string().trim().min(1).max(4000) });

export const complaintViewSchema = z.object({
  id: z.string(),
  customerId: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  complainedAt: iso,
  content: z.string(),
  receivedBy: z.string(),
  promised: z.string(),
  recordedAt: iso,
  status: z.enum(COMPLAINT_STATUSES),
  replyDueAt: iso,
  overdue: z.boolean().describe('no reply 48 h after the complaint (now, or when it was replied late)'),
  handling: z.array(z.object({ at: iso, actor: z.string(), note: z.string() })),
  reply: z.object({ at: iso, actor: z.string(), reply: z.string() }).nullable(),
});

export const complaintEventViewSchema = z.object({ id: z.string(), at: iso, actor: z.string(), kind: z.string(), detail: z.record(z.string(), z.unknown()) });

const isoOf = (ms: number) => new Date(ms).toISOString();

export function complaintView(c: Complaint, now: number): z.infer<typeof complaintViewSchema> {
  return {
    id: c.id,
    customerId: c.complainant.customerId,
    name: c.complainant.name,
    phone: c.complainant.phone,
    complainedAt: isoOf(c.complainedAt),
    content: c.content,
    receivedBy: c.receivedBy,
    promised: c.promised,
    recordedAt: isoOf(c.recordedAt),
    status: c.status,
    replyDueAt: isoOf(c.replyDueAt),
    overdue: isComplaintOverdue(c, now),
    handling: c.handling.map((h) => ({ ...h, at: isoOf(h.at) })),
    reply: c.reply === null ? null : { ...c.reply, at: isoOf(c.reply.at) },
  };
}

export function complaintEventView(e: ComplaintEvent): z.infer<typeof complaintEventViewSchema> {
  return { id: e.id, at: isoOf(e.at), actor: e.actor, kind: e.kind, detail: e.detail };
}
