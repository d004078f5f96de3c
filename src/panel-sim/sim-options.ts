import { isIP } from 'node:net';
import { parseDc09Key } from '../protocols/dc09/dc09-key.js';
import { PanelSimOptionsError } from './sim-error.js';

/**
 * The AES-128 key every encrypting simulated panel uses unless `--key` names another: bytes
 * 00 01 … 0F. Public on purpose: the simulator is a test tool, and a receiver under test is
 * given the same key for accounts accountBase … accountBase+count-1.
 */
export const DEFAULT_SIM_KEY_HEX = '000102030405060708090A0B0C0D0E0F';

/** What a caller (CLI, test, benchmark) asks of `runPanels`. Everything but count and rate has a default. */
export interface PanelSimOptions {
  /** Simulated panels, each with its own socket and account. */
  count: number;
  /** Frames per second, all panels together. */
  rate: number;
  proto?: 'tcp' | 'udp';
  /** Encrypt every frame with `key` (AES, DC-09 §5.5.1.9 form). */
  encrypt?: boolean;
  /** Share of frames that are alarms (ADM-CID or SIA-DCS), 0..1; the rest are NULL heartbeats. */
  alarmShare?: number;
  /** Seconds during which new frames are started; frames in flight then finish their retries. */
  durationS?: number;
  /** `HOST:PORT`, `[v6]:PORT`. */
  target?: string;
  /** Panel i uses account String(accountBase + i). */
  accountBase?: number;
  /** A key as `parseDc09Key` reads it: 32/48/64 hex digits, 16/24/32 characters, `hex:`/`ascii:`. */
  key?: string;
  /** How long a panel waits for the receiver's answer before sending again. */
  ackTimeoutMs?: number;
  /** Re-sends after the first attempt (DC-09 panels typically try 4 times in all). */
  retries?: number;
  /** Put every ACKed frame in the report (`ackedFrames`), for "every ACKed frame was journaled" checks. */
  recordAcks?: boolean;
}

export const SIM_DEFAULTS = {
  proto: 'tcp',
  encrypt: false,
  alarmShare: 0,
  durationS: 10,
  target: '127.0.0.1:7001',
  accountBase: 10000,
  key: DEFAULT_SIM_KEY_HEX,
  ackTimeoutMs: 5000,
  retries: 3,
  recordAcks: false,
} as const;

export interface ResolvedSimOptions {
  count: number;
  rate: number;
  proto: 'tcp' | 'udp';
  /** The AES key when encrypting, else null. */
  key: Buffer | null;
  alarmShare: number;
  durationMs: number;
  host: string;
  port: number;
  accountBase: number;
  ackTimeoutMs: number;
  retries: number;
  recordAcks: boolean;
}

/** Defaults filled in and every value checked; throws PanelSimOptionsError listing all problems. */
export function resolveSimOptions(options: PanelSimOptions): ResolvedSimOptions {
  const o = { ...SIM_DEFAULTS, ...dropUndefined(options), count: options.count, rate: options.rate };
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  check(Number.isInteger(o.count) && o.count >= 1 && o.count <= 100_000, `count is an integer 1-100000, got ${o.count}`);
  check(Number.isFinite(o.rate) && o.rate > 0, `rate is frames per second above 0, got ${o.rate}`);
  check(o.proto === 'tcp' || o.proto === 'udp', `proto is tcp or udp, got ${String(o.proto)}`);
  check(Number.isFinite(o.alarmShare) && o.alarmShare >= 0 && o.alarmShare <= 1, `alarm share is 0..1, got ${o.alarmShare}`);
  check(Number.isFinite(o.durationS) && o.durationS > 0, `duration is seconds above 0, got ${o.durationS}`);
  check(Number.isSafeInteger(o.accountBase) && o.accountBase >= 0, `account base is an integer 0 or more, got ${o.accountBase}`);
  // DC-09 accounts are 3-16 characters; the last panel's number must fit too.
  check(String(o.accountBase + o.count - 1).length <= 16, 'account base + count needs more than 16 digits');
  check(Number.isInteger(o.ackTimeoutMs) && o.ackTimeoutMs >= 1, `ACK timeout is whole ms, 1 or more, got ${o.ackTimeoutMs}`);
  check(Number.isInteger(o.retries) && o.retries >= 0 && o.retries <= 100, `retries is an integer 0-100, got ${o.retries}`);
  const target = parseTarget(o.target);
  if ('error' in target) problems.push(target.error);
  let key: Buffer | null = null;
  if (o.encrypt) {
    const parsed = parseDc09Key(o.key);
    if (parsed.ok) key = parsed.value;
    else problems.push(`key: ${parsed.error.message}`);
  }
  if (problems.length > 0 || 'error' in target) throw new PanelSimOptionsError(problems);
  return {
    count: o.count,
    rate: o.rate,
    proto: o.proto,
    key,
    alarmShare: o.alarmShare,
    durationMs: o.durationS * 1000,
    host: target.host,
    port: target.port,
    accountBase: o.accountBase,
    ackTimeoutMs: o.ackTimeoutMs,
    retries: o.retries,
    recordAcks: o.recordAcks,
  };
}

/** `host:port`, `[v6]:port`; a bare IPv6 address with a port needs the brackets. */
export function parseTarget(text: string): { host: string; port: number } | { error: string } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 1 && port <= 65535)) return { error: `target is HOST:PORT (port 1-65535, [v6]:PORT for IPv6), got "${text}"` };
  const host = m[1]!;
  if (text.startsWith('[') && isIP(host) !== 6) return { error: `target "${text}": only an IPv6 address goes in brackets` };
  return { host, port };
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
