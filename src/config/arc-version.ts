import { packageRoot } from './package-root.js';

/** arc's version from its package.json. */
export function readArcVersion(from: URL = new URL('.', import.meta.url)): string {
  return packageRoot(from)?.version ?? 'unknown';
}
