import { randomBytes } from 'node:crypto';
import { readDc09Header } from '../protocols/dc09/decode-dc09.js';
import { Dc09StreamFramer } from '../protocols/dc09/dc09-stream-framer.js';
import { isInTimestampWindow } from '../protocols/dc09/dc09-timestamp.js';
import type { RecordedFrame } from './recorded-frame.js';
import { ReplayError } from './replay-error.js';
import type { Exchange, Expect, ReplayLink } from './replay-link.js';
import { emptyReport, type ReplayReport } from './replay-report.js';
import { restampDc09 } from './restamp-dc09.js';
import { SerialReplayLink } from './serial-replay-link.js';
import { TcpReplayLink } from './tcp-replay-link.js';
import { UdpReplayLink } from './udp-replay-link.js';

export interface ReplayOptions {
  /** The running arc's DC-09 receiver. */
  host: string;
  port: number;
  /** Gaps between frames are divided by this; Infinity: as fast as the answers allow. */
  speed: number;
  /** How long to wait for each answer (and for a connection). */
  replyTimeoutMs: number;
  /** Where serial frames are written; without it they are skipped and counted. */
  serialDevice?: string;
  serialBaudRate?: number;
  /** Re-stamp DC-09 frames that carry a timestamp (encrypted ones need their account's key). */
  restamp?: boolean;
  /** AES keys by account number (upper case). */
  keys?: ReadonlyMap<string, Uint8Array>;
  signal?: AbortSignal;
}

/** After garbage on TCP, before the peer's next bytes. */
const GARBAGE_PAUSE_MS = 50;

/** A connection a stream gives up on after this many failed attempts in a row. */
const MAX_CONSECUTIVE_FAILURES = 3;

/**
 * Sends a recording to a running arc with its original timing scaled by `speed`: one TCP
 * connection or UDP socket per original peer, its frames in file order, each waiting for its
 * answer as a panel does; serial frames in file order to one device. Peers run side by side.
 * No frame is re-sent on NAK or timeout (each frame is journaled once; the summary says what
 * came back). Throws ReplayError when nothing could be sent at all.
 */
export async function runReplay(frames: readonly RecordedFrame[], options: ReplayOptions): Promise<ReplayReport> {
  const target = `${options.host}:${options.port}`;
  const speedLabel = options.speed === Infinity ? 'max' : options.speed;
  if (frames.length === 0) throw new ReplayError('EMPTY_RECORDING', 'the recording holds no frame');
  const streams = groupByPeer(frames, options.serialDevice !== undefined);
  const report = emptyReport(target, speedLabel, frames.length, new Set(frames.map((f) => `${f.transport}|${f.peer}`)).size);
  report.skippedSerial = options.serialDevice === undefined ? frames.filter((f) => f.transport === 'serial').length : 0;
  if (report.skippedSerial === frames.length) {
    throw new ReplayError('NOTHING_TO_SEND', `all ${frames.length} frames are serial: give --serial DEVICE to replay them`);
  }
  // Opened before anything is sent: a missing device must not leave a half-replayed session.
  const serial = options.serialDevice === undefined ? null : await SerialReplayLink.open(options.serialDevice, options.serialBaudRate ?? 9600, options.replyTimeoutMs);

  const firstTime = Math.min(...frames.map((f) => f.time));
  const startedAt = Date.now();
  try {
    await Promise.all(
      [...streams.values()].map(async (stream) => {
        const link: ReplayLink =
          stream.transport === 'serial' ? serial! : stream.transport === 'udp' ? new UdpReplayLink(options.host, options.port, options.replyTimeoutMs) : new TcpReplayLink(options.host, options.port, options.replyTimeoutMs);
        try {
          await replayStream(stream.frames, link, { ...options, firstTime, startedAt }, report);
        } finally {
          if (link !== serial) await link.close();
        }
      }),
    );
  } finally {
    await serial?.close();
  }
  report.durationMs = Date.now() - startedAt;
  const toSend = frames.length - report.skippedSerial;
  if (report.sent === 0 && report.unsent < toSend) {
    throw new ReplayError('TARGET_UNREACHABLE', `not one of ${toSend} frames could be sent to ${options.serialDevice && report.sentByTransport.serial === 0 ? options.serialDevice : target}`);
  }
  report.ok = report.failed === 0 && report.unsent === 0;
  return report;
}

