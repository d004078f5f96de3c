import { parseArgs } from 'node:util';
import type { CommandIo } from './command.js';

/**
 * The one option of the commands that only need the configuration (`serve`, `migrate`):
 * `--config FILE`. Resolves to the file (or undefined), or to exit code 2 after saying what is
 * wrong. `--help` never gets here: runCli answers it for every command.
 */
export function readConfigOption(command: string, args: string[], io: CommandIo, usage: string): { configFile: string | undefined } | number {
  try {
    const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
    return { configFile: values.config };
  } catch (err) {
    io.stderr.write(`arc ${command}: ${(err as Error).message}\n\n${usage}\n`);
    return 2;
  }
}
