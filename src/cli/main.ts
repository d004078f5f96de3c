import { auditCommand } from './audit.js';
import type { Command, CommandIo } from './command.js';
import { decodeCommand } from './decode.js';
import { importCommand } from './import.js';
import { journalCommand } from './journal.js';
import { migrateCommand } from './migrate.js';
import { replayCommand } from './replay.js';
import { reportCommand } from './report.js';
import { serveCommand } from './serve.js';
import { simCommand } from './sim.js';
import { sim110Command } from './sim-110.js';
import { simDiallerCommand } from './sim-dialler.js';
import { statusCommand } from './status.js';
import { userCommand } from './user.js';

/** Every subcommand of `bin/arc`, in the order `arc --help` lists them. */
export const COMMANDS: readonly Command[] = [serveCommand, decodeCommand, migrateCommand, importCommand, simCommand, sim110Command, simDiallerCommand, journalCommand, replayCommand, userCommand, auditCommand, statusCommand, reportCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'arc: the server of a central alarm receiving and monitoring centre',
    '',
    'Usage: arc COMMAND [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `arc COMMAND --help` for the options of one command.',
    '',
  ].join('\n');
}

/** Runs one command line and resolves to its exit code; unknown commands exit 2. */
export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`arc: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  return command.run(args, io);
}
