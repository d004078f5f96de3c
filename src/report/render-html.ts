import { escapeHtml } from './escape-html.js';
import { htmlPage, htmlSection, htmlTable, note, type HtmlCell } from './html-parts.js';
import type { AckTimes, DeadlineFigures, MonthlyReport } from './monthly-report.js';
import { iso, percent, rounded } from './report-labels.js';
import { share } from './report-stats.js';
import { svgBarChart } from './svg-bar-chart.js';

/** Rows the page lists of a long table (all of them are in the CSV and JSON). */
const TABLE_ROWS = 50;
/** Bars in a chart of a long table. */
const CHART_BARS = 20;

/**
 * The report as one self-contained HTML page (Chinese and English labels, inline SVG bar
 * charts): no script, nothing loaded from elsewhere, every text escaped.
 */
export function renderHtml(r: MonthlyReport): string {
  const p = r.period;
  const title = `月度服务质量报告 Monthly service-quality report ${p.month}`;
  const header =
    `<h1>${escapeHtml(title)}</h1>` +
    note(`${p.month} (${p.timeZone}) · ${iso(p.from)} – ${iso(p.until)}`) +
    (p.complete ? '' : note('本月尚未结束，数据截至上述时间 The month is not over: figures up to the time above', 'warn'));
  return htmlPage(title, [header, summary(r), online(r), forwards(r), alarms(r), falseAlarms(r), falseDispatches(r), acknowledgement(r), arrivals(r), maintenance(r), complaints(r)].join('\n'));
}

function summary(r: MonthlyReport): string {
  const shares: [string, number | null][] = [
    ['在线率 online rate', r.online.rate],
    ['转110真实 110 forwards real', r.forwards110.realShare],
    ['护卫按时 guards on time', r.guardArrivals.share],
    ['工单响应 tickets: response', r.maintenance.response.share],
    ['工单修复 tickets: repair', r.maintenance.repair.share],
    ['投诉按时 complaints replied', r.complaints.reply.share],
  ];
  const chart = svgBarChart(
    shares.filter(([, s]) => s !== null).map(([label, s]) => ({ label, value: s! * 100, text: percent(s) })),
    { title: '各项比率 shares', max: 100, marker: { value: r.online.threshold * 100, label: `${percent(r.online.threshold)}` } },
  );
  const rows: HtmlCell[][] = shares.map(([label, s]) => [label, percent(s)]);
  return htmlSection('summary', chart, htmlTable(['指标 figure', '数值 value'], rows, { rowClass: (i) => (i === 0 && r.online.warning ? 'warn' : undefined) }));
}

function online(r: MonthlyReport): string {
  const o = r.online;
  const figure = note(`在线率 online rate ${percent(o.rate)} · 在网用户 accounts in service ${o.accounts} · 掉线 offline ${rounded(o.offlineAccountSeconds / 60)} min`, o.warning ? 'warn' : 'note');
  const warning = o.warning ? note(`低于 ${percent(o.threshold)} below the threshold`, 'warn') : '';
  const chart = svgBarChart(o.worstAccounts.map((a) => ({ label: `${a.account} ${a.customerName ?? ''}`, value: a.offlineMinutes, text: `${rounded(a.offlineMinutes)} min` })), { title: 'offline minutes' });
  const table = htmlTable(['用户编号 account', '客户 customer', '掉线分钟 offline min', '在线率 online rate'], o.worstAccounts.map((a) => [a.account, a.customerName, rounded(a.offlineMinutes), percent(a.rate)]));
  return htmlSection('online', figure, warning) + htmlSection('offline_accounts', chart, table);
}

function forwards(r: MonthlyReport): string {
  const f = r.forwards110;
  const rows: HtmlCell[][] = [
    ['转110 forwarded', f.forwarded],
    ['真实 real', f.real],
    ['误报 false alarm', f.falseAlarm],
    ['测试 test', f.test],
    ['无法确定 undetermined', f.undetermined],
    ['月底未结案 open at month end (undecided)', f.open],
    ['真实率 real share', percent(f.realShare)],
  ];
  return htmlSection('forwards_110', htmlTable(['', '数量 count'], rows));
}

function alarms(r: MonthlyReport): string {
  const a = r.alarms;
  const chart = svgBarChart(a.byAccount.slice(0, CHART_BARS).map((x) => ({ label: `${x.account} ${x.customerName ?? ''}`, value: x.alarms })), { title: 'alarms per account' });
  const table = htmlTable(['用户编号 account', '客户 customer', '警情 incidents', '报警 alarms'], a.byAccount.slice(0, TABLE_ROWS).map((x) => [x.account, x.customerName, x.incidents, x.alarms]));
  return htmlSection('alarms_by_account', note(`警情 incidents ${a.incidents} · 报警 alarms ${a.alarms}`), chart, table, more(a.byAccount.length));
}

