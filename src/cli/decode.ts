import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parseDc09Key } from '../protocols/dc09/dc09-key.js';
import { decodeFrame, FRAME_FORMATS, type FrameFormat } from '../protocols/decode-frame.js';
import { parseCfskTable, type CfskEventTable } from '../protocols/receiver-output/index.js';
import type { Command, CommandIo } from './command.js';
import { frameLineBytes } from './frame-line.js';

const usage = `Usage: arc decode [--format FORMAT] [--key ACCOUNT=KEY]... [--now ISO-TIME]

Reads frames from standard input, one per line, and prints one JSON object per line, in order.
A line that starts with " is a JSON string holding the exact bytes; any other line is taken
literally, with the escapes \\n \\r \\t \\\\ and \\xHH.

  --format FORMAT     ${['auto', ...FRAME_FORMATS].join('|')} (default auto: detected per line)
  --key ACCOUNT=KEY   AES key of a DC-09 account: 32/48/64 hex digits or 16/24/32 characters;
                      write hex:… or ascii:… to say which (repeatable)
  --now ISO-TIME      the receiver clock for the DC-09 timestamp window (default: now)
  --cfsk-table FILE   JSON table of CFSK event codes (see fixtures/cfsk-event-table.example.json);
                      without it CFSK events are unclassified

Output: {"ok":true,"format":…,"frame":{…},"events":[…]} or {"ok":false,"error":{"code":…,"message":…}}.
Exit status 0 after the last line; 2 when an option is wrong.`;

export const decodeCommand: Command = {
  name: 'decode',
  summary: 'decode alarm frames from standard input to JSON (Contact ID, DC-09, receiver outputs)',
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    const options = readOptions(args);
    if ('error' in options) {
      io.stderr.write(`arc decode: ${options.error}\n\n${usage}\n`);
      return 2;
    }
    const { format, keys, now, cfskTable } = options;
    const keyFor = (account: string | null) => (account === null ? undefined : keys.get(account.toUpperCase()));
    // latin1: one character per byte, so a literal line keeps its exact bytes.
    io.stdin.setEncoding?.('latin1');
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === '') continue;
      io.stdout.write(`${JSON.stringify(decodeLine(line, format, { now: now ?? Date.now(), keyFor, cfskTable }))}\n`);
    }
    return 0;
  },
};

function decodeLine(line: string, format: FrameFormat | 'auto', options: Parameters<typeof decodeFrame>[2]): object {
  const bytes = frameLineBytes(line);
  if (!bytes.ok) return { ok: false, error: { code: 'MALFORMED', message: bytes.message } };
  try {
    const r = decodeFrame(bytes.bytes, format, options);
    return r.ok ? { ok: true, ...r.value } : r;
  } catch (err) {
    // The decoders never throw: if one does, that is a bug in arc, and the next line still runs.
    return { ok: false, error: { code: 'INTERNAL_ERROR', message: `arc failed on this line: ${String(err)}` } };
  }
}

type Options = {
  format: FrameFormat | 'auto';
  keys: Map<string, Buffer>;
  now: number | null;
  cfskTable: CfskEventTable | undefined;
};

function readOptions(args: string[]): Options | { error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        format: { type: 'string', default: 'auto' },
        key: { type: 'string', multiple: true, default: [] },
        now: { type: 'string' },
        'cfsk-table': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { error: (err as Error).message };
  }
  const format = values.format;
  if (format !== 'auto' && !(FRAME_FORMATS as readonly string[]).includes(format)) {
    return { error: `--format is one of auto, ${FRAME_FORMATS.join(', ')}; got "${format}"` };
  }
  const keys = new Map<string, Buffer>();
  for (const spec of values.key) {
    const eq = spec.indexOf('=');
    if (eq < 1) return { error: `--key is ACCOUNT=KEY, got "${spec}"` };
    const key = parseDc09Key(spec.slice(eq + 1));
    if (!key.ok) return { error: `--key for account ${spec.slice(0, eq)}: ${key.error.message}` };
    keys.set(spec.slice(0, eq).toUpperCase(), key.value);
  }
  let now: number | null = null;
  if (values.now !== undefined) {
    now = Date.parse(values.now);
    if (Number.isNaN(now)) return { error: `--now is an ISO 8601 time such as 2026-11-22T12:44:30Z, got "${values.now}"` };
  }
  let cfskTable: CfskEventTable | undefined;
  const tableFile = values['cfsk-table'];
  if (tableFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(tableFile, 'utf8');
    } catch (err) {
      return { error: `--cfsk-table: cannot read ${tableFile} (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
    }
    const table = parseCfskTable(text);
    if (!table.ok) return { error: `--cfsk-table ${tableFile}: ${table.error.message}` };
    cfskTable = table.value;
  }
  return { format: format as FrameFormat | 'auto', keys, now, cfskTable };
}
