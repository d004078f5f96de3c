import { COMPLAINT_REPLY_MS, evolveComplaint, foldComplaint, type Complaint, type ComplaintHeader, type NewComplaintEvent } from './complaint.js';

export type ComplaintCommand =
  | { kind: 'handle'; actor: string; note: string }
  /** Closes the complaint. */
  | { kind: 'reply'; actor: string; reply: string }
  /** The overdue loop. */
  | { kind: 'tick' };

export type ComplaintDecision = { ok: true; events: NewComplaintEvent[]; complaint: Complaint } | { ok: false; code: 'COMPLAINT_REPLIED'; message: string };

const SYSTEM_ACTOR = 'system';

/** The events that register a complaint: `received`, due a reply 48 h after it was made; overdue at once if that is past. */
export function registerComplaint(header: ComplaintHeader, now: number): { events: NewComplaintEvent[]; complaint: Complaint } {
  const received: NewComplaintEvent = { kind: 'received', at: header.recordedAt, actor: header.receivedBy, detail: { replyDueAt: header.complainedAt + COMPLAINT_REPLY_MS } };
  const complaint = foldComplaint(header, [received]);
  const overdue = overdueEvents(complaint, now);
  return { events: [received, ...overdue], complaint: overdue.reduce(evolveComplaint, complaint) };
}

/**
 * What a command does to a complaint. Handling notes may follow one another while it is open;
 * the reply closes it; a complaint not replied to 48 h after it was made is recorded overdue,
 * once (by the loop, or by the step that finds it so).
 */
export function decideComplaint(complaint: Complaint, command: ComplaintCommand, now: number): ComplaintDecision {
  if (complaint.status === 'replied') {
    if (command.kind === 'tick') return { ok: true, events: [], complaint };
    return { ok: false, code: 'COMPLAINT_REPLIED', message: `complaint ${complaint.id} has had its reply: it is closed` };
  }
  const events = overdueEvents(complaint, now);
  if (command.kind === 'handle') events.push({ kind: 'handled', at: now, actor: command.actor, detail: { note: command.note } });
  else if (command.kind === 'reply') events.push({ kind: 'replied', at: now, actor: command.actor, detail: { reply: command.reply } });
  return { ok: true, events, complaint: events.reduce(evolveComplaint, complaint) };
}

function overdueEvents(complaint: Complaint, now: number): NewComplaintEvent[] {
  if (complaint.status !== 'open' || complaint.overdue || now <= complaint.replyDueAt) return [];
  return [{ kind: 'overdue', at: now, actor: SYSTEM_ACTOR, detail: { replyDueAt: complaint.replyDueAt } }];
}
