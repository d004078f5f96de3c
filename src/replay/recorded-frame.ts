import type { Transport } from '../journal/reception.js';
import { RecordingLineError } from './replay-error.js';

/**
 * One frame as arc received it: one line of a recording (`arc journal export`, `fixtures/sessions/`).
 * `time`, `transport`, `receiver`, `peer` and `raw` are what replay uses; the rest is there for the
 * reader (what arc made of the frame when it was recorded) and is ignored by replay.
 */
export interface RecordedFrame {
  /** Epoch ms the receiving node journaled it at. */
  time: number;
  transport: Transport;
  receiver: string;
  /** `203.0.113.5:40211` for IP, the device path for serial. */
  peer: string;
  raw: Buffer;
  seq?: string;
  account?: string | null;
  outcome?: string;
  /** The refusal's code, null when the frame was accepted. */
  error?: string | null;
}

const TRANSPORTS: readonly string[] = ['tcp', 'udp', 'serial'];
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The bytes as a JSON string value of one character per byte (latin1), as the protocol vectors'
 * `wire` and `arc decode`'s `"…"` lines are: a text frame reads as itself (`\n`, `\r`, `\u0014`
 * and `\"` escaped), and every byte, binary AES frames and garbage included, comes back exact.
 * Bytes 0x7F-0xFF are escaped as `\u00XX` too, so a line is plain ASCII whatever the terminal.
 */
export function rawToJson(raw: Uint8Array): string {
  return JSON.stringify(Buffer.from(raw).toString('latin1')).replace(/[\x7f-\xff]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/** One recording line (no newline). Field order is fixed so recordings diff well. */
export function formatRecordedFrame(frame: RecordedFrame): string {
  const parts = [
    `"time":${JSON.stringify(new Date(frame.time).toISOString())}`,
    `"transport":${JSON.stringify(frame.transport)}`,
    `"receiver":${JSON.stringify(frame.receiver)}`,
    `"peer":${JSON.stringify(frame.peer)}`,
    `"raw":${rawToJson(frame.raw)}`,
  ];
  if (frame.seq !== undefined) parts.push(`"seq":${JSON.stringify(frame.seq)}`);
  if (frame.account !== undefined) parts.push(`"account":${JSON.stringify(frame.account)}`);
  if (frame.outcome !== undefined) parts.push(`"outcome":${JSON.stringify(frame.outcome)}`);
  if (frame.error !== undefined) parts.push(`"error":${JSON.stringify(frame.error)}`);
  return `{${parts.join(',')}}`;
}

/** Reads one recording line; throws RecordingLineError naming `lineNumber` and what is wrong. */
export function parseRecordedFrame(line: string, lineNumber: number): RecordedFrame {
  const bad = (problem: string): never => {
    throw new RecordingLineError(lineNumber, problem);
  };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return bad('not a JSON object (one JSON object per line)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('not a JSON object (one JSON object per line)');
  const o = value as Record<string, unknown>;
  for (const name of ['time', 'transport', 'receiver', 'peer', 'raw']) {
    if (typeof o[name] !== 'string') bad(`"${name}" is missing or not a string`);
  }
  const { time, transport, receiver, peer, raw } = o as Record<'time' | 'transport' | 'receiver' | 'peer' | 'raw', string>;
  const ms = ISO_MS.test(time) ? Date.parse(time) : Number.NaN;
  if (Number.isNaN(ms)) bad(`"time" is an ISO 8601 time such as 2026-11-23T10:15:00.123Z, got "${time.slice(0, 40)}"`);
  if (!TRANSPORTS.includes(transport)) bad(`"transport" is tcp, udp or serial, got "${transport.slice(0, 20)}"`);
  if (peer === '') bad('"peer" is empty');
  if (raw === '') bad('"raw" is empty: a frame has at least one byte');
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) > 0xff) bad(`"raw" holds a character above \\u00ff at ${i}: one character per byte`);
  }
  const frame: RecordedFrame = { time: ms, transport: transport as RecordedFrame['transport'], receiver, peer, raw: Buffer.from(raw, 'latin1') };
  if (typeof o.seq === 'string') frame.seq = o.seq;
  if (typeof o.account === 'string' || o.account === null) frame.account = o.account;
  if (typeof o.outcome === 'string') frame.outcome = o.outcome;
  if (typeof o.error === 'string' || o.error === null) frame.error = o.error;
  return frame;
}

/**
 * A whole recording: every non-blank line, in file order. Throws on the first bad line, so a
 * replay starts only from a file that is entirely good.
 */
export function parseRecording(text: string): RecordedFrame[] {
  const frames: RecordedFrame[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    frames.push(parseRecordedFrame(line, i + 1));
  }
  return frames;
}
