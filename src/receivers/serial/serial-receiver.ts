import type { Logger } from 'pino';
import type { SerialPort } from 'serialport';
import type { SerialPortSetting } from '../../config/settings.js';
import type { JournalWriter } from '../../journal/reception.js';
import { printable } from '../../protocols/printable.js';
import { refuse } from '../../protocols/protocol-error.js';
import { RECEIVER_RECORD_MAX_BYTES, type CfskEventTable } from '../../protocols/receiver-output/index.js';
import type { AccountDirectory } from '../account-directory.js';
import { countReception, type ReceiverMetrics } from '../receiver-metrics.js';
import { loadCfskTable } from './cfsk-table-file.js';
import { closeSerialPort, openSerialPort, writeAndDrain, type SerialBinding } from './open-serial-port.js';
import { serialReception } from './record-reception.js';
import { RecordFramer, type FramedRecord } from './record-framer.js';
import { ReceiverSupervision, type ReceiverStatus } from './receiver-supervision.js';
import { DEFAULT_REOPEN_BACKOFF, reopenDelay, type BackoffOptions } from './reopen-backoff.js';
import { serialFormatRules, type SerialFormatRules } from './serial-format.js';

export interface SerialReceiverStatus {
  receiver: string;
  status: ReceiverStatus;
  at: number;
  reason?: string;
}

export interface SerialReceiverDeps {
  journal: JournalWriter;
  accounts: AccountDirectory;
  metrics: ReceiverMetrics;
  logger: Logger;
  nodeId?: string;
  /** serialport's hardware layer; `SerialPortMock.binding` in tests. */
  binding?: SerialBinding;
  /** Epoch ms; the receiving time of records and the heartbeat clock. */
  now?: () => number;
  onStatus?: (status: SerialReceiverStatus) => void;
  /** How often silence is checked (default 1 s); tests make it short. */
  supervisionIntervalMs?: number;
  reopenBackoff?: BackoffOptions;
  /** Overrides the table file `setting.cfskTable` names. */
  cfskTable?: CfskEventTable;
}

export interface SerialReceiver {
  readonly name: string;
  /** Loads the CFSK table (rejects if it is bad), then opens the port; a port that will not open is retried, not fatal. */
  start(): Promise<void>;
  /** Closes the port once the record in hand is journaled and answered. */
  stop(): Promise<void>;
  /** 'pending' until the first record after start. */
  status(): ReceiverStatus | 'pending';
}

interface Pending {
  /** The port it came in on: answered only if that port is still the one open. */
  port: SerialPort;
  framed: FramedRecord;
  /** When its last byte was read: the reception time and the start of the ACK latency. */
  receivedAt: number;
}

const TRANSPORT = 'serial';

/**
 * One phone-line receiver on one serial port: reads its records, journals each, and answers
 * only once the journal has it. The receiver sends its next record only after our answer, and
 * keeps unanswered ones in its own buffer to send again, so a record is never ACKed before it
 * is durable, and a record arc cannot journal is left unanswered.
 */
