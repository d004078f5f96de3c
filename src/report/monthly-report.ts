import type { Priority } from '../incidents/incident-priority.js';
import type { TicketLevel } from '../maintenance/ticket-policy.js';
import type { EventClass } from '../protocols/alarm-event.js';

/**
 * The monthly service-quality report (月度服务质量报告), as computeMonthlyReport makes it and the
 * renderers print it. Times are epoch ms; shares are 0..1, null when there is nothing to divide.
 */
export interface MonthlyReport {
  period: ReportPeriod;
  online: OnlineFigures;
  forwards110: ForwardFigures;
  alarms: { incidents: number; alarms: number; byAccount: AccountAlarms[] };
  falseAlarms: { total: number; byCustomer: CustomerFalseAlarms[] };
  falseDispatches: { total: number; billableOver: number; byCustomer: CustomerFalseDispatches[] };
  /** Receipt of the opening alarm → the operator's acknowledgement, acknowledgements in the month. */
  acknowledgement: { all: AckTimes; byEventClass: (AckTimes & { eventClass: EventClass })[]; byPriority: (AckTimes & { priority: Priority })[] };
  guardArrivals: ArrivalFigures;
  maintenance: { opened: number; response: DeadlineFigures; repair: DeadlineFigures; byLevel: { level: TicketLevel; opened: number; response: DeadlineFigures; repair: DeadlineFigures }[] };
  complaints: { received: number; reply: DeadlineFigures };
}

export interface ReportPeriod {
  /** YYYY-MM. */
  month: string;
  timeZone: string;
  from: number;
  /** The month's end, or now when the month is still running (`complete` false). */
  until: number;
  complete: boolean;
}

export interface OnlineFigures {
  /** Time-weighted: account-time online over account-time in service (periodRate). */
  rate: number | null;
  /** Under `threshold`. */
  warning: boolean;
  threshold: number;
  /** Accounts in service for some of the month. */
  accounts: number;
  onlineAccountSeconds: number;
  offlineAccountSeconds: number;
  /** The accounts that pulled it down: most offline time first, at most 10. */
  worstAccounts: OfflineAccount[];
}

export interface OfflineAccount {
  account: string;
  customerId: string | null;
  customerName: string | null;
  offlineMinutes: number;
  /** The account's own online share of its time in service. */
  rate: number;
}

export interface ForwardFigures {
  /** Incidents forwarded to 110 in the month (each once). */
  forwarded: number;
  /** By how the incident was closed by the month's end. */
  real: number;
  falseAlarm: number;
  test: number;
  /** Closed as `undetermined`. */
  undetermined: number;
  /** Not closed by the month's end: undecided, not guessed. */
  open: number;
  /** real / (real + falseAlarm + test): of the forwards whose outcome is known. */
  realShare: number | null;
}

export interface AccountAlarms {
  account: string;
  customerId: string | null;
  customerName: string | null;
  /** Incidents opened in the month. */
  incidents: number;
  /** Alarms received in the month: each incident's opening alarm and those that joined it. */
  alarms: number;
}

export interface CustomerFalseAlarms {
  customerId: string | null;
  customerName: string | null;
  /** Incidents closed in the month as a false alarm: user's (误操作) plus device's (设备误报). */
  falseAlarms: number;
  userFalseAlarms: number;
  deviceFalseAlarms: number;
}

export interface CustomerFalseDispatches {
  customerId: string | null;
  customerName: string | null;
  /** Guards' reports in the month that found no alarm (finding `false`). */
  falseDispatches: number;
  /** More than `billableOver` in the month: billed under the standard contract. */
  billable: boolean;
}

export interface AckTimes {
  count: number;
  /** Nearest-rank percentiles, in seconds; null when count is 0. */
  p50Seconds: number | null;
  p90Seconds: number | null;
  maxSeconds: number | null;
}

export interface ArrivalFigures {
  /** Guards on scene in the month. */
  arrivals: number;
  /** On scene no later than the contracted arrival, or the predicted one without a contract. */
  withinDeadline: number;
  share: number | null;
  contracted: { arrivals: number; withinDeadline: number };
  predicted: { arrivals: number; withinDeadline: number };
}

/** A deadline's outcome over the month's items: met, missed, or not yet due at the period's end. */
export interface DeadlineFigures {
  met: number;
  missed: number;
  pending: number;
  /** met / (met + missed). */
  share: number | null;
}
