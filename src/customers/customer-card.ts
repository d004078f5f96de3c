/**
 * What the rest of arc (incidents, the console, dispatch) needs to know about a customer
 * (入网用户): everything an operator reads when an alarm comes in. Secrets (passcode, duress
 * code, AES keys) are never part of it.
 */
export interface CustomerCard {
  id: string;
  name: string;
  address: string;
  position: { lat: number; lng: number } | null;
  contractType: ContractType;
  serviceStatus: ServiceStatus;
  /** Set while the customer is on test: alarms in this span are test traffic. */
  onTest: { from: string; until: string } | null;
  /** Account numbers, one per receiver line or DC-09 prefix. */
  accounts: string[];
  zones: ZoneCard[];
  /** In calling order. */
  contacts: ContactCard[];
  panelUsers: { account: string; number: number; name: string }[];
  /** How often the panel must report (supervision), null when not supervised. */
  reportingIntervalS: number | null;
  guardArea: string | null;
  /** Minutes from the dispatch request to a guard on site, by contract (合同到达时间); null: none. */
  contractedArrivalMin?: number | null;
  videoLinks: string[];
  /** When the premises are expected open (opening/closing supervision); null when not supervised. */
  schedule?: WeeklyWindow[] | null;
  /** Whether a passcode callback (口令复核) is possible: the codes themselves never leave the server. */
  hasPasscode?: boolean;
}

/**
 * One weekly window in which the premises are open (disarmed), in the centre's local time.
 * A window never crosses midnight: a night shop has two.
 */
export interface WeeklyWindow {
  /** ISO weekday: 1 Monday … 7 Sunday. */
  day: number;
  /** `HH:MM`, earlier than `close`. */
  open: string;
  close: string;
}

export type ContractType = 'buy_out' | 'lease';

export type ServiceStatus = 'in_service' | 'suspended' | 'on_test' | 'decommissioned';

export const ZONE_TYPES = ['burglary', 'hold_up', 'panic', 'fire', 'medical', '24h', 'tamper', 'environmental'] as const;

export type ZoneType = (typeof ZONE_TYPES)[number];

export interface ZoneCard {
  account: string;
  number: number;
  name: string;
  location: string;
  type: ZoneType;
  /** Detection principle (PIR, contact, glass-break…): two different principles corroborate. */
  principle: string | null;
  /** Zones in one linked group are adjacent for linked-zone verification. */
  linkedGroup: string | null;
}

export interface ContactCard {
  order: number;
  name: string;
  relation: string;
  phones: string[];
}
