import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../store/database-schema.js';
import { parseCsv } from './csv-records.js';
import { createCustomer, replaceCustomer } from './customer-changes.js';
import { checkCsvHeader, csvRowToCustomer } from './customer-csv.js';
import { CustomerError } from './customer-error.js';
import { customerInputSchema } from './customer-schemas.js';
import { customerIdsOfAccounts } from './customer-store.js';

/** One customer read from an import file, located for the report: `line 4` (CSV) or `item 2` (JSON). */
export type ImportRow = { where: string; value: unknown } | { where: string; error: string };

export interface ImportReport {
  imported: { where: string; id: string; name: string; action: 'created' | 'updated' }[];
  rejected: { where: string; reason: string }[];
  dryRun: boolean;
}

/**
 * Reads a JSON (an array of customers as the API takes them) or CSV file into rows. A file that
 * cannot be read at all (not JSON, no header) is an error of its own.
 */
export function readImportRows(text: string, format: 'json' | 'csv'): { rows: ImportRow[] } | { error: string } {
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return { error: `not JSON: ${(err as Error).message}` };
    }
    if (!Array.isArray(parsed)) return { error: 'the JSON file must hold an array of customers' };
    return { rows: parsed.map((value: unknown, i) => ({ where: `item ${i + 1}`, value })) };
  }
  const { records, error } = parseCsv(text);
  const [header, ...data] = records;
  if (!header) return { error: error ? `line ${error.line}: ${error.message}` : 'the CSV file is empty: it needs a header row' };
  const problems = checkCsvHeader(header.fields);
  if (problems.length > 0) return { error: `line ${header.line}: ${problems.join('; ')}` };
  const rows: ImportRow[] = data.map((record) => {
    const read = csvRowToCustomer(header.fields, record.fields);
    return 'error' in read ? { where: `line ${record.line}`, error: read.error } : { where: `line ${record.line}`, value: read.value };
  });
  // The rows before an unclosed quote are still imported; the rest are reported as one.
  if (error) rows.push({ where: `line ${error.line}`, error: `${error.message}: this and the following lines were not read` });
  return { rows };
}

/** The format a file name says, else what its first character says. */
export function importFormatOf(fileName: string, text: string): 'json' | 'csv' {
  if (/\.json$/i.test(fileName)) return 'json';
  if (/\.csv$/i.test(fileName)) return 'csv';
  return /^\uFEFF?\s*[[{]/.test(text) ? 'json' : 'csv';
}

/**
 * Validates every row with the API's schema and imports the good ones, each in its own
 * transaction, audited with actor `import`. A customer is matched by its account numbers, so a
 * second import of the same file updates instead of duplicating. Bad rows never stop the rest.
 */
export async function importCustomers(db: Kysely<Database>, rows: ImportRow[], options: { now: () => Date; source: string; dryRun?: boolean }): Promise<ImportReport> {
  const report: ImportReport = { imported: [], rejected: [], dryRun: options.dryRun ?? false };
  for (const row of rows) {
    if ('error' in row) {
      report.rejected.push({ where: row.where, reason: row.error });
      continue;
    }
    const parsed = customerInputSchema.safeParse(row.value);
    if (!parsed.success) {
      report.rejected.push({ where: row.where, reason: describeIssues(parsed.error) });
      continue;
    }
    const input = parsed.data;
    const ctx = { actor: 'import', now: options.now(), note: { source: options.source, row: row.where }, dryRun: options.dryRun ?? false };
    try {
      const owners = await customerIdsOfAccounts(db, input.accounts.map((a) => a.number));
      if (owners.length > 1) throw new CustomerError('ACCOUNTS_SPLIT', `the accounts belong to ${owners.length} different customers: import them separately`);
      const view = owners[0] === undefined ? await createCustomer(db, input, ctx) : await replaceCustomer(db, owners[0], input, ctx);
      report.imported.push({ where: row.where, id: view.id, name: view.name, action: owners[0] === undefined ? 'created' : 'updated' });
    } catch (err) {
      report.rejected.push({ where: row.where, reason: err instanceof CustomerError ? `${err.code}: ${err.message}` : `database refused: ${(err as Error).message}` });
    }
  }
  return report;
}

/** `zones.2.type: Invalid option…; accounts: …`: every problem of a row, with where it is. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(row)'}: ${i.message}`).join('; ');
}

export function formatImportReport(report: ImportReport): string {
  const verb = report.dryRun ? 'would import' : 'imported';
  const lines = [
    `${verb} ${report.imported.length} (${report.imported.filter((r) => r.action === 'created').length} new, ${report.imported.filter((r) => r.action === 'updated').length} updated), rejected ${report.rejected.length}${report.dryRun ? ' (dry run: nothing written)' : ''}`,
    ...report.imported.map((r) => `  ${r.action === 'created' ? 'new    ' : 'updated'} ${r.where}: ${r.name}${report.dryRun ? '' : ` (${r.id})`}`),
    ...report.rejected.map((r) => `  REJECTED ${r.where}: ${r.reason}`),
  ];
  return `${lines.join('\n')}\n`;
}
