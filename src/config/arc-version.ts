import { readFileSync } from 'node:fs';

/**
 * arc's version from its package.json, found by walking up from this file: the same code runs
 * from src/ (tsx, tests) and from dist/src/ (npm start), at different depths.
 */
export function readArcVersion(from: URL = new URL('.', import.meta.url)): string {
  for (let dir = from; ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'arc-server' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here (or not ours): keep walking up
    }
    if (dir.pathname === '/') return 'unknown';
  }
}
