import type { TicketLevel } from './ticket-policy.js';

/** What a trouble is, as far as maintenance goes. */
export type TroubleKind = 'communication_fail' | 'receiver_trouble' | 'tamper' | 'ac_loss' | 'low_battery' | 'other';

/**
 * The level each kind of trouble opens at, and why:
 * - a receiver trouble is `major`: every panel that reports through that receiver is cut off;
 * - a communication fail is `urgent`: the premises' alarms cannot reach the centre;
 * - a tamper is `urgent`: someone may be defeating the system before a break-in;
 * - AC loss is `general`: the panel runs on its battery for hours and says so when it runs low;
 * - a low battery is `general`: the panel still reports; it becomes urgent only with AC loss,
 *   which is its own ticket;
 * - any other trouble is `general`.
 */
export const TROUBLE_LEVEL: Record<TroubleKind, TicketLevel> = {
  receiver_trouble: 'major',
  communication_fail: 'urgent',
  tamper: 'urgent',
  ac_loss: 'general',
  low_battery: 'general',
  other: 'general',
};

// Contact ID (DC-05) and SIA (DC-03) codes by kind; a code not listed is `other`.
const CODES: Record<Exclude<TroubleKind, 'receiver_trouble' | 'other'>, readonly string[]> = {
  communication_fail: ['350', '351', '352', '353', '354', '355', '356', '357', '381', '382', 'YC', 'YS', 'LT'],
  tamper: ['137', '144', '145', '341', '383', 'TA', 'XS'],
  ac_loss: ['301', '342', 'AT'],
  low_battery: ['302', '309', '311', '338', '384', 'YT', 'YM', 'XT'],
};

const KIND_OF_CODE = new Map<string, TroubleKind>(Object.entries(CODES).flatMap(([kind, codes]) => codes.map((c) => [c, kind as TroubleKind] as const)));

/** The kind of trouble an event code reports. */
export function troubleKind(code: string): TroubleKind {
  return KIND_OF_CODE.get(code) ?? 'other';
}

/** The level a trouble with this event code opens at. */
export function troubleLevel(code: string): TicketLevel {
  return TROUBLE_LEVEL[troubleKind(code)];
}
