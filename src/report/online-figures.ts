import { ONLINE_RATE_WARNING, periodRate } from '../supervision/period-rate.js';
import type { AccountOwner, MonthlyInput } from './monthly-input.js';
import type { OfflineAccount, OnlineFigures } from './monthly-report.js';

/** How many accounts the report names as having pulled the rate down. */
export const WORST_ACCOUNTS = 10;

/**
 * The month's time-weighted online rate (supervision's periodRate over the recorded
 * transitions), and the accounts with the most time offline (late while in service).
 */
export function onlineFigures(input: Pick<MonthlyInput, 'supervision'>, owners: ReadonlyMap<string, AccountOwner>, from: number, until: number): OnlineFigures {
  const total = periodRate(input.supervision, from, until);
  const offline: { account: OfflineAccount; lateMs: number }[] = [];
  for (const timeline of input.supervision) {
    const own = periodRate([timeline], from, until);
    if (own.lateMs === 0) continue;
    const owner = owners.get(timeline.account);
    offline.push({
      account: { account: timeline.account, customerId: owner?.customerId ?? null, customerName: owner?.customerName ?? null, offlineMinutes: own.lateMs / 60_000, rate: own.rate ?? 0 },
      lateMs: own.lateMs,
    });
  }
  offline.sort((a, b) => b.lateMs - a.lateMs || (a.account.account < b.account.account ? -1 : 1));
  return {
    rate: total.rate,
    warning: total.rate !== null && total.rate < ONLINE_RATE_WARNING,
    threshold: ONLINE_RATE_WARNING,
    accounts: total.accounts,
    onlineAccountSeconds: total.onlineMs / 1000,
    offlineAccountSeconds: total.lateMs / 1000,
    worstAccounts: offline.slice(0, WORST_ACCOUNTS).map((o) => o.account),
  };
}
