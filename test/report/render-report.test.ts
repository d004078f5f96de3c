import t from 'tap';
import { parseCsv } from '../../src/customers/csv-records.js';
import { computeMonthlyReport } from '../../src/report/compute-monthly-report.js';
import type { MonthlyInput } from '../../src/report/monthly-input.js';
import { csvField } from '../../src/report/render-csv.js';
import { renderReport } from '../../src/report/report-format.js';
import { fixtureMonth, NOVEMBER } from './fixture-month.js';

/** The fixture month with customer names chosen to break a careless renderer. */
function hostileMonth(name: string): MonthlyInput {
  const input = fixtureMonth();
  const rename = <T extends { customerId: string | null; customerName: string | null }>(x: T): T => (x.customerId === 'c1' ? { ...x, customerName: name } : x);
  return { ...input, accounts: input.accounts.map(rename), incidents: input.incidents.map(rename), dispatchOrders: input.dispatchOrders.map(rename) };
}

t.test('CSV: one section per table, a blank line between, a header row each, RFC 4180 quoting', async (t) => {
  const name = '=HYPERLINK("http://x"),东方 "超市"';
  const { body, contentType, fileName } = renderReport(computeMonthlyReport(hostileMonth(name), { ...NOVEMBER, complete: true }), 'csv');
  t.equal(contentType, 'text/csv; charset=utf-8');
  t.equal(fileName, 'arc-report-2026-11.csv');
  t.notOk(/[^\r]\n/.test(body), 'every line ends in CRLF');
  const sections = body.split('\r\n\r\n');
  const keys = sections.map((s) => parseCsv(s).records[0]!.fields[0]);
  t.same(keys, ['summary', 'offline_accounts', 'alarms_by_account', 'false_alarms_by_customer', 'false_dispatches_by_customer', 'acknowledgement_by_event_class', 'acknowledgement_by_priority', 'guard_arrivals', 'maintenance_by_level']);
  const table = (key: string) => parseCsv(sections[keys.indexOf(key)]!).records.slice(1).map((r) => r.fields);
  const summary = new Map(table('summary').slice(1).map(([k, v]) => [k, v]));
  t.equal(summary.get('online_rate'), '0.9405', '98.75 / 105, four decimals');
  t.equal(summary.get('online_rate_under_threshold'), 'true');
  t.equal(summary.get('forwards_110_real_share'), '0.5');
  t.equal(summary.get('ticket_repair_pending'), '1');
  t.equal(summary.get('complaint_reply_share'), '0.3333');
  t.same(table('false_dispatches_by_customer'), [
    ['customer_id', 'customer', 'false_dispatches', 'billable'],
    ['c1', `'${name}`, '3', 'true'],
    ['c2', '工商银行', '2', 'false'],
    ['', '', '1', 'false'],
  ], 'the header, then the rows; a name that a spreadsheet would run as a formula is quoted and defused');
  t.same(table('acknowledgement_by_event_class')[1], ['alarm', '8', '30', '300', '300']);
  t.same(table('maintenance_by_level').at(-1), ['all', '4', '1', '3', '0', '0.25', '2', '1', '1', '0.6667']);
  t.same([csvField('a,b'), csvField('say "hi"'), csvField('two\nlines'), csvField(null), csvField(false), csvField('-1')], ['"a,b"', '"say ""hi"""', '"two\nlines"', '', 'false', "'-1"]);
});

t.test('HTML: one self-contained page, charts as inline SVG, every text escaped', async (t) => {
  const name = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
  const { body, contentType } = renderReport(computeMonthlyReport(hostileMonth(name), { ...NOVEMBER, complete: true }), 'html');
  t.equal(contentType, 'text/html; charset=utf-8');
  t.match(body, /^<!doctype html>/);
  t.notMatch(body, /<script/i, 'no script, not even the customer name');
  t.notMatch(body, /<img/i);
  t.match(body, '&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#60;img src=x onerror=alert(1)&#62;', 'the name, escaped');
  t.notMatch(body, /\s(src|href)="|<link|url\(/i, 'nothing loaded from elsewhere');
  t.ok((body.match(/<svg /g) ?? []).length >= 5, 'bar charts');
  for (const label of ['在线率 online rate', '各客户误报数 false alarms per customer', '护卫按时到达 guard arrivals within the contracted time', '投诉按时处理 complaints handled within deadline']) t.match(body, label);
  t.match(body, '<tr class="warn"><td>在线率 online rate</td><td>94.0 %</td></tr>', 'the online rate under 95 % is flagged');
  t.match(body, /<tr class="warn"><td>&#60;script/, 'the billable customer is flagged');
});

t.test('JSON: the report object, times as ISO 8601', async (t) => {
  const report = computeMonthlyReport(fixtureMonth(), { ...NOVEMBER, complete: true });
  const parsed = JSON.parse(renderReport(report, 'json').body);
  t.same(parsed.period, { month: '2026-11', timeZone: 'Asia/Shanghai', from: '2026-10-31T16:00:00.000Z', until: '2026-11-30T16:00:00.000Z', complete: true });
  t.same(parsed.falseDispatches, report.falseDispatches);
  t.same(parsed.online, report.online);
});
