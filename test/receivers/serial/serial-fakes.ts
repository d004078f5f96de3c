import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { SerialPortMock } from 'serialport';
import type { SerialPortSetting } from '../../../src/config/settings.js';
import type { JournalEntry, JournalWriter, Reception } from '../../../src/journal/reception.js';
import { accountDirectoryOf } from '../../../src/receivers/account-directory.js';
import { createReceiverMetrics, type ReceiverMetrics } from '../../../src/receivers/receiver-metrics.js';
import type { SerialBinding } from '../../../src/receivers/serial/index.js';
import type { SerialReceiverStatus } from '../../../src/receivers/serial/serial-receiver.js';

/**
 * A journal whose appends the test settles: in 'auto' mode each resolves at once, in 'manual'
 * mode it waits in `pending` until the test resolves or rejects it.
 */
export class FakeJournal implements JournalWriter {
  readonly receptions: Reception[] = [];
  readonly pending: { reception: Reception; resolve: () => void; reject: (err: Error) => void }[] = [];
  mode: 'auto' | 'manual' | 'fail' = 'auto';
  #seq = 0;

  append(reception: Reception): Promise<JournalEntry> {
    this.receptions.push(reception);
    const entry = (): JournalEntry => ({ ...reception, seq: String(++this.#seq), nodeId: 'test', duplicateOf: null });
    if (this.mode === 'auto') return Promise.resolve(entry());
    if (this.mode === 'fail') return Promise.reject(new Error('journal down'));
    return new Promise((resolve, reject) => {
      this.pending.push({ reception, resolve: () => resolve(entry()), reject });
    });
  }
}

export function setting(overrides: Partial<SerialPortSetting> & { path: string }): SerialPortSetting {
  return { name: 'sg1', format: 'surgard', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, heartbeatSeconds: 90, ...overrides };
}

export interface Harness {
  journal: FakeJournal;
  metrics: ReceiverMetrics;
  registry: Registry;
  statuses: SerialReceiverStatus[];
  deps: {
    journal: FakeJournal;
    accounts: ReturnType<typeof accountDirectoryOf>;
    metrics: ReceiverMetrics;
    logger: Logger;
    onStatus: (s: SerialReceiverStatus) => void;
  };
}

export function harness(knownAccounts: string[] = ['1234']): Harness {
  const journal = new FakeJournal();
  const registry = new Registry();
  const metrics = createReceiverMetrics(registry);
  const statuses: SerialReceiverStatus[] = [];
  const accounts = accountDirectoryOf(knownAccounts.map((number) => ({ number, aesKey: null, encryptedOnly: false })));
  return {
    journal, metrics, registry, statuses,
    deps: { journal, accounts, metrics, logger: pino({ level: 'silent' }), onStatus: (s) => statuses.push(s) },
  };
}

type MockPort = Awaited<ReturnType<typeof SerialPortMock.binding.open>>;

/**
 * SerialPortMock's binding (the CJS copy serialport itself uses: stack.md gotcha 6), wrapped to
 * hand the test each port it opens, to feed it bytes and read what arc wrote.
 */
export function mockBinding(): { binding: SerialBinding; opened: MockPort[] } {
  const opened: MockPort[] = [];
  const base = SerialPortMock.binding;
  const binding: typeof base = {
    reset: () => base.reset(),
    createPort: (path, options) => base.createPort(path, options),
    list: () => base.list(),
    open: async (options) => {
      const port = await base.open(options);
      opened.push(port);
      return port;
    },
  };
  return { binding, opened };
}

let portCount = 0;
/** A fresh mock device path: the mock's registry is global to the process. */
export function mockDevice(create = true): string {
  const path = `/dev/ttyARCMOCK${++portCount}`;
  if (create) SerialPortMock.binding.createPort(path, { record: true });
  return path;
}

/** The device went away under a waiting read, as a pulled USB adapter does (read fails, not canceled). */
export function pullPlug(port: MockPort): void {
  const pending = (port as unknown as { pendingRead: ((err: Error) => void) | null }).pendingRead;
  if (!pending) throw new Error('no read pending on the mock port');
  pending(new Error('device disappeared'));
}

export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
