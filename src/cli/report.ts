import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../report/report-format.js';
import type { Command, CommandIo } from './command.js';

const usage = `Usage: arc report monthly --month YYYY-MM [--format json|csv|html] [--out FILE] [--time-zone ZONE] [--config FILE]

The monthly service-quality report (月度服务质量报告) of one calendar month of the centre: the
online rate and the accounts that pulled it down, the share of 110 forwards that were real,
alarms per account, false alarms per customer, false dispatches per customer (more than 2 in the
month: billable), receipt to acknowledgement by event class, guard arrivals, maintenance tickets
and complaints within their deadlines. A month still running is reported up to now.

Reads the database arc uses: DATABASE_URL when set, else the embedded database in ARC_DATA_DIR
(default ./data), which can be read only while no server holds it.

  --month YYYY-MM   the month, in the centre's time zone (required)
  --format F        json (default), csv (one section per table) or html (a page with charts)
  --out FILE        write to FILE instead of standard output
  --time-zone ZONE  the centre's time zone (default Asia/Shanghai), an IANA name
  --config FILE     JSON file of settings; the environment overrides it (same as ARC_CONFIG)

Exit status 0; 1 when the database cannot be read; 2 when an option is wrong (BAD_MONTH,
BAD_TIME_ZONE, MONTH_NOT_STARTED).`;

interface Options {
  month: string;
  format: ReportFormat;
  out: string | undefined;
  timeZone: string | undefined;
  configFile: string | undefined;
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'the monthly service-quality report (`arc report monthly --month YYYY-MM`)',
  usage,
  async run(args: string[], io: CommandIo): Promise<number> {
    const options = readOptions(args);
    if ('error' in options) {
      io.stderr.write(`arc report: ${options.error}\n\n${usage}\n`);
      return 2;
    }
    // Loaded here, not at the top: `arc --help` should not load a database driver.
    const [{ ReportError }, { reportMonth }] = await Promise.all([import('../report/report-error.js'), import('../report/report-month.js')]);
    try {
      reportMonth(options.month, options.timeZone); // a bad month or zone is told before the database is opened
      const config = loadConfig(io.env, options.configFile);
      if (!config.databaseUrl && !existsSync(config.dataDir)) throw Object.assign(new Error(`there is no embedded database in ${config.dataDir} (set ARC_DATA_DIR to arc's data directory, or DATABASE_URL)`), { code: 'NO_DATABASE' });
      const [{ openDatabase }, { monthlyReport }] = await Promise.all([import('../store/database.js'), import('../report/monthly-report-service.js')]);
      const store = await openDatabase(config);
      let body: string;
      try {
        const report = await monthlyReport(store.db, { month: options.month, ...(options.timeZone !== undefined && { timeZone: options.timeZone }), now: Date.now() });
        body = renderReport(report, options.format).body;
      } finally {
        await store.close();
      }
      if (options.out === undefined) io.stdout.write(body);
      else {
        await writeFile(options.out, body);
        io.stderr.write(`arc report: wrote ${options.out}\n`);
      }
      return 0;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      io.stderr.write(`arc report: ${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message}\n`);
      return err instanceof ReportError ? 2 : 1;
    }
  },
};

function readOptions(args: string[]): Options | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { month: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, 'time-zone': { type: 'string' }, config: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'monthly') return { error: `the command is "arc report monthly", got "arc report ${positionals.join(' ')}"` };
  if (values.month === undefined) return { error: 'say which month: --month YYYY-MM' };
  const format = values.format ?? 'json';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) return { error: `--format is json, csv or html, got "${format}"` };
  return { month: values.month, format: format as ReportFormat, out: values.out, timeZone: values['time-zone'], configFile: values.config };
}
