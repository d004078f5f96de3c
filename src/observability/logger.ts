import { pino, type Logger } from 'pino';
import type { Config } from '../config/config.js';

export type { Logger };

/** Where logs go: a stream, and whether a person reads it at a terminal. */
export type LogDestination = NodeJS.WritableStream & { isTTY?: boolean; fd?: number };

/**
 * JSON logs, one line per record, on `destination`. Pretty output only for a person at a
 * terminal outside production: pino-pretty is a devDependency, absent from a production install,
 * and a transport runs in a worker thread that writes to the file descriptor itself.
 *
 * @example createLogger(config, process.stdout).info({ address }, 'arc is serving')
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'nodeId' | 'nodeEnv'>, destination: LogDestination): Logger {
  const options = { level: config.logLevel, base: { node: config.nodeId } };
  if (destination.isTTY === true && config.nodeEnv !== 'production') {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: destination.fd ?? 1 } } });
  }
  return pino(options, destination);
}
