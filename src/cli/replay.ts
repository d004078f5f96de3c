import { parseArgs } from 'node:util';
import { parseDc09Key } from '../protocols/dc09/dc09-key.js';
import type { Command, CommandIo } from './command.js';

const usage = `Usage: arc replay FILE [--target HOST:PORT] [--speed N|max] [options]

Sends a recording (arc journal export, fixtures/sessions/*.jsonl) to a running arc, over the
transport each frame was received on: one TCP connection or UDP socket per original peer, its
frames in order, each waiting for arc's answer as a panel does (no re-send on NAK or timeout).
Serial frames are written to --serial DEVICE (e.g. one end of a socat pty pair whose other end
an arc serial receiver reads), or skipped and counted.

  --target HOST:PORT  arc's DC-09 receiver (default 127.0.0.1:7001)
  --speed N|max       divide the recorded gaps by N (default 1: real time); max: no gaps,
                      each frame as soon as the previous one of its peer was answered
  --serial DEVICE     serial device for the serial frames
  --baud N            its baud rate (default 9600)
  --restamp           give DC-09 frames that carry a timestamp a new one (recorded timestamp +
                      time since recording), re-encrypt and recompute the CRC: otherwise arc
                      NAKs encrypted frames older than 40 s (TIMESTAMP_OUT_OF_WINDOW)
  --key ACCOUNT=KEY   AES key of an account for --restamp (repeatable): 32/48/64 hex digits or
                      16/24/32 characters, hex:… or ascii:… to say which
  --timeout MS        wait for each answer (and connection) this long (default 5000)
  --json              print the summary as one JSON object

Prints sent, acked, naked, duhed, unanswered, failed, skipped, and the NAKs of encrypted frames
sent with a stale timestamp. Exit status 0 when every frame was sent (whatever arc answered);
1 when some could not be sent, or none (TARGET_UNREACHABLE, SERIAL_UNAVAILABLE,
NOTHING_TO_SEND, EMPTY_RECORDING); 2 when an option or a line of FILE is wrong
(BAD_RECORDING_LINE names the line).`;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'send recorded traffic to a running arc with its original timing (`arc replay --help`)',
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    const options = readOptions(args);
    if ('error' in options) {
      io.stderr.write(`arc replay: REPLAY_OPTIONS_INVALID: ${options.error}\n\n${usage}\n`);
      return 2;
    }
    // Loaded here, not at the top: `arc --help` and the other commands need none of it.
    const [{ readFile }, { parseRecording }, { runReplay }, { formatReplayReport }, { RecordingLineError, ReplayError }] = await Promise.all([
      import('node:fs/promises'),
      import('../replay/recorded-frame.js'),
      import('../replay/run-replay.js'),
      import('../replay/replay-report.js'),
      import('../replay/replay-error.js'),
    ]);
    let text: string;
    try {
      text = await readFile(options.file, 'latin1');
    } catch (err) {
      io.stderr.write(`arc replay: RECORDING_UNREADABLE: cannot read ${options.file} (${(err as NodeJS.ErrnoException).code ?? String(err)})\n`);
      return 1;
    }
    let frames;
    try {
      frames = parseRecording(text);
    } catch (err) {
      if (!(err instanceof RecordingLineError)) throw err;
      io.stderr.write(`arc replay: ${err.code}: ${options.file} ${err.message}\n`);
      return 2;
    }
    const abort = new AbortController();
    // Ctrl-C stops sending but still prints the summary; a second one kills the process.
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const report = await runReplay(frames, { ...options.replay, signal: abort.signal });
      io.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatReplayReport(report));
      return report.ok ? 0 : 1;
    } catch (err) {
      if (!(err instanceof ReplayError)) throw err;
      io.stderr.write(`arc replay: ${err.code}: ${err.message}\n`);
      return 1;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

interface Options {
  file: string;
  json: boolean;
  replay: {
    host: string;
    port: number;
    speed: number;
    replyTimeoutMs: number;
    serialDevice?: string;
    serialBaudRate: number;
    restamp: boolean;
    keys: Map<string, Buffer>;
  };
}

function readOptions(args: string[]): Options | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        target: { type: 'string', default: '127.0.0.1:7001' },
        speed: { type: 'string', default: '1' },
        serial: { type: 'string' },
        baud: { type: 'string', default: '9600' },
        restamp: { type: 'boolean', default: false },
        key: { type: 'string', multiple: true, default: [] },
        timeout: { type: 'string', default: '5000' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return { error: `one recording FILE, got ${positionals.length}` };
  const target = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(values.target);
  const port = target ? Number(target[3]) : Number.NaN;
  if (!target || port < 1 || port > 65535) return { error: `--target is HOST:PORT (an IPv6 address in brackets), got "${values.target}"` };
  let speed: number;
  if (values.speed === 'max') speed = Infinity;
  else {
    speed = /^\d+(\.\d+)?$/.test(values.speed) ? Number(values.speed) : Number.NaN;
    if (!(speed > 0)) return { error: `--speed is a number above 0 or max, got "${values.speed}"` };
  }
  const timeout = /^\d+$/.test(values.timeout) ? Number(values.timeout) : Number.NaN;
  if (!(timeout >= 1 && timeout <= 600_000)) return { error: `--timeout is 1-600000 ms, got "${values.timeout}"` };
  const baud = /^\d+$/.test(values.baud) ? Number(values.baud) : Number.NaN;
  if (!(baud >= 50 && baud <= 4_000_000)) return { error: `--baud is a baud rate such as 9600, got "${values.baud}"` };
  if (values.key.length > 0 && !values.restamp) return { error: '--key is only used with --restamp' };
  const keys = new Map<string, Buffer>();
  for (const spec of values.key) {
    const eq = spec.indexOf('=');
    if (eq < 1) return { error: `--key is ACCOUNT=KEY, got "${spec.slice(0, 20)}…"` };
    const key = parseDc09Key(spec.slice(eq + 1));
    // The key itself is never echoed.
    if (!key.ok) return { error: `--key for account ${spec.slice(0, eq)}: ${key.error.message}` };
    keys.set(spec.slice(0, eq).toUpperCase(), key.value);
  }
  return {
    file: positionals[0]!,
    json: values.json,
    replay: {
      host: target[1] ?? target[2]!,
      port,
      speed,
      replyTimeoutMs: timeout,
      serialDevice: values.serial,
      serialBaudRate: baud,
      restamp: values.restamp,
      keys,
    },
  };
}
