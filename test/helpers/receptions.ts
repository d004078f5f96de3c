import type { Reception } from '../../src/journal/reception.js';

/** A decoded DC-09 signal as a receiver would hand it to the journal; override what a test needs. */
export function signalReception(overrides: Partial<Reception> = {}): Reception {
  return {
    transport: 'tcp',
    receiver: 'dc09',
    peer: '127.0.0.1:40000',
    receivedAt: Date.parse('2026-11-23T08:00:00Z'),
    raw: Buffer.from('\n0000001F"ADM-CID"0001L0#1234[#1234|1130 01 005]\r', 'latin1'),
    format: 'dc09',
    account: '1234',
    outcome: 'signal',
    error: null,
    frame: { token: 'ADM-CID', seq: 1 },
    events: [],
    dedupKey: null,
    ...overrides,
  };
}
