import type { Transaction } from 'kysely';
import type { CustomerCard } from '../../customers/customer-card.js';
import { actionEvent, type NewAction } from '../../incidents/incident-action.js';
import type { AlarmEvent } from '../../protocols/alarm-event.js';
import { IncidentBatch } from '../../incidents/incident-batch.js';
import type { VerifiedSignals } from '../../incidents/incident-consumer.js';
import type { IncidentState } from '../../incidents/incident-state.js';
import { lockIncident } from '../../incidents/incident-store.js';
import type { Logger } from '../../observability/logger.js';
import type { Database } from '../../store/database-schema.js';
import type { CallbackProvider } from './callback-provider.js';
import { decideVerification } from '../decide-verification.js';
import { commandActions, VERIFICATION_ACTOR, maskedCallResult } from './verification-actions.js';
import type { VerificationCommand } from '../verification-command.js';
import type { VerificationInput } from '../verification-input.js';
import type { VerificationMetrics } from './verification-metrics.js';
import { lockVerificationStates, saveVerificationStates } from './verification-store.js';
import type { VerificationState } from '../verification-state.js';
import { isFalseOutcome } from '../withdraw-report.js';

type Command<K extends VerificationCommand['kind']> = Extract<VerificationCommand, { kind: K }>;

/**
 * What the engine's commands do beyond the incident's own record, in the deciding transaction
 * (so that a forward is enqueued exactly when its decision commits): the 110 uplink's outbox,
 * guard dispatch, maintenance tickets. Absent: not wired on this node (tests of one part).
 */
export interface VerificationEffects {
  /**
   * Enqueue the 110 reports, in their order (all of one transaction's at once: a storm's first
   * batch confirms hundreds); `revision` is the incident's count of forwards, its idempotency key
   * with the incident id.
   */
  forward110?(trx: Transaction<Database>, forwards: (Command<'forward_110'> & { revision: number; incident: IncidentState })[]): Promise<void>;
  /**
   * Enqueue the 110 cancel when 110 holds a report of the incident; `revision` is the incident's
   * next after its forwards (so its key never meets theirs), `at` when it was decided.
   */
  cancel110?(trx: Transaction<Database>, cancel: Command<'cancel_110'> & { revision: number; at: number }): Promise<void>;
  /** Queue the guard requests, in their order (all of one transaction's at once). */
  dispatchGuards?(trx: Transaction<Database>, orders: (Command<'dispatch_guard'> & { at: number })[]): Promise<void>;
  /** Run while deciding, before the incidents' record is written (and the audit chain's lock taken): see verifyInBatch. */
  openTicket?(trx: Transaction<Database>, ticket: Command<'open_maintenance_ticket'> & { at: number }): Promise<void>;
}

export interface VerificationDeps {
  now: () => number;
  logger: Logger;
  callbacks: CallbackProvider;
  effects: VerificationEffects;
  metrics?: VerificationMetrics;
  /** Told once a decision with new timers committed, so the timer loop can look sooner. */
  onTimers?: (earliest: number) => void;
  /** Told the last incident action id written, after commit (the live consoles' bus). */
  onPublished?: (lastActionId: string) => void;
  /**
   * Told, after commit, that the decision queued work for the 110 uplink (a report or a cancel)
   * or for the dispatch worker (guard requests), so that they look at once: the only wake-up
   * they get for the incidents consumer's batches, which the incident bus does not pass on.
   */
  onQueued?: (queued: QueuedWork) => void;
}

/** Which workers a committed decision left work for. */
export interface QueuedWork {
  uplink: boolean;
  dispatch: boolean;
}

/**
 * One input for one account's engine; `dueTimers` expands into every timer of its case due by
 * `now`. `origin`: the journaled signal it comes from, on which the shell raises a low-priority
 * incident when the engine has something to say and no incident is open (an opening outside the
 * schedule).
 */
export type VerificationItem = { account: string; input: VerificationInput; origin?: SignalOrigin } | { account: string; dueTimers: true };

export interface SignalOrigin {
  event: AlarmEvent;
  seq: string;
  receivedAt: number;
  customer: CustomerCard | undefined;
}

/** Where an engine command's actions could not go: its incident is closed or is not the account's open one. */
const DROPPED = 'incident_not_open';
/** A withdrawal at 110 of an incident that did not end closed as false or a test. */
const NOT_FALSE = 'not_closed_as_false';

