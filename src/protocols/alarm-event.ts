/**
 * The one normalised event every protocol decodes to. Contact ID, SIA DCS, CFSK and the
 * receivers' own formats all end here, so that nothing downstream knows which wire a signal
 * came over.
 *
 * @example
 * // ADM-CID "#1234|1130 01 005": burglary, new, partition 1, zone 5
 * { account: '1234', protocol: 'contact-id', code: '130', qualifier: 'new', eventClass: 'alarm',
 *   category: 'burglary', description: 'Burglary', zone: 5, user: null, partition: 1,
 *   emergency: false, panelTime: null, text: null }
 */
export interface AlarmEvent {
  /** The account as the panel reported it (for DC-09: the data block's account when present). */
  account: string;
  protocol: EventProtocol;
  /** The raw event code: '130' (Contact ID), 'BA' (SIA), '31' (CFSK). */
  code: string;
  /** null where the format carries no qualifier (SIA codes carry it in the code itself: BA/BH). */
  qualifier: Qualifier | null;
  eventClass: EventClass;
  category: string;
  description: string;
  zone: number | null;
  user: number | null;
  partition: number | null;
  /** Hold-up, panic and duress: no verification delay downstream. */
  emergency: boolean;
  /** ISO 8601 UTC, when the panel or the frame said when it happened. */
  panelTime: string | null;
  /** Free text some formats carry (SIA `^text^`). */
  text: string | null;
}

/** `raw`: a receiver passed the call on in a format arc does not interpret (kept, never dropped). */
export type EventProtocol = 'contact-id' | 'sia-dcs' | 'cfsk' | 'basic' | 'raw';

export type Qualifier = 'new' | 'restore' | 'status';

/**
 * Event classes follow the Contact ID code ranges (DC-05): 1xx alarm, 2xx supervisory, 3xx
 * trouble, 4xx open/close and access, 5xx bypass, 6xx test. A code arc does not know is
 * `unclassified`: it is still an event, never dropped, so an operator sees it.
 */
export type EventClass =
  | 'alarm'
  | 'supervisory'
  | 'trouble'
  | 'open_close'
  | 'access'
  | 'bypass'
  | 'test'
  | 'unclassified';

export const EVENT_CLASSES: readonly EventClass[] = [
  'alarm', 'supervisory', 'trouble', 'open_close', 'access', 'bypass', 'test', 'unclassified',
];