export function createSerialReceiver(setting: SerialPortSetting, deps: SerialReceiverDeps): SerialReceiver {
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ receiver: setting.name, port: setting.path, ...(deps.nodeId ? { node: deps.nodeId } : {}) });
  const { metrics } = deps;
  const supervision = new ReceiverSupervision(setting.heartbeatSeconds * 1000);
  const backoff = deps.reopenBackoff ?? DEFAULT_REOPEN_BACKOFF;

  let rules: SerialFormatRules | null = null;
  let framer: RecordFramer | null = null;
  let port: SerialPort | null = null;
  let stopped = false;
  let started = false;
  let attempt = 0;
  let queue: Pending[] = [];
  let busy = false;
  /** The running drain loop, for stop() to wait on. */
  let draining: Promise<void> = Promise.resolve();
  let opening: Promise<void> | null = null;
  let reopenTimer: NodeJS.Timeout | null = null;
  let superviseTimer: NodeJS.Timeout | null = null;

  function report(change: { status: ReceiverStatus; at: number; reason: string } | null): void {
    if (!change) return;
    metrics.receiverUp.set({ receiver: setting.name }, change.status === 'up' ? 1 : 0);
    if (change.status === 'up') log.info({ status: change.status }, 'serial receiver is heard');
    else log.warn({ status: change.status, reason: change.reason }, `serial receiver is ${change.status}`);
    deps.onStatus?.({ receiver: setting.name, status: change.status, at: change.at, reason: change.reason });
  }

  async function open(): Promise<void> {
    let p: SerialPort;
    try {
      p = await openSerialPort(setting, deps.binding);
    } catch (err) {
      report(supervision.lost(now(), `cannot open: ${(err as Error).message}`));
      scheduleReopen();
      return;
    }
    if (stopped) {
      await closeSerialPort(p);
      return;
    }
    port = p;
    framer!.reset();
    queue = [];
    metrics.connections.inc({ transport: TRANSPORT });
    supervision.opened(now());
    log.info({ format: setting.format, baudRate: setting.baudRate }, 'serial port open');
    p.on('data', (chunk: Buffer) => onData(p, chunk));
    p.on('close', (err: Error | null) => lost(p, err ? err.message : 'port closed'));
    p.on('error', (err: Error) => {
      log.warn({ err }, 'serial port error');
      if (!p.isOpen) lost(p, err.message);
    });
  }

  function scheduleReopen(): void {
    if (stopped || reopenTimer) return;
    const delay = reopenDelay(attempt++, backoff);
    log.info({ delayMs: delay }, 'reopening the serial port later');
    reopenTimer = setTimeout(() => {
      reopenTimer = null;
      if (!stopped) opening = open().finally(() => (opening = null));
    }, delay);
    reopenTimer.unref();
  }

  /** The port went away (device unplugged, receiver off, read error): forget it and reopen later. */
  function lost(p: SerialPort, reason: string): void {
    if (port !== p) return;
    port = null;
    queue = [];
    metrics.connections.dec({ transport: TRANSPORT });
    report(supervision.lost(now(), reason));
    void closeSerialPort(p);
    scheduleReopen();
  }

  function onData(p: SerialPort, chunk: Buffer): void {
    if (port !== p || stopped) return;
    const receivedAt = now();
    for (const framed of framer!.push(chunk)) queue.push({ port: p, framed, receivedAt });
    if (queue.length === 0) return;
    // One record at a time, in order: stop reading until the queue is answered (the receiver
    // is waiting for our answer anyway; anything more on the line waits in the OS buffer).
    p.pause();
    if (!busy) draining = drain();
  }

  // One loop for the receiver, not per port: a record still in the journal when its port went
  // away must not let a record from the reopened port overtake it.
  async function drain(): Promise<void> {
    busy = true;
    try {
      while (queue.length > 0 && !stopped) {
        try {
          await handle(queue.shift()!);
        } catch (err) {
          // A bug, not the receiver's fault: the record is left unanswered and sent again.
          log.error({ err }, 'serial record handling failed');
        }
      }
    } finally {
      // Cleared in the same tick the queue is seen empty, so the next chunk starts a new loop.
      busy = false;
    }
    if (port && !stopped) port.resume();
  }

  async function handle({ port: p, framed, receivedAt }: Pending): Promise<void> {
    const decoded = framed.kind === 'oversized'
      ? refuse('OVERSIZED', `more than ${RECEIVER_RECORD_MAX_BYTES} bytes without a record terminator`)
      : rules!.decode(framed.bytes);
    if (decoded.ok) {
      attempt = 0;
      report(supervision.heard(receivedAt));
    }
    const reception = serialReception(setting, framed.bytes, receivedAt, decoded, deps.accounts);
    try {
      await deps.journal.append(reception);
    } catch (err) {
      // Not durable, so not answered: the receiver sends it again.
      log.error({ err, outcome: reception.outcome }, 'journal append failed; record left unanswered');
      return;
    }
    countReception(metrics, reception);
    if (!decoded.ok) {
      log.warn({ code: decoded.error.code, raw: printable(framed.bytes.toString('latin1'), 80) }, decoded.error.message);
    }
    const answer = decoded.ok ? rules!.ack(decoded.value.record) : rules!.nak(framed.bytes);
    if (port !== p || !p.isOpen) {
      log.warn('serial port gone before the answer: the receiver will send the record again');
      return;
    }
    try {
      await writeAndDrain(p, answer);
      metrics.ackLatency.observe({ transport: TRANSPORT }, (now() - receivedAt) / 1000);
    } catch (err) {
      log.warn({ err }, 'could not write the answer');
    }
  }

  return {
    name: setting.name,
    status: () => supervision.status,

    async start() {
      if (started) throw new Error(`serial receiver ${setting.name} already started`);
      started = true;
      const table = deps.cfskTable ?? (setting.cfskTable ? await loadCfskTable(setting.cfskTable) : undefined);
      rules = serialFormatRules(setting.format, table);
      framer = new RecordFramer({ ...rules.framing, maxBytes: RECEIVER_RECORD_MAX_BYTES });
      metrics.receiverUp.set({ receiver: setting.name }, 0);
      superviseTimer = setInterval(() => report(supervision.check(now())), deps.supervisionIntervalMs ?? 1000);
      superviseTimer.unref();
      opening = open().finally(() => (opening = null));
      await opening;
    },

    async stop() {
      stopped = true;
      if (reopenTimer) clearTimeout(reopenTimer);
      if (superviseTimer) clearInterval(superviseTimer);
      reopenTimer = superviseTimer = null;
      await opening;
      // The record in hand finishes: its append settles and, if durable, it is answered.
      await draining;
      const p = port;
      port = null;
      if (p) {
        metrics.connections.dec({ transport: TRANSPORT });
        await closeSerialPort(p);
      }
      metrics.receiverUp.set({ receiver: setting.name }, 0);
      log.info('serial receiver stopped');
    },
  };
}