function falseAlarms(r: MonthlyReport): string {
  const rows = r.falseAlarms.byCustomer;
  const chart = svgBarChart(rows.slice(0, CHART_BARS).map((c) => ({ label: customer(c), value: c.falseAlarms })), { title: 'false alarms per customer' });
  const table = htmlTable(['客户 customer', '误报 false alarms', '用户误操作 user', '设备误报 device'], rows.slice(0, TABLE_ROWS).map((c) => [customer(c), c.falseAlarms, c.userFalseAlarms, c.deviceFalseAlarms]));
  return htmlSection('false_alarms_by_customer', note(`合计 total ${r.falseAlarms.total}`), chart, table, more(rows.length));
}

function falseDispatches(r: MonthlyReport): string {
  const d = r.falseDispatches;
  const chart = svgBarChart(d.byCustomer.slice(0, CHART_BARS).map((c) => ({ label: customer(c), value: c.falseDispatches })), { title: 'false dispatches per customer', marker: { value: d.billableOver, label: `${d.billableOver}` } });
  const table = htmlTable(
    ['客户 customer', '出勤误报 false dispatches', '计费 billable'],
    d.byCustomer.map((c) => [customer(c), c.falseDispatches, c.billable ? '是 yes' : '否 no']),
    { rowClass: (i) => (d.byCustomer[i]!.billable ? 'warn' : undefined) },
  );
  return htmlSection('false_dispatches_by_customer', note(`合计 total ${d.total}; 当月超过 ${d.billableOver} 次按标准合同计费 more than ${d.billableOver} in the month are billable`), chart, table);
}

function acknowledgement(r: MonthlyReport): string {
  const a = r.acknowledgement;
  const header = ['count', 'p50 s', 'p90 s', 'max s'];
  const cells = (t: AckTimes): HtmlCell[] => [t.count, rounded(t.p50Seconds), rounded(t.p90Seconds), rounded(t.maxSeconds)];
  const chart = svgBarChart(
    a.byEventClass.flatMap((c) => [
      { label: `${c.eventClass} p50`, value: c.p50Seconds ?? 0, text: `${rounded(c.p50Seconds)} s` },
      { label: `${c.eventClass} p90`, value: c.p90Seconds ?? 0, text: `${rounded(c.p90Seconds)} s` },
    ]),
    { title: 'seconds from receipt to acknowledgement' },
  );
  return (
    htmlSection('acknowledgement_by_event_class', note(`全部 all: ${a.all.count}, p50 ${rounded(a.all.p50Seconds)} s, p90 ${rounded(a.all.p90Seconds)} s, max ${rounded(a.all.maxSeconds)} s`), chart, htmlTable(['事件类别 event class', ...header], a.byEventClass.map((c) => [c.eventClass, ...cells(c)]))) +
    htmlSection('acknowledgement_by_priority', htmlTable(['优先级 priority', ...header], a.byPriority.map((c) => [c.priority, ...cells(c)])))
  );
}

function arrivals(r: MonthlyReport): string {
  const g = r.guardArrivals;
  const rows: HtmlCell[][] = [
    ['合同到达时间 contracted', g.contracted.arrivals, g.contracted.withinDeadline, percent(share(g.contracted.withinDeadline, g.contracted.arrivals))],
    ['预计到达时间 predicted (no contract)', g.predicted.arrivals, g.predicted.withinDeadline, percent(share(g.predicted.withinDeadline, g.predicted.arrivals))],
    ['合计 all', g.arrivals, g.withinDeadline, percent(g.share)],
  ];
  return htmlSection('guard_arrivals', htmlTable(['时限 deadline', '到达 arrivals', '按时 within', '比率 share'], rows));
}

function maintenance(r: MonthlyReport): string {
  const m = r.maintenance;
  const row = (label: string, x: { opened: number; response: DeadlineFigures; repair: DeadlineFigures }): HtmlCell[] => [label, x.opened, ...deadline(x.response), ...deadline(x.repair)];
  const header = ['级别 level', '工单 opened', '响应按时 response met', '超时 missed', '未到期 pending', '比率 share', '修复按时 repair met', '超时 missed', '未到期 pending', '比率 share'];
  return htmlSection('maintenance_by_level', htmlTable(header, [...m.byLevel.map((l) => row(l.level, l)), row('合计 all', m)]));
}

function complaints(r: MonthlyReport): string {
  const c = r.complaints;
  return htmlSection('complaints', htmlTable(['投诉 received', '48小时内答复 replied in 48 h', '超时 missed', '未到期 pending', '比率 share'], [[c.received, ...deadline(c.reply)]]));
}

function deadline(d: DeadlineFigures): HtmlCell[] {
  return [d.met, d.missed, d.pending, percent(d.share)];
}

function customer(c: { customerId: string | null; customerName: string | null }): string {
  return c.customerName ?? c.customerId ?? '无客户资料 no customer card';
}

function more(total: number): string {
  return total > TABLE_ROWS ? note(`前 ${TABLE_ROWS} / 共 ${total}: the first ${TABLE_ROWS} of ${total}; the CSV and JSON have all`) : '';
}
