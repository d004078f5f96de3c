import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config/config.js';
import type { Command, CommandIo } from './command.js';
import { DEFAULT_DEMO_PASSWORD } from './demo-password.js';
import type { RunningArc } from './start-arc.js';

const usage = `Usage: arc serve [--config FILE] [--demo]

Runs arc: opens the database, applies missing migrations, records this start in node_start,
then receives (DC-09, serial) and serves HTTP (console, API, /healthz, /metrics) until SIGINT
or SIGTERM, and stops cleanly (exit 0). Uses DATABASE_URL when set, else the embedded database
in ARC_DATA_DIR (default ./data).

  --config FILE   JSON file of settings; the environment overrides it (same as ARC_CONFIG)
  --demo          load the demo customers and one user per role, and print how to sign in
                  (password: ARC_DEMO_PASSWORD, default ${DEFAULT_DEMO_PASSWORD}); never in production
  --help          this text`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the server (what `npm start` runs)',
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    let options: { configFile: string | undefined; demo: boolean };
    try {
      const { values } = parseArgs({ args, options: { config: { type: 'string' }, demo: { type: 'boolean', default: false } } });
      options = { configFile: values.config, demo: values.demo };
    } catch (err) {
      io.stderr.write(`arc serve: ${(err as Error).message}\n\n${usage}\n`);
      return 2;
    }
    let config: Config;
    try {
      config = loadConfig(io.env, options.configFile);
    } catch (err) {
      io.stderr.write(`${(err as Error).message}\n`);
      return 1;
    }

    // Loaded here, not at the top: `arc decode` and `arc --help` need none of the server.
    const [{ createLogger }, { startArc }] = await Promise.all([import('../observability/logger.js'), import('./start-arc.js')]);
    const logger = createLogger(config, io.stdout);
    let arc: RunningArc;
    try {
      arc = await startArc(config, logger, options.demo ? { demo: { password: io.env.ARC_DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD } } : {});
    } catch (err) {
      logger.fatal({ err }, 'arc cannot start');
      io.stderr.write(`arc serve: ${(err as Error).message}\n`);
      return 1;
    }
    if (arc.demo) io.stdout.write(arc.demo);
    const signal = await nextStopSignal();
    logger.info({ signal }, 'stopping');
    await arc.stop();
    logger.info('stopped');
    return 0;
  },
};

/**
 * Resolves on the first SIGINT or SIGTERM, then stops listening for them: a second Ctrl-C
 * during a stuck shutdown ends the process at once (its stale lock is taken over next start).
 */
function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
