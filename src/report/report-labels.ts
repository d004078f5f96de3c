/** The report's sections, each with a key (CSV) and its Chinese and English titles (CSV, HTML). */
export const SECTIONS = {
  summary: ['汇总', 'summary'],
  online: ['在线率', 'online rate'],
  offline_accounts: ['掉线时间最长的用户', 'accounts most offline'],
  forwards_110: ['转110警情真实率', 'share of 110 forwards that were real'],
  alarms_by_account: ['各用户报警数', 'alarms per account'],
  false_alarms_by_customer: ['各客户误报数', 'false alarms per customer'],
  false_dispatches_by_customer: ['出勤误报 (超过2次计费)', 'false dispatches (billable over 2)'],
  acknowledgement_by_event_class: ['接警确认用时 (按事件类别)', 'receipt to acknowledgement by event class'],
  acknowledgement_by_priority: ['接警确认用时 (按优先级)', 'receipt to acknowledgement by priority'],
  guard_arrivals: ['护卫按时到达', 'guard arrivals within the contracted time'],
  maintenance_by_level: ['维保工单按时完成', 'maintenance tickets within deadline'],
  complaints: ['投诉按时处理', 'complaints handled within deadline'],
} as const satisfies Record<string, readonly [string, string]>;

export type SectionKey = keyof typeof SECTIONS;

/** "在线率 online rate". */
export function sectionTitle(key: SectionKey): string {
  const [zh, en] = SECTIONS[key];
  return `${zh} ${en}`;
}

/** A share as a percentage with one decimal ("96.7 %"), or "—" when there is nothing to divide. */
export function percent(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(1)} %`;
}

/** A number rounded to `digits` decimals, as text without trailing zeros ("12.5", "3"); "" for null. */
export function rounded(value: number | null, digits = 1): string {
  return value === null ? '' : String(Number(value.toFixed(digits)));
}

/** An epoch-ms time as ISO 8601 UTC. */
export const iso = (ms: number) => new Date(ms).toISOString();
