/** What a subcommand of `bin/arc` gets: its arguments and its streams, nothing global. */
export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** One subcommand of `bin/arc`. `run` resolves to the process exit code. */
export interface Command {
  name: string;
  /** One line for `arc --help`. */
  summary: string;
  /** The whole text `arc NAME --help` prints. */
  usage: string;
  run(args: string[], io: CommandIo): Promise<number>;
}
