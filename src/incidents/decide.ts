import type { NewAction } from './incident-action.js';
import { refusal, type Actor, type IncidentCommand, type Refusal } from './incident-command.js';
import type { IncidentState } from './incident-state.js';

export type Decision = { ok: true; actions: NewAction[] } | ({ ok: false } & Refusal);

const refuse = (code: Parameters<typeof refusal>[0]): Decision => ({ ok: false, ...refusal(code) });

/**
 * An operator's command against the incident as it stands: the actions to append, or why not.
 * Pure: `now` is when it happens. The rules of the console:
 * - a closed incident takes no command (INCIDENT_CLOSED);
 * - one holder: `take` an incident nobody holds; a supervisor may take one over from another
 *   operator, an operator may not (HELD_BY_OTHER); every other command is the holder's;
 * - `acknowledge` on an incident nobody holds takes it too (one click at the console);
 * - callbacks, dispatch, judging, 110 and closing come after acknowledgement (NOT_ACKNOWLEDGED),
 *   so the receipt → acknowledgement time measures the operator's first look;
 * - 110 gets an emergency (hold-up, panic, duress) at once, anything else only once judged real;
 * - judging real records its evidence; closing records an outcome and a note.
 */
export function decide(incident: IncidentState, command: IncidentCommand, actor: Actor, now: number): Decision {
  if (incident.status === 'closed') return refuse('INCIDENT_CLOSED');
  const base = { at: now, actor: actor.id, journalSeq: null };
  const held = incident.owner !== null;
  const mine = incident.owner === actor.id;

  if (command.kind === 'take') {
    if (mine) return refuse('ALREADY_HELD');
    if (held && actor.role !== 'supervisor') return refuse('HELD_BY_OTHER');
    return { ok: true, actions: [{ ...base, kind: 'taken', detail: { from: incident.owner } }] };
  }
  if (held && !mine) return refuse('HELD_BY_OTHER');

  if (command.kind === 'acknowledge') {
    if (incident.acknowledgedAt !== null) return refuse('ALREADY_ACKNOWLEDGED');
    const acknowledged: NewAction = { ...base, kind: 'acknowledged', detail: { receivedAt: incident.openedAt, eventClass: incident.eventClass, priority: incident.priority } };
    return { ok: true, actions: held ? [acknowledged] : [{ ...base, kind: 'taken', detail: { from: null } }, acknowledged] };
  }
  if (!held) return refuse('NOT_TAKEN');
  if (incident.acknowledgedAt === null) return refuse('NOT_ACKNOWLEDGED');

  switch (command.kind) {
    case 'record_callback': {
      const { contact, phone, result, passcodeVerified, note } = command;
      return { ok: true, actions: [{ ...base, kind: 'callback_recorded', detail: { contact, phone, result, passcodeVerified, note } }] };
    }
    case 'dispatch_guard':
      return { ok: true, actions: [{ ...base, kind: 'dispatch_requested', detail: { guardId: command.guardId, note: command.note } }] };
    case 'judge':
      if (command.verdict === 'real' && command.evidence.trim() === '') return refuse('EVIDENCE_REQUIRED');
      return { ok: true, actions: [{ ...base, kind: 'judged', detail: { verdict: command.verdict, evidence: command.evidence } }] };
    case 'forward_110':
      if (incident.forwardedTo110) return refuse('ALREADY_FORWARDED');
      if (incident.priority !== 'emergency') {
        if (!incident.judged) return refuse('NOT_JUDGED');
        if (incident.verdict !== 'real') return refuse('NOT_REAL');
      }
      return { ok: true, actions: [{ ...base, kind: 'forward_110_requested', detail: { note: command.note, priority: incident.priority, verdict: incident.verdict, evidence: incident.evidence } }] };
    case 'close':
      if (command.outcome === null) return refuse('OUTCOME_REQUIRED');
      if (command.note.trim() === '') return refuse('NOTE_REQUIRED');
      return { ok: true, actions: [{ ...base, kind: 'closed', detail: { outcome: command.outcome, note: command.note } }] };
  }
}
