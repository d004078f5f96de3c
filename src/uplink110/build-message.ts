import type { Kysely, Transaction } from 'kysely';
import type { CustomerCard } from '../customers/customer-card.js';
import { findCustomerCard } from '../customers/customer-lookup.js';
import type { Database } from '../store/database-schema.js';
import type { Evidence } from '../verification/evidence.js';
import { threatensLife, type VerificationLevel } from '../verification/verification-level.js';
import { messageId, type NotifyPayload, type UplinkMessage } from './uplink-wire.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NotifyInput {
  incidentId: string;
  account: string;
  /** 1 for the first report of the incident; a later forward of the same incident counts up. */
  revision: number;
  level: VerificationLevel;
  /** Never empty: what decided the level first, then the incident's alarms. */
  evidence: Evidence[];
  /** When it was confirmed (epoch ms): the outbox row's created_at, the start of the 110 clock. */
  now: number;
}

/**
 * The first report of a confirmed incident to 110, from the customer card (read in `trx`):
 * the premises (name, address, position), the zones the evidence names, the evidence and the
 * level. Nothing of the customer's people: no contacts, phone numbers, panel users or video
 * links. The police call the centre, which calls the keyholders; the police liaison reads the
 * rest through arc's police API.
 *
 * @example await enqueueUplink(trx, await buildNotify(trx, { incidentId, account, revision: 1, level: 'linked_zones', evidence, now }))
 */
export async function buildNotify(trx: Db, input: NotifyInput, findCard: (db: Db, account: string) => Promise<CustomerCard | undefined> = findCustomerCard): Promise<UplinkMessage> {
  const [card, incident] = await Promise.all([
    findCard(trx, input.account),
    trx.selectFrom('incident').select('opened_at').where('id', '=', input.incidentId).executeTakeFirst(),
  ]);
  if (incident === undefined) throw new Error(`no incident ${input.incidentId}`);
  return notifyMessage(input, card, incident.opened_at.getTime());
}

function notifyMessage(input: NotifyInput, card: CustomerCard | undefined, openedAt: number): UplinkMessage {
  if (input.evidence.length === 0) throw new Error(`incident ${input.incidentId}: a 110 report needs its evidence`);
  return { incidentId: input.incidentId, revision: input.revision, kind: 'notify', at: input.now, payload: notifyPayload(input, card, openedAt) };
}

/**
 * What a forward of the incident sends 110: its first report (notify) while 110 has no case
 * of it, else an update on that case. 110 holds one case per incident: a second confirmation
 * (a fire after the burglary, a guard's finding, an operator's second forward) is new evidence
 * on it, never a second case. A notify that 110 refused, or that was never sent (the uplink off),
 * left no case: the next forward reports the incident afresh.
 */
export async function buildForward(trx: Db, input: NotifyInput & { note: string }, findCard?: (db: Db, account: string) => Promise<CustomerCard | undefined>): Promise<UplinkMessage> {
  const [message] = await buildForwards(trx, [input], findCard);
  return message!;
}

/**
 * buildForward for many forwards at once (the engine's of one batch, in their order), in two
 * reads whatever their number: a storm confirms hundreds of incidents in one batch, and three
 * round trips each held the batch's locks for the better part of a second. A forward after
 * one of the same incident in the list goes as an update: 110 holds that report by then.
 */
export async function buildForwards(trx: Db, inputs: readonly (NotifyInput & { note: string })[], findCard: (db: Db, account: string) => Promise<CustomerCard | undefined> = findCustomerCard): Promise<UplinkMessage[]> {
  if (inputs.length === 0) return [];
  const ids = [...new Set(inputs.map((i) => i.incidentId))];
  const [holding, incidents] = await Promise.all([holdingReports(trx, ids), trx.selectFrom('incident').select(['id', 'opened_at']).where('id', 'in', ids).execute()]);
  const openedAt = new Map(incidents.map((i) => [i.id, i.opened_at.getTime()]));
  const messages: UplinkMessage[] = [];
  for (const input of inputs) {
    if (holding.has(input.incidentId)) {
      messages.push(buildUpdate({ incidentId: input.incidentId, revision: input.revision, note: input.note, evidence: input.evidence, now: input.now }));
      continue;
    }
    const opened = openedAt.get(input.incidentId);
    if (opened === undefined) throw new Error(`no incident ${input.incidentId}`);
    messages.push(notifyMessage(input, await findCard(trx, input.account), opened));
    holding.add(input.incidentId);
  }
  return messages;
}

