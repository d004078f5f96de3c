import { parseArgs } from 'node:util';
import type { PanelSimOptions } from '../panel-sim/sim-options.js';
import type { Command, CommandIo } from './command.js';

// Kept in step with SIM_DEFAULTS by a test; written out so `--help` loads nothing.
const usage = `Usage: arc sim panels --count N --rate R [options]

Simulates N SIA DC-09 panels sending to a receiver, R frames per second in all: NULL
heartbeats, and alarms (ADM-CID and SIA-DCS, alternating) for the share --alarm-share. Each
panel has its own socket and account, waits for the ACK of each frame before the next, and
re-sends a frame on NAK, timeout or lost connection (same seq and content) up to 3 times.
Panel i sends account (account base + i), prefix L0 and no receiver number.

  --count N           panels (1-100000)
  --rate R            frames per second, all panels together
  --proto P           tcp (default: one persistent connection per panel) or udp
  --alarm-share P     share of frames that are alarms, 0..1 (default 0: heartbeats only)
  --duration S        seconds during which frames are started (default 10)
  --target HOST:PORT  the receiver (default 127.0.0.1:7001)
  --account-base N    account of panel 0 (default 10000)
  --encrypt           AES-encrypt every frame with --key
  --key KEY           AES key for every panel: 32/48/64 hex digits or 16/24/32 characters
                      (default 000102030405060708090A0B0C0D0E0F)
  --timeout MS        how long a panel waits for an answer (default 5000)
  --json              print the report as one JSON object instead of text

Prints sent, acked, naked, duhed, retried, failed (given up), timeouts and the ACK latency
(p50/p99/max ms). Exit status 0 when every frame sent was ACKed, 1 when not (or none was
sent), 2 when an option is wrong.`;

export const simCommand: Command = {
  name: 'sim',
  summary: 'simulate DC-09 alarm panels against a receiver (`arc sim panels --help`)',
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    const options = readOptions(args);
    if ('error' in options) {
      io.stderr.write(`arc sim: ${options.error}\n\n${usage}\n`);
      return 2;
    }
    // Loaded here, not at the top: `arc --help` and the other commands need none of it.
    const { runPanels, formatSimReport, PanelSimOptionsError } = await import('../panel-sim/index.js');
    const abort = new AbortController();
    // Ctrl-C ends the run early but still prints the report; a second one kills the process.
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const report = await runPanels(options.sim, { signal: abort.signal });
      io.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatSimReport(report));
      return report.ok ? 0 : 1;
    } catch (err) {
      if (err instanceof PanelSimOptionsError) {
        io.stderr.write(`arc sim: ${err.problems.join('; ')}\n\n${usage}\n`);
        return 2;
      }
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

function readOptions(args: string[]): { sim: PanelSimOptions; json: boolean } | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        count: { type: 'string' },
        rate: { type: 'string' },
        proto: { type: 'string' },
        encrypt: { type: 'boolean', default: false },
        'alarm-share': { type: 'string' },
        duration: { type: 'string' },
        target: { type: 'string' },
        json: { type: 'boolean', default: false },
        'account-base': { type: 'string' },
        key: { type: 'string' },
        timeout: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'panels') {
    return { error: `the simulator is "arc sim panels", got "arc sim ${positionals.join(' ')}"` };
  }
  if (values.count === undefined || values.rate === undefined) return { error: '--count and --rate are required' };
  if (values.proto !== undefined && values.proto !== 'tcp' && values.proto !== 'udp') {
    return { error: `--proto is tcp or udp, got "${values.proto}"` };
  }
  if (values.key !== undefined && !values.encrypt) return { error: '--key is only used with --encrypt' };
  const numbers: Record<string, number | undefined> = {};
  for (const name of ['count', 'rate', 'alarm-share', 'duration', 'account-base', 'timeout'] as const) {
    const text = values[name];
    if (text === undefined) continue;
    // Number('') is 0 and Number('0x10') is 16: accept plain decimals only.
    if (!/^\d+(\.\d+)?$/.test(text)) return { error: `--${name} is a number, got "${text}"` };
    numbers[name] = Number(text);
  }
  return {
    json: values.json,
    sim: {
      count: numbers.count!,
      rate: numbers.rate!,
      proto: values.proto,
      encrypt: values.encrypt,
      alarmShare: numbers['alarm-share'],
      durationS: numbers.duration,
      target: values.target,
      accountBase: numbers['account-base'],
      key: values.key,
      ackTimeoutMs: numbers.timeout,
    },
  };
}
