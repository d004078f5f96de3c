import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { parseDiallerScript, SimDiallerOptions } from '../callback-dialler/sim-dialler/index.js';
import type { Command, CommandIo } from './command.js';

// Written out so that `--help` loads nothing; the defaults are those of startSimDialler.
const usage = `Usage: arc sim-dialler [options]

Runs a simulated voice gateway (IVR) for arc's automated callback dialler (语音自动复核): an HTTP
server that takes arc's signed calls at POST /calls and cancels at POST /calls/:callId/cancel,
and reports each call's result to arc, signed, after a short delay, as the script says: who
answers at each number and which code they key in (by default nobody answers). A cancelled call
gets no result. GET /api/received lists every request it got and every result it reported (JSON).
Point arc at it with ARC_CALLBACK_DIALLER_URL=<its URL> and the same ARC_CALLBACK_DIALLER_SECRET.

  --port P             port to listen on (default 8120; 0 picks a free one)
  --host H             address to listen on (default 127.0.0.1)
  --secret S           the link's shared secret (default: env ARC_CALLBACK_DIALLER_SECRET, else the
                       dev secret arc-dev-dialler-secret-not-for-production)
  --target URL         arc's base URL, where results go (e.g. http://127.0.0.1:8080); without it
                       calls are only kept
  --script FILE        JSON: {"<phone>": {"answer": "answered"|"no_answer"|"busy"|"refused",
                       "code": "...", "afterS": 5}, "default": {...}}
  --answer-after S     seconds from a call to its result (default 2)
  --down               answer 503 to everything (the gateway unreachable)

POST /api/control {"mode": "up"|"down", "script": {...}} switches it while it runs. Prints its
URL, then runs until Ctrl-C. Exit status 2 when an option is wrong.`;

export const simDiallerCommand: Command = {
  name: 'sim-dialler',
  summary: "run a simulated voice gateway for the callback dialler (places arc's password callbacks by script)",
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    // Loaded here, not at the top: `arc --help` and the other commands need none of it.
    const { parseDiallerScript, startSimDialler } = await import('../callback-dialler/sim-dialler/index.js');
    const options = readOptions(args, io.env, parseDiallerScript);
    if ('error' in options) {
      io.stderr.write(`arc sim-dialler: ${options.error}\n\n${usage}\n`);
      return 2;
    }
    const sim = await startSimDialler(options);
    io.stdout.write(`${JSON.stringify({ msg: 'sim-dialler is listening', url: sim.url, target: options.target ?? null, mode: options.mode, numbers: Object.keys(options.script ?? {}) })}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sim.stop();
    return 0;
  },
};

function readOptions(args: string[], env: NodeJS.ProcessEnv, parseScript: typeof parseDiallerScript): SimDiallerOptions | { error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        secret: { type: 'string' },
        target: { type: 'string' },
        script: { type: 'string' },
        'answer-after': { type: 'string' },
        down: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { error: (err as Error).message };
  }
  const { port, target } = values;
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) return { error: `--port is an integer 0-65535, got "${port}"` };
  const after = values['answer-after'];
  if (after !== undefined && !/^\d+(\.\d+)?$/.test(after)) return { error: `--answer-after is a number of seconds, got "${after}"` };
  if (target !== undefined && !/^https?:\/\/\S+$/.test(target)) return { error: `--target is an http(s) URL, got "${target}"` };
  let script;
  if (values.script !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.script, 'utf8');
    } catch (err) {
      return { error: `--script: cannot read ${values.script} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
    }
    const parsed = parseScript(text);
    if ('error' in parsed) return { error: `--script ${values.script}: ${parsed.error}` };
    script = parsed.script;
  }
  return {
    ...(port !== undefined && { port: Number(port) }),
    ...(values.host !== undefined && { host: values.host }),
    secret: values.secret ?? (env.ARC_CALLBACK_DIALLER_SECRET || undefined),
    ...(target !== undefined && { target }),
    ...(script !== undefined && { script }),
    ...(after !== undefined && { answerAfterMs: Number(after) * 1000 }),
    mode: values.down ? 'down' : 'up',
  };
}