/**
 * The thin shell around the engine, for one transaction: locks the accounts' open incidents and
 * engine states (in that order, always), decides every item in order, saves the states, appends
 * the commands' record to the incidents (one IncidentBatch), runs the in-transaction effects,
 * and returns what to do once it has committed (place and cancel calls, wake timers and consoles).
 */
export async function runVerification(trx: Transaction<Database>, items: readonly VerificationItem[], deps: VerificationDeps): Promise<() => void> {
  if (items.length === 0) return () => undefined;
  const incidents = new IncidentBatch();
  const decided = await verifyInBatch(trx, items, deps, incidents);
  const lastActionId = await incidents.write(trx);
  await decided.effects(trx);
  return decided.afterCommit(lastActionId);
}

/** What verifyInBatch leaves to do: the effects once the batch is written, then after commit. */
export type DecidedVerification = VerifiedSignals;

/**
 * The shell's deciding half, on a batch of incidents the caller writes: locks and loads what
 * `incidents` has not loaded yet (the incidents consumer's batch has them all), the engine
 * states and policies, decides every item in order, saves the states, and appends the commands'
 * record to `incidents` (not written). The incidents consumer so writes a batch's signals and
 * their verification in one round of statements.
 */
export async function verifyInBatch(trx: Transaction<Database>, items: readonly VerificationItem[], deps: VerificationDeps, incidents: IncidentBatch): Promise<DecidedVerification> {
  if (items.length === 0) return { effects: () => Promise.resolve(), afterCommit: () => () => undefined };
  const now = deps.now();
  const accounts = [...new Set(items.map((i) => i.account))];
  await incidents.load(trx, accounts);
  const { states, policies } = await lockVerificationStates(trx, accounts, now);
  const changed = new Map<string, VerificationState>();
  const commands: { account: string; command: VerificationCommand; origin?: SignalOrigin | undefined }[] = [];
  const callbackRecords: { account: string; action: NewAction; incidentId: string }[] = [];

  const apply = (account: string, input: VerificationInput, origin?: SignalOrigin) => {
    const before = states.get(account)!;
    const result = decideVerification(before, input, now, policies.get(account)!);
    deps.metrics?.inputs.inc({ input: input.kind, note: result.note ?? 'decided' });
    if (result.state !== before) {
      states.set(account, result.state);
      changed.set(account, result.state);
    }
    if (input.kind === 'callback_outcome' && result.note === null) {
      const { callId, contact, phone, result: outcome } = input;
      callbackRecords.push({ account, incidentId: input.incidentId, action: { at: now, actor: VERIFICATION_ACTOR, journalSeq: null, kind: 'verification_callback', detail: { callId, contact, phone, result: maskedCallResult(outcome), timedOut: false } } });
    }
    for (const command of result.commands) commands.push({ account, command, origin });
  };
  for (const item of items) {
    if ('input' in item) {
      apply(item.account, item.input, item.origin);
      continue;
    }
    const due = (states.get(item.account)!.case?.timers ?? []).filter((t) => t.at <= now).sort((a, b) => a.at - b.at);
    for (const timer of due) apply(item.account, { kind: 'timer_expired', timerId: timer.id });
  }
  await saveVerificationStates(trx, [...changed.values()], now);

  // The record on each incident, in the engine's order, the closing action last (a notice
  // decided with it still belongs to the incident).
  const perIncident = new Map<string, { account: string; incidentId: string; actions: NewAction[] }>();
  const record = (account: string, incidentId: string, actions: NewAction[]) => {
    if (actions.length === 0) return;
    const key = `${account}/${incidentId}`;
    const entry = perIncident.get(key) ?? { account, incidentId, actions: [] };
    entry.actions.push(...actions);
    perIncident.set(key, entry);
  };
  for (const r of callbackRecords) record(r.account, r.incidentId, [r.action]);
  const forwards: { command: Command<'forward_110'>; revision: number; incident: IncidentState }[] = [];
  const dispatches: Command<'dispatch_guard'>[] = [];
  const tickets: Command<'open_maintenance_ticket'>[] = [];
  const cancels: Command<'cancel_110'>[] = [];
  const revisions = new Map<string, number>();
  for (const { account, command, origin } of commands) {
    if (command.kind === 'open_maintenance_ticket') {
      tickets.push(command);
      continue;
    }
    if (command.kind === 'cancel_110') {
      // For an incident closing: by the engine in this batch, or by the operator just before (not open any more).
      cancels.push(command);
      continue;
    }
    const incidentId = 'incidentId' in command ? command.incidentId : null;
    if (incidentId === null) {
      if (command.kind === 'notify_console' && origin !== undefined && incidents.openIncident(account) === undefined) {
        raiseIncident(incidents, account, origin, commandActions(command, { at: now, priority: 'other', revision: 0 }), now);
      } else if (command.kind === 'notify_console') {
        deps.logger.info({ account, urgency: command.urgency }, `verification: ${command.message}`);
      }
      continue;
    }
    const open = incidents.openIncident(account);
    if (open?.id !== incidentId) {
      if (command.kind !== 'start_timer' && command.kind !== 'answer_caller') deps.metrics?.dropped.inc({ command: command.kind, reason: DROPPED });
      continue;
    }
    let revision = 0;
    if (command.kind === 'forward_110') {
      revision = (revisions.get(incidentId) ?? forwardsOf(open)) + 1;
      revisions.set(incidentId, revision);
      forwards.push({ command, revision, incident: open });
    }
    if (command.kind === 'dispatch_guard') dispatches.push(command);
    record(account, incidentId, commandActions(command, { at: now, priority: open.priority, revision }));
  }
  for (const { account, actions } of perIncident.values()) {
    if (incidents.openIncident(account) === undefined) continue; // closed by an action of its own above
    actions.sort((a, b) => Number(a.kind === 'closed') - Number(b.kind === 'closed'));
    incidents.append(account, actions);
  }
  // Tickets now, before the caller's write takes the audit chain's lock: an operator's step on a
  // ticket holds its row and then takes that lock, so the ticket must be taken first here too, or
  // a repeat trouble in a batch that writes incident actions deadlocks with the step.
  for (const t of tickets) await deps.effects.openTicket?.(trx, { ...t, at: now });

  let cancelled = false;
  return {
    // After the incidents' record, so that what the effects append follows it (and reads it).
    async effects(trx) {
      if (forwards.length > 0) await deps.effects.forward110?.(trx, forwards.map((f) => ({ ...f.command, revision: f.revision, incident: f.incident })));
      if (dispatches.length > 0) await deps.effects.dispatchGuards?.(trx, dispatches.map((d) => ({ ...d, at: now })));
      for (const c of cancels) {
        // Its incident is locked by this transaction already, and its record written above.
        const incident = (await lockIncident(trx, c.incidentId))?.state;
        if (incident?.status !== 'closed' || !isFalseOutcome(incident.outcome)) {
          deps.metrics?.dropped.inc({ command: c.kind, reason: NOT_FALSE });
          continue;
        }
        // Numbered as the forwards are: the incident's next revision after them.
        await deps.effects.cancel110?.(trx, { ...c, revision: forwardsOf(incident) + 1, at: now });
        cancelled = true;
      }
    },
    afterCommit: (lastActionId) => () => {
      if (lastActionId !== null) deps.onPublished?.(lastActionId);
      const queued = { uplink: forwards.length > 0 || cancelled, dispatch: dispatches.length > 0 };
      if (queued.uplink || queued.dispatch) deps.onQueued?.(queued);
      for (const { command } of commands) {
        if (command.kind === 'start_callback') deps.callbacks.start(command);
        else if (command.kind === 'cancel_callback') deps.callbacks.cancel(command);
        else if (command.kind === 'answer_caller') deps.callbacks.answer(command);
      }
      const timers = commands.flatMap(({ command }) => (command.kind === 'start_timer' ? [command.at] : []));
      if (timers.length > 0) deps.onTimers?.(timers.reduce((a, b) => Math.min(a, b)));
    },
  };
}

/** How many times the incident went to 110 (records from before the count say only whether it did). */
function forwardsOf(incident: Pick<IncidentState, 'forwards' | 'forwardedTo110'>): number {
  return incident.forwards ?? (incident.forwardedTo110 ? 1 : 0);
}

/** A low-priority incident for what the engine noticed on a signal that opened none (an opening outside the schedule). */
function raiseIncident(incidents: IncidentBatch, account: string, origin: SignalOrigin, notice: NewAction[], now: number): void {
  const { event, customer } = origin;
  incidents.open(
    { account, customerId: customer?.id ?? null, openedAt: origin.receivedAt, openingSeq: origin.seq },
    [
      { at: now, actor: VERIFICATION_ACTOR, journalSeq: origin.seq, kind: 'opened', detail: { event: actionEvent(event), priority: 'other', eventClass: event.eventClass, customer: customer?.serviceStatus ?? 'no_customer_card', receivedAt: origin.receivedAt } },
      ...notice,
    ],
  );
}
