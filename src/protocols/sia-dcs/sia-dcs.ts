import type { AlarmEvent } from '../alarm-event.js';
import { accept, refuse, type Decoded } from '../protocol-error.js';
import { decimalAt } from '../ascii.js';
import { printable } from '../printable.js';
import { SIA_CODES } from './sia-codes.js';

/**
 * One SIA DCS (DC-03) data block as carried inside DC-09 `SIA-DCS` messages and in the
 * receivers' SIA output: `N[ri<area>][/id<user>][/ti<hh:mm>]<EC><number>[^text^][/<EC>…]`.
 * Modifiers (two lower-case letters and a value) hold until changed, and apply to the events
 * after them; several events may share one block.
 */
export interface SiaBlock {
  /** N new, O old (previously reported); null when the block starts straight with an event. */
  newOrOld: 'N' | 'O' | null;
  events: SiaBlockEvent[];
}

export interface SiaBlockEvent {
  code: string;
  number: string | null;
  text: string | null;
  /** The modifiers in force at this event: ri, id, ti, da, pi… */
  modifiers: Record<string, string>;
}

const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
// A modifier's value: digits, and the separators of times and dates (ti16:02:15, da04-22-94).
const isModifierValue = (c: number) => isDigit(c) || c === 0x3a || c === 0x2e || c === 0x2d;

/** Where a run of characters that pass `test` starting at `from` ends. */
function runEnd(s: string, from: number, test: (c: number) => boolean): number {
  let i = from;
  while (i < s.length && test(s.charCodeAt(i))) i++;
  return i;
}

/** Two letters of one case at `at`: a modifier (lower) or an event code (upper). */
function pairAt(s: string, at: number, test: (c: number) => boolean): boolean {
  return at + 1 < s.length && test(s.charCodeAt(at)) && test(s.charCodeAt(at + 1));
}

/**
 * @example parseSiaBlock('Nri1/CL501') // { newOrOld: 'N', events: [{ code: 'CL', number: '501', modifiers: { ri: '1' } }] }
 */
export function parseSiaBlock(body: string): Decoded<SiaBlock> {
  let i = 0;
  let newOrOld: SiaBlock['newOrOld'] = null;
  // 'N'/'O' lead the block; an event code also starts upper-case, so only take it when a
  // modifier, an event or a '/' follows (e.g. 'NOP1' is N + OP1, 'OP1' alone is the event OP1).
  if ((body[0] === 'N' || body[0] === 'O') && (body[1] === '/' || pairAt(body, 1, isLower) || pairAt(body, 1, isUpper))) {
    newOrOld = body[0];
    i = 1;
  }
  let modifiers: Record<string, string> = {};
  // Events keep the modifiers they had: the object is copied before a change once an event holds it.
  let held = false;
  const events: SiaBlockEvent[] = [];
  while (i < body.length) {
    const c = body[i];
    if (c === '/') {
      i++;
    } else if (c === '^') {
      const end = body.indexOf('^', i + 1);
      const last = events.at(-1);
      if (end < 0 || !last) return refuse('MALFORMED', 'SIA text ^…^ must follow an event and be closed');
      last.text = body.slice(i + 1, end);
      i = end + 1;
    } else if (pairAt(body, i, isLower)) {
      const end = runEnd(body, i + 2, isModifierValue);
      if (held) {
        modifiers = { ...modifiers };
        held = false;
      }
      modifiers[body.slice(i, i + 2)] = body.slice(i + 2, end);
      i = end;
    } else if (pairAt(body, i, isUpper)) {
      const end = runEnd(body, i + 2, isDigit);
      events.push({ code: body.slice(i, i + 2), number: end > i + 2 ? body.slice(i + 2, end) : null, text: null, modifiers });
      held = true;
      i = end;
    } else {
      return refuse('MALFORMED', `SIA data: cannot read "${printable(body.slice(i, i + 12))}"`);
    }
  }
  if (events.length === 0) return refuse('MALFORMED', 'SIA data holds no event code');
  return accept({ newOrOld, events });
}

/**
 * A SIA data block as normalised events. `frameTime` (ISO) stands for the panel time when the
 * block carries no `da`/`ti` of its own.
 */
export function siaEvents(account: string, body: string, frameTime: string | null): Decoded<AlarmEvent[]> {
  const block = parseSiaBlock(body);
  if (!block.ok) return block;
  return accept(block.value.events.map((e) => siaEvent(account, e, frameTime)));
}

function siaEvent(account: string, e: SiaBlockEvent, frameTime: string | null): AlarmEvent {
  const entry = SIA_CODES.get(e.code);
  const n = e.number === null ? null : Number(e.number);
  const number = n === 0 || n === null || Number.isNaN(n) ? null : n;
  const numberIs = entry?.numberIs ?? 'zone';
  const modUser = numberOrNull(e.modifiers.id);
  const area = numberOrNull(e.modifiers.ri);
  return {
    account,
    protocol: 'sia-dcs',
    code: e.code,
    qualifier: entry?.qualifier ?? null,
    eventClass: entry?.eventClass ?? 'unclassified',
    category: entry?.category ?? 'unknown',
    description: entry?.description ?? `Unknown SIA event ${e.code}`,
    zone: numberIs === 'zone' ? number : null,
    user: numberIs === 'user' ? (number ?? modUser) : modUser,
    partition: numberIs === 'area' ? (number ?? area) : area,
    emergency: entry?.emergency ?? false,
    panelTime: blockTime(e.modifiers, frameTime),
    text: e.text,
  };
}

function numberOrNull(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = decimalAt(v, 0, v.length);
  return n <= 0 || v.length === 0 ? null : n;
}

/** `da` MM-DD-YY and `ti` hh:mm[:ss] (DC-03), read as UTC; the frame's time otherwise. */
function blockTime(mods: Record<string, string>, frameTime: string | null): string | null {
  const ti = mods.ti && /^(\d\d):(\d\d)(?::(\d\d))?$/.exec(mods.ti);
  if (!ti) return frameTime;
  const da = mods.da && /^(\d\d)-(\d\d)-(\d\d)$/.exec(mods.da);
  let date: string | null = null;
  if (da) date = `${Number(da[3]) < 70 ? '20' : '19'}${da[3]}-${da[1]}-${da[2]}`;
  else if (frameTime) date = frameTime.slice(0, 10);
  if (!date) return null;
  const t = new Date(`${date}T${ti[1]}:${ti[2]}:${ti[3] ?? '00'}.000Z`);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}
