import { z } from 'zod';
import { POLICE_STATUSES, type UplinkMessageKind } from '../incidents/incident-action.js';
import type { Evidence } from '../verification/evidence.js';
import { VERIFICATION_LEVELS, type VerificationLevel } from '../verification/verification-level.js';

/**
 * The messages of the 110 link, modelled on ASAP-to-PSAP (APCO/TMA): the centre reports an alarm
 * event (notify), adds to it (update) or withdraws it (cancel); the police centre answers each
 * with its case number (accepted) or a reason (rejected), and later reports on its case
 * (dispatched, on scene, closed with a disposition). JSON, signed (src/signing/hmac-signature.ts).
 */

/** The 110 link's signature refusals are `UPLINK_SIGNATURE_MISSING`, `UPLINK_BAD_SIGNATURE`… (both ends). */
export const UPLINK_LINK = { name: 'UPLINK' } as const;

/** The premises as the police need them to find the place; who lives there is not sent. */
export interface Premises {
  customerId: string | null;
  name: string | null;
  address: string | null;
  position: { lat: number; lng: number } | null;
}

/** A zone named by the evidence: where in the premises the alarm is. */
export interface ReportedZone {
  account: string;
  number: number;
  name: string;
  location: string;
  type: string;
}

interface MessageBase {
  /** `incidentId/revision/kind`: the idempotency key, as 110 de-duplicates by it. */
  messageId: string;
  incidentId: string;
  revision: number;
}

/** The first report of a confirmed incident (ASAP "new alarm event"). */
export interface NotifyPayload extends MessageBase {
  kind: 'notify';
  account: string;
  level: VerificationLevel;
  /** Hold-up, duress, fire, medical: a life may be at risk (TMA-AVS-01 level 4). */
  threatToLife: boolean;
  premises: Premises;
  zones: ReportedZone[];
  /** What the confirmation rests on, what decided the level first. */
  evidence: Evidence[];
  /** ISO 8601 UTC: when the alarm was received, and when the centre confirmed it. */
  openedAt: string;
  confirmedAt: string;
}

/** More on a reported incident (ASAP "update"): a new finding. */
export interface UpdatePayload extends MessageBase {
  kind: 'update';
  note: string;
  evidence: Evidence[];
  at: string;
}

/** The centre withdraws a report (ASAP "cancel"): e.g. a guard found it false. */
export interface CancelPayload extends MessageBase {
  kind: 'cancel';
  reason: string;
  at: string;
}

export type UplinkPayload = NotifyPayload | UpdatePayload | CancelPayload;

/** What `enqueueUplink` stores: the payload, its key, and when it was made (epoch ms: created_at). */
export interface UplinkMessage {
  incidentId: string;
  revision: number;
  kind: UplinkMessageKind;
  at: number;
  payload: UplinkPayload;
}

export function messageId(incidentId: string, revision: number, kind: UplinkMessageKind): string {
  return `${incidentId}/${revision}/${kind}`;
}

const iso = z.string().min(1).max(40);
const evidenceSchema = z.array(z.looseObject({ kind: z.string(), at: z.number() })).max(200);
const base = { messageId: z.string().min(1).max(100), incidentId: z.string().regex(/^[1-9][0-9]{0,17}$/), revision: z.number().int().min(1) };

/** What the police side accepts (the simulated 110 validates with it). */
export const uplinkPayloadSchema = z.discriminatedUnion('kind', [
  z.object({
    ...base,
    kind: z.literal('notify'),
    account: z.string().min(1).max(32),
    level: z.enum(VERIFICATION_LEVELS),
    threatToLife: z.boolean(),
    premises: z.object({
      customerId: z.string().nullable(),
      name: z.string().nullable(),
      address: z.string().nullable(),
      position: z.object({ lat: z.number(), lng: z.number() }).nullable(),
    }),
    zones: z.array(z.object({ account: z.string(), number: z.number(), name: z.string(), location: z.string(), type: z.string() })),
    evidence: evidenceSchema.min(1),
    openedAt: iso,
    confirmedAt: iso,
  }),
  z.object({ ...base, kind: z.literal('update'), note: z.string().max(2000), evidence: evidenceSchema, at: iso }),
  z.object({ ...base, kind: z.literal('cancel'), reason: z.string().max(2000), at: iso }),
]);

/** 110's answer to a message: 200 accepted with the case number, 422 rejected with a reason. */
export const uplinkAnswerSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('accepted'), caseNumber: z.string().min(1).max(64) }),
  z.object({ status: z.literal('rejected'), reason: z.string().min(1).max(500) }),
]);

export type UplinkAnswer = z.infer<typeof uplinkAnswerSchema>;

/** 110 → arc: the state of the police case (POST /api/uplink110/police-updates, signed by 110). */
export const policeUpdateSchema = z.object({
  incidentId: z.string().regex(/^[1-9][0-9]{0,17}$/),
  caseNumber: z.string().min(1).max(64),
  status: z.enum(POLICE_STATUSES),
  disposition: z.string().max(500).nullable().default(null),
  at: iso,
});

export type PoliceUpdate = z.infer<typeof policeUpdateSchema>;

/** A message as the police side parsed it (evidence items kept as they came). */
export type ReceivedPayload = z.infer<typeof uplinkPayloadSchema>;
