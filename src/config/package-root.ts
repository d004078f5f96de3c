import { readFileSync } from 'node:fs';

/**
 * arc's package directory (the one whose package.json is arc's), found by walking up from
 * `from`: the same code runs from src/ (tsx, tests) and from dist/src/ (npm start), at different
 * depths. Undefined if arc is not found (a bundled copy, say).
 */
export function packageRoot(from: URL): { dir: URL; version: string } | undefined {
  for (let dir = from; ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'arc-server' && typeof pkg.version === 'string') return { dir, version: pkg.version };
    } catch {
      // no package.json here (or not ours): keep walking up
    }
    if (dir.pathname === '/') return undefined;
  }
}
