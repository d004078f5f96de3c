/** `open` until the complainant has had the centre's reply; `replied` closes it. */
export const COMPLAINT_STATUSES = ['open', 'replied'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** A complaint not replied to within this is overdue (the 48 hours). */
export const COMPLAINT_REPLY_MS = 48 * 3600_000;

/** Who complained: a customer of the centre, or anyone by name and phone. */
export interface Complainant {
  customerId: string | null;
  name: string | null;
  phone: string | null;
}

/** What never changes once a complaint is registered (table `complaint`). Times are epoch ms. */
export interface ComplaintHeader {
  id: string;
  complainant: Complainant;
  /** When the complaint was made (a call last night is registered this morning). */
  complainedAt: number;
  content: string;
  /** The user who took it. */
  receivedBy: string;
  /** What the centre promised the complainant. */
  promised: string;
  recordedAt: number;
}

export interface ComplaintEventDetails {
  /** Always the first: the reply deadline it was registered with. */
  received: { replyDueAt: number };
  handled: { note: string };
  replied: { reply: string };
  overdue: { replyDueAt: number };
}

export type ComplaintEventKind = keyof ComplaintEventDetails;

export type NewComplaintEvent = {
  [K in ComplaintEventKind]: { kind: K; at: number; actor: string; detail: ComplaintEventDetails[K] };
}[ComplaintEventKind];

export type ComplaintEvent = NewComplaintEvent & { id: string; complaintId: string };

export interface Complaint extends ComplaintHeader {
  status: ComplaintStatus;
  replyDueAt: number;
  handling: { at: number; actor: string; note: string }[];
  reply: { at: number; actor: string; reply: string } | null;
  /** The loop recorded it overdue (an open complaint past its deadline is overdue before that too). */
  overdue: boolean;
  lastEventId: string | null;
}

export function evolveComplaint(complaint: Complaint, event: NewComplaintEvent & { id?: string }): Complaint {
  const next: Complaint = { ...complaint, lastEventId: event.id ?? complaint.lastEventId };
  switch (event.kind) {
    case 'received':
      return { ...next, replyDueAt: event.detail.replyDueAt };
    case 'handled':
      return { ...next, handling: [...complaint.handling, { at: event.at, actor: event.actor, note: event.detail.note }] };
    case 'replied':
      return { ...next, status: 'replied', reply: { at: event.at, actor: event.actor, reply: event.detail.reply } };
    case 'overdue':
      return { ...next, overdue: true };
  }
}

export function foldComplaint(header: ComplaintHeader, events: readonly (NewComplaintEvent & { id?: string })[]): Complaint {
  const blank: Complaint = { ...header, status: 'open', replyDueAt: header.complainedAt + COMPLAINT_REPLY_MS, handling: [], reply: null, overdue: false, lastEventId: null };
  return events.reduce(evolveComplaint, blank);
}

/** Overdue at `now`: recorded so, or open past its deadline. */
export function isComplaintOverdue(complaint: Pick<Complaint, 'status' | 'overdue' | 'replyDueAt'>, now: number): boolean {
  return complaint.overdue || (complaint.status === 'open' && now > complaint.replyDueAt);
}
