import { parseArgs } from 'node:util';
import type { Sim110Options } from '../uplink110/sim-110/index.js';
import type { Command, CommandIo } from './command.js';

// Written out so that `--help` loads nothing; the defaults are those of startSim110.
const usage = `Usage: arc sim-110 [options]

Runs a simulated police 110 centre: an HTTP server that takes arc's signed reports at
POST /api/incidents, answers each with a case number (or a rejection), the same answer to a
repeat of the same incident and revision, and keeps everything it got (GET /api/received, JSON;
GET /api/cases; the liaison's page at /). With --arc-url it reports each new case back to arc,
signed: dispatched, on scene, closed. It never reads from arc.

  --port P               port to listen on (default 8110; 0 picks a free one)
  --host H               address to listen on (default 127.0.0.1)
  --secret S             the link's shared secret (default: env ARC_UPLINK110_SECRET, else the
                         dev secret arc-dev-uplink110-secret-not-for-production)
  --key-id K             the key id arc signs with (default: env ARC_UPLINK110_KEY_ID, else arc)
  --reject-all           reject every report
  --reject-accounts A,B  reject reports for these accounts
  --down                 answer 503 to every report (110 unreachable)
  --arc-url URL          arc's base URL, for the case updates (e.g. http://127.0.0.1:8080)
  --dispatch-after S     seconds from acceptance to "dispatched" (default 5; with --arc-url)
  --on-scene-after S     seconds to "on scene" (default 15)
  --close-after S        seconds to "closed" (default 60)
  --disposition TEXT     the disposition it closes with (default "handled by police")

POST /api/control {"mode": "accept"|"reject"|"down", "rejectAccounts": [...]} switches it while
it runs. Prints its URL, then runs until Ctrl-C. Exit status 2 when an option is wrong.`;

export const sim110Command: Command = {
  name: 'sim-110',
  summary: 'run the simulated police 110 centre (receives arc\'s forwards, answers case numbers)',
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    const options = readOptions(args, io.env);
    if ('error' in options) {
      io.stderr.write(`arc sim-110: ${options.error}\n\n${usage}\n`);
      return 2;
    }
    // Loaded here, not at the top: `arc --help` and the other commands need none of it.
    const { startSim110 } = await import('../uplink110/sim-110/index.js');
    const sim = await startSim110(options);
    io.stdout.write(`${JSON.stringify({ msg: 'sim-110 is listening', url: sim.url, incidents: `${sim.url}/api/incidents`, mode: options.mode })}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sim.stop();
    return 0;
  },
};


function readOptions(args: string[], env: NodeJS.ProcessEnv): (Sim110Options & { mode: 'accept' | 'reject' | 'down' }) | { error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        secret: { type: 'string' },
        'key-id': { type: 'string' },
        'reject-all': { type: 'boolean', default: false },
        'reject-accounts': { type: 'string' },
        down: { type: 'boolean', default: false },
        'arc-url': { type: 'string' },
        'dispatch-after': { type: 'string' },
        'on-scene-after': { type: 'string' },
        'close-after': { type: 'string' },
        disposition: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { error: (err as Error).message };
  }
  const seconds: Record<string, number> = { 'dispatch-after': 5, 'on-scene-after': 15, 'close-after': 60 };
  for (const name of ['port', 'dispatch-after', 'on-scene-after', 'close-after'] as const) {
    const text = values[name];
    if (text === undefined) continue;
    if (!/^\d+(\.\d+)?$/.test(text)) return { error: `--${name} is a number, got "${text}"` };
    seconds[name] = Number(text);
  }
  if (values.port !== undefined && (!Number.isInteger(seconds.port) || seconds.port! > 65535)) return { error: `--port is an integer 0-65535, got "${values.port}"` };
  if (values['reject-all'] && values.down) return { error: '--reject-all and --down exclude each other' };
  const arcUrl = values['arc-url'];
  if (arcUrl !== undefined && !/^https?:\/\/\S+$/.test(arcUrl)) return { error: `--arc-url is an http(s) URL, got "${arcUrl}"` };
  const mode = values.down ? 'down' : values['reject-all'] ? 'reject' : 'accept';
  return {
    port: values.port === undefined ? undefined : seconds.port,
    host: values.host,
    secret: values.secret ?? (env.ARC_UPLINK110_SECRET || undefined),
    keyId: values['key-id'] ?? (env.ARC_UPLINK110_KEY_ID || undefined),
    mode,
    rejectAccounts: values['reject-accounts']?.split(',').map((a) => a.trim()).filter((a) => a !== '') ?? [],
    arcUrl,
    dispositions:
      arcUrl === undefined
        ? undefined
        : { dispatchedAfterMs: seconds['dispatch-after']! * 1000, onSceneAfterMs: seconds['on-scene-after']! * 1000, closedAfterMs: seconds['close-after']! * 1000, disposition: values.disposition ?? 'handled by police' },
  };
}
