import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, wherever the tests run from. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The project's verified test vectors. arc keeps a copy in fixtures/vectors so that a clone
 * tests itself; `sharedVectorsDir` is the team's original, which a test keeps the copy equal to.
 */
export const vectorsDir = join(repoRoot, 'fixtures', 'vectors');
export const sharedVectorsDir = join(repoRoot, '..', 'shared', 'vectors');
export const hasSharedVectors = existsSync(sharedVectorsDir);

export function loadVectors<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(join(vectorsDir, file), 'utf8')) as T;
}

/** A vector's exact bytes: `wire` is a JSON string of latin1 characters, `wire_hex` raw hex. */
export function wireBytes(v: { wire?: string; wire_hex?: string }): Buffer {
  if (v.wire_hex !== undefined) return Buffer.from(v.wire_hex, 'hex');
  return Buffer.from(v.wire ?? '', 'latin1');
}