interface Stream {
  transport: RecordedFrame['transport'];
  frames: RecordedFrame[];
}

/** One stream per original peer; every serial frame in one stream, the single device's. */
function groupByPeer(frames: readonly RecordedFrame[], withSerial: boolean): Map<string, Stream> {
  const streams = new Map<string, Stream>();
  for (const frame of frames) {
    if (frame.transport === 'serial' && !withSerial) continue;
    const key = frame.transport === 'serial' ? 'serial' : `${frame.transport}|${frame.peer}`;
    let stream = streams.get(key);
    if (!stream) streams.set(key, (stream = { transport: frame.transport, frames: [] }));
    stream.frames.push(frame);
  }
  return streams;
}

async function replayStream(
  frames: RecordedFrame[],
  link: ReplayLink,
  options: ReplayOptions & { firstTime: number; startedAt: number },
  report: ReplayReport,
): Promise<void> {
  let failuresInARow = 0;
  for (const [i, frame] of frames.entries()) {
    if (options.signal?.aborted) {
      report.unsent += frames.length - i;
      return;
    }
    if (failuresInARow >= MAX_CONSECUTIVE_FAILURES) {
      report.failed += frames.length - i;
      return;
    }
    const due = options.speed === Infinity ? 0 : options.startedAt + (frame.time - options.firstTime) / options.speed - Date.now();
    if (due > 0) await sleep(due, options.signal);
    if (options.signal?.aborted) {
      report.unsent += frames.length - i;
      return;
    }
    const sendAt = Date.now();
    let bytes = frame.raw;
    let restamped = false;
    if (options.restamp && frame.transport !== 'serial') {
      const r = restampDc09({ raw: frame.raw, recordedAt: frame.time, sendAt, keys: options.keys ?? new Map(), random: randomBytes });
      if (r.kind === 'restamped') {
        bytes = r.bytes;
        restamped = true;
        report.restamped++;
      } else if (r.kind === 'no-key') report.restampNoKey++;
    }
    // An encrypted frame's timestamp is close to when arc received it: the recorded time stands in for it.
    const stale = !restamped && frame.transport !== 'serial' && readDc09Header(frame.raw)?.encrypted === true && !isInTimestampWindow(frame.time, sendAt);
    const expect = frame.transport === 'tcp' ? tcpExpectation(frame.raw) : 'reply';
    const exchange: Exchange = await link.exchange(bytes, expect);
    // arc cuts TCP garbage into journal rows as it reads it: a pause lets it read this run on
    // its own, as it did when recorded, rather than run together with what follows.
    if (frame.transport === 'tcp' && expect === 'nothing') await sleep(GARBAGE_PAUSE_MS, options.signal);
    if (!exchange.sent) {
      report.failed++;
      failuresInARow++;
      continue;
    }
    failuresInARow = 0;
    report.sent++;
    report.sentByTransport[frame.transport]++;
    if (stale) report.staleEncrypted++;
    switch (exchange.reply) {
      case 'ack':
        report.acked++;
        break;
      case 'nak':
        report.naked++;
        if (stale) report.nakedStale++;
        break;
      case 'duh':
        report.duhed++;
        break;
      case 'other':
        report.otherReplies++;
        break;
      case 'none':
        if (expect === 'reply') report.unanswered++;
        else report.noAnswerExpected++;
        break;
    }
  }
}

/**
 * What arc does with these bytes on TCP, by its own framer: one whole DC-09 frame is answered;
 * an oversized header makes arc cut the connection (waited for, so the peer's next frame goes
 * out on a new one and is not lost with the old); anything else is garbage, answered by none.
 */
function tcpExpectation(raw: Buffer): Expect {
  const items = new Dc09StreamFramer().push(raw);
  if (items.some((item) => item.kind === 'oversized')) return 'close';
  return items.length === 1 && items[0]!.kind === 'frame' && items[0]!.bytes.length === raw.length ? 'reply' : 'nothing';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
