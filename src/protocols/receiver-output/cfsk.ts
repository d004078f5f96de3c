import { numberField } from '../ascii.js';
import type { AlarmEvent, EventClass, Qualifier } from '../alarm-event.js';
import { EVENT_CLASSES } from '../alarm-event.js';
import { printable } from '../printable.js';
import { accept, refuse, type Decoded } from '../protocol-error.js';
import type { ReceiverMessage } from './receiver-record.js';
import { recordText } from './record-text.js';

/**
 * CFSK, the FSK format of Chinese panels, as a receiver hands it on: a 6-digit account, a
 * 2-digit event code TT and a 2-digit zone or user EE (Bosch D6600 Computer Interface Manual
 * §3.1.9, message type `i`; no public specification of CFSK itself was found, protocols.md §4).
 * What TT means is the panel maker's, so it comes from a table the administrator sets per
 * receiver, taken from the receiver's or panel's manual.
 */
export interface CfskEventEntry {
  description: string;
  eventClass: EventClass;
  category: string;
  qualifier: Qualifier | null;
  numberIs: 'zone' | 'user';
  emergency: boolean;
}

export type CfskEventTable = ReadonlyMap<string, CfskEventEntry>;

/**
 * arc knows no TT meaning of its own: guessing one could turn a hold-up into a trouble. Until a
 * receiver has its table, every CFSK event is `unclassified` and shown to an operator as such.
 * fixtures/cfsk-event-table.example.json shows the table's form.
 */
export const DEFAULT_CFSK_TABLE: CfskEventTable = new Map();

// The record as a bare 10 digits, or as the D6600's type-i record (`irrl` + spaces + digits).
const BARE = /^([0-9]{6})([0-9A-F]{2})([0-9A-F]{2})$/;
const D6500_TYPE_I = /^.?i([0-9A-F]{2})([0-9A-Z]) +([0-9]{6})([0-9A-F]{2})([0-9A-F]{2}) *$/;

export function decodeCfsk(input: Uint8Array | string, table: CfskEventTable = DEFAULT_CFSK_TABLE): Decoded<ReceiverMessage> {
  const text = recordText(input, 'CFSK');
  if (!text.ok) return text;
  const s = text.value;
  const bare = BARE.exec(s);
  const typed = bare ? null : D6500_TYPE_I.exec(s);
  if (!bare && !typed) return refuse('MALFORMED', `a CFSK record is AAAAAATTEE (account, event, zone), got "${printable(s)}"`);
  const [account, tt, ee] = (bare ? bare.slice(1) : typed!.slice(3)) as [string, string, string];
  return accept({
    record: { format: 'cfsk', kind: 'event', receiver: typed?.[1] ?? '', line: typed?.[2] ?? '', protocol: 'i', account, seq: null, data: `${account}${tt}${ee}` },
    events: [cfskEvent(account, tt, ee, table)],
  });
}

export function cfskEvent(account: string, tt: string, ee: string, table: CfskEventTable): AlarmEvent {
  const entry = table.get(tt);
  const n = numberField(ee);
  return {
    account,
    protocol: 'cfsk',
    code: tt,
    qualifier: entry?.qualifier ?? null,
    eventClass: entry?.eventClass ?? 'unclassified',
    category: entry?.category ?? 'unknown',
    description: entry?.description ?? `CFSK event ${tt} (no table entry)`,
    zone: entry?.numberIs === 'user' ? null : n,
    user: entry?.numberIs === 'user' ? n : null,
    partition: null,
    emergency: (entry?.emergency ?? false) && entry?.qualifier !== 'restore',
    panelTime: null,
    text: null,
  };
}

/** The bare 10-digit record. */
export function encodeCfsk(r: { account: string; event: string; number: string }): Buffer {
  return Buffer.from(`${r.account.padStart(6, '0')}${r.event.padStart(2, '0')}${r.number.padStart(2, '0')}`, 'latin1');
}

/**
 * A table from its JSON form: `{ "31": { "description": "Burglary", "eventClass": "alarm",
 * "category": "burglary", "qualifier": "new", "numberIs": "zone", "emergency": false }, … }`.
 */
export function parseCfskTable(json: string): Decoded<CfskEventTable> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    return refuse('MALFORMED', `the CFSK table is not JSON: ${(err as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return refuse('MALFORMED', 'the CFSK table is one JSON object of event codes');
  const table = new Map<string, CfskEventEntry>();
  for (const [tt, value] of Object.entries(raw as Record<string, unknown>)) {
    if (tt.startsWith('_')) continue; // "_comment" and the like
    const e = value as Partial<Record<keyof CfskEventEntry, unknown>> | null;
    const problem =
      !/^[0-9A-F]{2}$/.test(tt) ? 'the code is two digits' :
      e === null || typeof e !== 'object' ? 'the entry is an object' :
      typeof e.description !== 'string' ? 'description is text' :
      !EVENT_CLASSES.includes(e.eventClass as EventClass) ? `eventClass is one of ${EVENT_CLASSES.join(', ')}` :
      typeof e.category !== 'string' ? 'category is text' :
      ![undefined, null, 'new', 'restore', 'status'].includes(e.qualifier as string) ? 'qualifier is new, restore, status or null' :
      ![undefined, 'zone', 'user'].includes(e.numberIs as string) ? 'numberIs is zone or user' :
      ![undefined, true, false].includes(e.emergency as boolean) ? 'emergency is true or false' : null;
    if (problem) return refuse('MALFORMED', `CFSK table entry "${tt}": ${problem}`);
    table.set(tt, Object.freeze({
      description: e!.description as string,
      eventClass: e!.eventClass as EventClass,
      category: e!.category as string,
      qualifier: (e!.qualifier as Qualifier | undefined) ?? null,
      numberIs: (e!.numberIs as 'zone' | 'user' | undefined) ?? 'zone',
      emergency: (e!.emergency as boolean | undefined) ?? false,
    }));
  }
  return accept(table);
}
