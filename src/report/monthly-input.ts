import type { Outcome } from '../incidents/incident-action.js';
import type { Priority } from '../incidents/incident-priority.js';
import type { TicketLevel } from '../maintenance/ticket-policy.js';
import type { EventClass } from '../protocols/alarm-event.js';
import type { AccountTimeline } from '../supervision/period-rate.js';
import type { GuardFinding } from '../verification/evidence.js';

/**
 * What the monthly report is computed from: the month's facts as the loader reads them from the
 * database (load-month.ts), or as a test writes them by hand. Times are epoch ms. The loader may
 * give facts from outside the month; computeMonthlyReport keeps each figure to [from, until).
 */
export interface MonthlyInput {
  /** Every account and its customer now (names for the tables). */
  accounts: readonly AccountOwner[];
  /** Each account's supervision transitions over the month, with its standing at `from`. */
  supervision: readonly (AccountTimeline & { account: string })[];
  incidents: readonly IncidentFacts[];
  dispatchOrders: readonly DispatchFacts[];
  tickets: readonly TicketFacts[];
  complaints: readonly ComplaintFacts[];
}

export interface AccountOwner {
  account: string;
  customerId: string | null;
  customerName: string | null;
}

/** An incident as the report needs it, from its header and its actions. */
export interface IncidentFacts {
  id: string;
  account: string;
  /** The customer when it opened (null: no customer card), and that customer's name now. */
  customerId: string | null;
  customerName: string | null;
  /** Receipt of the opening alarm. */
  openedAt: number;
  /** The alarms that joined it while open (`alarm_joined`). */
  joinedAlarmsAt: readonly number[];
  /** The operator's acknowledgement: when, and of what (the opening alarm's class and the priority then). */
  acknowledged: { at: number; receivedAt: number; eventClass: EventClass; priority: Priority } | null;
  /** The first `forward_110_requested`. */
  forwardedAt: number | null;
  closed: { at: number; outcome: Outcome } | null;
}

/** A dispatch order: the guard's arrival, the deadline it was held to, and the report. */
export interface DispatchFacts {
  orderId: string;
  incidentId: string;
  account: string;
  customerId: string | null;
  customerName: string | null;
  /** The `on_scene` event. */
  arrivedAt: number | null;
  /** The customer's contracted arrival (合同到达时间) for this order; null: no contract. */
  contractedArrivalAt: number | null;
  /** The predicted arrival the guard was held to when there is no contract. */
  predictedArrivalAt: number | null;
  /** The guard's report (`reported`). */
  report: { at: number; finding: GuardFinding } | null;
}

/** A maintenance ticket's deadlines and when they were met. */
export interface TicketFacts {
  id: string;
  level: TicketLevel;
  openedAt: number;
  responseDueAt: number;
  repairDueAt: number;
  onSiteAt: number | null;
  repairedAt: number | null;
}

export interface ComplaintFacts {
  id: string;
  /** When the complaint was made. */
  complainedAt: number;
  replyDueAt: number;
  repliedAt: number | null;
}
