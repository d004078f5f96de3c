import { join } from 'node:path';
import { repoRoot } from './vectors.js';

/** The command line as a user runs it: bin/arc on the compiled dist/ (npm test builds it first). */
export const arcBin = join(repoRoot, 'bin', 'arc');

/**
 * The environment for a child `bin/arc`: this one without tap's loader options, which would
 * make the child load tap's TypeScript hooks into plain compiled JavaScript.
 */
export function arcEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  for (const name of Object.keys(env)) if (name.startsWith('TAP')) delete env[name];
  return env;
}