/**
 * Whether 110 holds a report of the incident, i.e. has (or is about to have) a case of it: its
 * notify is pending or accepted. A notify refused, or never sent (the uplink off), left none.
 */
export async function holdsReport(trx: Db, incidentId: string): Promise<boolean> {
  return (await holdingReports(trx, [incidentId])).has(incidentId);
}

/** Which of these incidents 110 holds a report of (see holdsReport), in one read. */
async function holdingReports(trx: Db, incidentIds: readonly string[]): Promise<Set<string>> {
  const rows = await trx
    .selectFrom('uplink_outbox')
    .select('incident_id')
    .distinct()
    .where('incident_id', 'in', incidentIds)
    .where('kind', '=', 'notify')
    .where('status', 'in', ['pending', 'accepted'])
    .execute();
  return new Set(rows.map((r) => r.incident_id));
}

/**
 * The withdrawal of an incident closed as false or a test: a cancel on 110's case while 110
 * holds a report of it (see holdsReport), else undefined: nothing there to withdraw. A cancel
 * queued behind a notify still pending goes once the notify is answered (the outbox's order).
 *
 * @example const cancel = await buildWithdrawal(trx, { incidentId, revision: 2, reason: 'judged a test by alice', now }); if (cancel) await enqueueUplink(trx, cancel);
 */
export async function buildWithdrawal(trx: Db, input: { incidentId: string; revision: number; reason: string; now: number }): Promise<UplinkMessage | undefined> {
  return (await holdsReport(trx, input.incidentId)) ? buildCancel(input) : undefined;
}

/** The notify payload: pure, from what buildNotify read. */
export function notifyPayload(input: NotifyInput, card: CustomerCard | undefined, openedAt: number): NotifyPayload {
  const named = new Set(input.evidence.flatMap((e) => (e.kind === 'alarm' && e.zone !== null ? [e.zone] : [])));
  return {
    kind: 'notify',
    messageId: messageId(input.incidentId, input.revision, 'notify'),
    incidentId: input.incidentId,
    revision: input.revision,
    account: input.account,
    level: input.level,
    threatToLife: threatensLife(input.level),
    premises: { customerId: card?.id ?? null, name: card?.name ?? null, address: card?.address ?? null, position: card?.position ?? null },
    zones: (card?.zones ?? [])
      .filter((z) => z.account === input.account && named.has(z.number))
      .map(({ account, number, name, location, type }) => ({ account, number, name, location, type })),
    evidence: input.evidence,
    openedAt: new Date(openedAt).toISOString(),
    confirmedAt: new Date(input.now).toISOString(),
  };
}

/** A later report on the same incident (a guard's finding, say). */
export function buildUpdate(input: { incidentId: string; revision: number; note: string; evidence: Evidence[]; now: number }): UplinkMessage {
  const { incidentId, revision, note, evidence, now } = input;
  return { incidentId, revision, kind: 'update', at: now, payload: { kind: 'update', messageId: messageId(incidentId, revision, 'update'), incidentId, revision, note, evidence, at: new Date(now).toISOString() } };
}

/** Withdraws a report: 110 may stand its units down. */
export function buildCancel(input: { incidentId: string; revision: number; reason: string; now: number }): UplinkMessage {
  const { incidentId, revision, reason, now } = input;
  return { incidentId, revision, kind: 'cancel', at: now, payload: { kind: 'cancel', messageId: messageId(incidentId, revision, 'cancel'), incidentId, revision, reason, at: new Date(now).toISOString() } };
}
