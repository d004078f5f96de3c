import { readFile } from 'node:fs/promises';
import { parseCfskTable, type CfskEventTable } from '../../protocols/receiver-output/index.js';

/**
 * A receiver's CFSK event table from the JSON file its setting names. A table that cannot be
 * read stops the receiver's start: guessing event meanings could turn a hold-up into a trouble.
 */
export async function loadCfskTable(path: string): Promise<CfskEventTable> {
  const parsed = parseCfskTable(await readFile(path, 'utf8'));
  if (!parsed.ok) throw new Error(`CFSK table ${path}: ${parsed.error.message}`);
  return parsed.value;
}
