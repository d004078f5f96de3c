import { z } from 'zod';
import { CALLBACK_RESULTS, OUTCOMES, VERDICTS, type IncidentAction } from './incident-action.js';
import type { IncidentCommand } from './incident-command.js';
import { PRIORITIES } from './incident-priority.js';
import type { IncidentState } from './incident-state.js';

const note = z.string().max(2000).default('');

/**
 * The console's commands, one per `kind`. Close takes its outcome and note as optional here so
 * that their absence is refused by the incident rules with a stable code (OUTCOME_REQUIRED,
 * NOTE_REQUIRED), like every other refusal.
 */
export const commandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('take') }),
  z.object({ kind: z.literal('acknowledge') }),
  z.object({
    kind: z.literal('record_callback'),
    contact: z.string().min(1).max(200),
    phone: z.string().min(1).max(40),
    result: z.enum(CALLBACK_RESULTS),
    passcodeVerified: z.boolean().nullable().default(null),
    note,
  }),
  z.object({ kind: z.literal('dispatch_guard'), guardId: z.string().min(1).max(100).nullable().default(null), note }),
  z.object({ kind: z.literal('judge'), verdict: z.enum(VERDICTS), evidence: z.string().max(2000).default('') }),
  z.object({ kind: z.literal('forward_110'), note }),
  z.object({ kind: z.literal('close'), outcome: z.enum(OUTCOMES).nullable().default(null), note }),
]) satisfies z.ZodType<IncidentCommand, unknown>;

export const incidentIdSchema = z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, 'an incident id is a positive integer') });

export const queueQuerySchema = z.object({
  state: z.enum(['open', 'closed', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const feedQuerySchema = z.object({
  since: z.string().regex(/^(0|[1-9][0-9]{0,17})$/, 'since is an action id, 0 for the beginning').default('0'),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

const iso = z.string();

export const incidentViewSchema = z.object({
  id: z.string(),
  account: z.string(),
  customerId: z.string().nullable(),
  customer: z.string(),
  openedAt: iso,
  openingSeq: z.string(),
  status: z.enum(['open', 'closed']),
  priority: z.enum(PRIORITIES),
  eventClass: z.string(),
  owner: z.string().nullable(),
  acknowledgedAt: iso.nullable(),
  judged: z.boolean(),
  verdict: z.enum(VERDICTS).nullable(),
  evidence: z.string().nullable(),
  handled: z.boolean(),
  cleared: z.boolean(),
  outcome: z.enum(OUTCOMES).nullable(),
  zonesInAlarm: z.array(z.number().nullable()),
  alarms: z.number(),
  callbacks: z.number(),
  dispatchRequests: z.number(),
  forwardedTo110: z.boolean(),
  lastActionId: z.string().nullable(),
  lastActionAt: iso,
});

export const actionViewSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  at: iso,
  actor: z.string(),
  kind: z.string(),
  detail: z.record(z.string(), z.unknown()),
  journalSeq: z.string().nullable(),
});

export type IncidentView = z.infer<typeof incidentViewSchema>;
export type ActionView = z.infer<typeof actionViewSchema>;

const isoOf = (ms: number) => new Date(ms).toISOString();

/** An incident as the API shows it: times as ISO 8601 UTC. */
export function incidentView(s: IncidentState): IncidentView {
  return {
    ...s,
    openedAt: isoOf(s.openedAt),
    acknowledgedAt: s.acknowledgedAt === null ? null : isoOf(s.acknowledgedAt),
    lastActionAt: isoOf(s.lastActionAt),
  };
}

/** An action as the API shows it (times inside `detail` stay as stored: epoch ms). */
export function actionView(a: IncidentAction): ActionView {
  return { id: a.id, incidentId: a.incidentId, at: isoOf(a.at), actor: a.actor, kind: a.kind, detail: { ...a.detail }, journalSeq: a.journalSeq };
}
