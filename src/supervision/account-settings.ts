import type { ServiceStatus } from '../customers/customer-card.js';
import { defaultGraceMs, type CountsAs, type SupervisionSettings } from './supervision-settings.js';

/** An account's configuration as supervision loads it: the account, its customer, its own settings. */
export interface AccountConfig {
  account: string;
  customerId: string | null;
  customerName: string | null;
  serviceStatus: ServiceStatus | null;
  onTestFrom: number | null;
  onTestUntil: number | null;
  /** The customer's reporting interval (null: not supervised). */
  customerIntervalS: number | null;
  /** The account's own interval, grace and what counts (account_supervision), over the customer's. */
  intervalS: number | null;
  graceS: number | null;
  countsAs: CountsAs;
}

/**
 * How an account is supervised at `now`, or null when it is not (no interval anywhere). An
 * account with no customer is supervised only if it has its own interval, and is never in
 * service (no contract). On test counts only inside the span, as for alarms: a test nobody
 * ended must not hide a silent panel for ever.
 */
export function accountSettings(config: AccountConfig, now: number): SupervisionSettings | null {
  const intervalS = config.intervalS ?? config.customerIntervalS;
  if (intervalS === null) return null;
  const intervalMs = intervalS * 1000;
  return {
    intervalMs,
    graceMs: config.graceS === null ? defaultGraceMs(intervalMs) : config.graceS * 1000,
    countsAs: config.countsAs,
    inService: inService(config, now),
  };
}

function inService(config: AccountConfig, now: number): boolean {
  switch (config.serviceStatus) {
    case 'in_service':
      return true;
    case 'on_test':
      return !(config.onTestFrom !== null && config.onTestUntil !== null && config.onTestFrom <= now && now < config.onTestUntil);
    case 'suspended':
    case 'decommissioned':
    case null:
      return false;
  }
}

/** The next instant after `now` at which an on-test span begins or ends: settings change then. */
export function nextSettingsChange(configs: Iterable<AccountConfig>, now: number): number | null {
  let next: number | null = null;
  for (const c of configs) {
    if (c.serviceStatus !== 'on_test') continue;
    for (const t of [c.onTestFrom, c.onTestUntil]) if (t !== null && t > now && (next === null || t < next)) next = t;
  }
  return next;
}
