import type { NewAction } from '../../incidents/incident-action.js';
import type { Priority } from '../../incidents/incident-priority.js';
import type { Evidence } from '../evidence.js';
import type { VerificationCommand } from '../verification-command.js';
import type { VerificationCallResult } from '../verification-input.js';
import type { VerificationLevel } from '../verification-level.js';

/** The actor of what the verification engine does: the console shows it apart from operators. */
export const VERIFICATION_ACTOR = 'verification';

/**
 * What the console may read of a duress callback: a confirmation by callback, as the engine's
 * own notice says (CONFIRMED_BY_CALLBACK). The truth goes to 110 in the uplink's message and
 * nowhere on the operators' screens, which a person under duress may be standing next to.
 */
export function maskedLevel(level: VerificationLevel): string {
  return level === 'callback_duress' ? 'callback_confirmed' : level;
}

export function maskedEvidence(evidence: Evidence): Evidence | (Omit<Evidence & { kind: 'callback' }, 'result'> & { result: 'code_accepted' }) {
  if (evidence.kind !== 'callback') return evidence;
  return { ...evidence, result: maskedCallResult(evidence.result) };
}

export function maskedCallResult(result: VerificationCallResult): 'code_accepted' | Exclude<VerificationCallResult, 'passcode' | 'duress'> {
  return result === 'passcode' || result === 'duress' ? 'code_accepted' : result;
}

/** One line of evidence for the action's `evidence` text (the 110 payload carries the items). */
export function evidenceLine(e: Evidence): string {
  switch (e.kind) {
    case 'alarm':
      return `alarm ${e.code} zone ${e.zone ?? '-'}${e.zoneName ? ` (${e.zoneName})` : ''}`;
    case 'callback':
      return `callback ${e.contact} ${e.phone}: ${maskedCallResult(e.result)}${e.timedOut ? ' (timed out)' : ''}`;
    case 'guard_report':
      return `guard ${e.guardId}: ${e.finding}${e.note ? ` (${e.note})` : ''}`;
    case 'operator':
      return `operator ${e.operator}: ${e.note}`;
    case 'no_verification_in_time':
      return `no verification within ${e.waitedS} s`;
  }
}

/**
 * The incident actions that record one engine command on its incident, in the engine's order;
 * commands with no incident record (timers, answering the caller, tickets) give none. `revision`:
 * the incident's own count of forwards, which the uplink keys its idempotency on (an operator's
 * manual forward counts too). A withdrawal at 110 (`cancel_110`) has no action of its own.
 */
export function commandActions(command: VerificationCommand, ctx: { at: number; priority: Priority; revision: number }): NewAction[] {
  const base = { at: ctx.at, actor: VERIFICATION_ACTOR, journalSeq: null };
  switch (command.kind) {
    case 'notify_console':
      return [{ ...base, kind: 'verification_notice', detail: { urgency: command.urgency, message: command.message } }];
    case 'start_callback':
      return [{ ...base, kind: 'callback_started', detail: { callId: command.callId, contact: command.contact, contactOrder: command.contactOrder, phone: command.phone } }];
    case 'cancel_callback':
      return [{ ...base, kind: 'callback_cancelled', detail: { callId: command.callId } }];
    case 'dispatch_guard':
      // The guard's order carries the real reason; the screen reads what a confirmation by callback reads.
      return [{ ...base, kind: 'dispatch_requested', detail: { guardId: null, note: command.level === 'callback_duress' ? 'confirmed by callback' : command.reason } }];
    case 'forward_110': {
      const level = maskedLevel(command.level);
      return [
        {
          ...base,
          kind: 'forward_110_requested',
          detail: {
            note: `verified: ${level}`,
            priority: ctx.priority,
            verdict: 'real',
            evidence: command.evidence.map(evidenceLine).join('; '),
            level,
            revision: ctx.revision,
            items: command.evidence.map(maskedEvidence),
          },
        },
      ];
    }
    case 'close_as_false':
      return [{ ...base, kind: 'closed', detail: { outcome: command.outcome, note: `verification: ${command.evidence.map(evidenceLine).join('; ')}` } }];
    case 'start_timer':
    case 'answer_caller':
    case 'open_maintenance_ticket':
    case 'cancel_110': // on the record as the close, the engine's notice and the uplink's answer
      return [];
  }
}
