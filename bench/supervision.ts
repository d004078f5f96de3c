// npm run bench -- supervision [--accounts 100000] [--interval 90] [--span 360] [--speed 6]
//
// The heartbeat supervisor under a centre's load: N accounts reporting every `interval` seconds
// (100,000 at 90 s: 1,111 reports/s), ticked once a simulated second, 1 % of them silent for a
// while (late, then restored). Time is the supervisor's injected clock: a simulated clock that
// runs `speed` times faster than the real one, driven by a real 10 ms timer, so the process does
// in span/speed seconds what a centre does in `span` seconds. Every report is made into a journal
// entry and classified as the supervision consumer does (the database is not measured here).
//
// Printed: CPU time of this process (process.cpuUsage, user + system) over the simulated span,
// i.e. the share of one core the supervisor would take at the real rate; and memory (RSS and
// heap used) after the accounts are configured and at the end. Goals: ≤ 10 % of one core, ≤ 150 MB.
import type { JournalEntry } from '../src/journal/reception.js';
import { reportKindOf } from '../src/supervision/report-kind.js';
import { Supervisor } from '../src/supervision/supervisor.js';

const args = new Map<string, number>();
for (let i = 2; i + 1 < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), Number(process.argv[i + 1]));
const ACCOUNTS = args.get('accounts') ?? 100_000;
const INTERVAL_MS = (args.get('interval') ?? 90) * 1000;
const SPAN_MS = (args.get('span') ?? 360) * 1000;
const SPEED = args.get('speed') ?? 6;
const SILENT_FROM = 120_000;
const SILENT_UNTIL = Math.min(SPAN_MS - 30_000, 300_000);

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const baseline = process.memoryUsage();
const T0 = Date.parse('2026-11-23T08:00:00Z');
const accounts = Array.from({ length: ACCOUNTS }, (_, i) => String(100_000 + i));
const supervisor = new Supervisor();
const setupStart = process.hrtime.bigint();
for (const account of accounts) supervisor.configure(account, { intervalMs: INTERVAL_MS, graceMs: INTERVAL_MS, countsAs: 'any', inService: true }, T0);
const setupMs = Number(process.hrtime.bigint() - setupStart) / 1e6;
const afterSetup = process.memoryUsage();

// Report k is account k mod N at T0 + k * interval / N: the load spread evenly, as panels are.
const step = INTERVAL_MS / ACCOUNTS;
const nullFrame = { token: 'NULL' };
let k = 0;
let reports = 0;
let lastTick = T0;
const counts = { late: 0, restored: 0 };
let lowest = 1;

function feed(until: number) {
  for (let at = T0 + k * step; at <= until; at = T0 + ++k * step) {
    const i = k % ACCOUNTS;
    const offset = at - T0;
    if (i % 100 === 0 && offset >= SILENT_FROM && offset < SILENT_UNTIL) continue;
    const entry: Pick<JournalEntry, 'account' | 'receivedAt' | 'frame' | 'events'> = { account: accounts[i]!, receivedAt: at, frame: nullFrame, events: [] };
    for (const e of supervisor.report(entry.account!, entry.receivedAt, reportKindOf(entry))) counts[e.kind as 'restored']++;
    reports++;
  }
  for (; lastTick + 1000 <= until; lastTick += 1000) {
    for (const e of supervisor.tick(lastTick + 1000)) counts[e.kind as 'late']++;
    lowest = Math.min(lowest, supervisor.live().rate ?? 1);
  }
}

console.log(`node ${process.version}: ${ACCOUNTS.toLocaleString('en-US')} accounts every ${INTERVAL_MS / 1000} s (${Math.round(ACCOUNTS / (INTERVAL_MS / 1000)).toLocaleString('en-US')} reports/s), ${SPAN_MS / 1000} s simulated at ${SPEED}× (${(SPAN_MS / SPEED / 1000).toFixed(0)} s real)`);
console.log(`configured in ${setupMs.toFixed(0)} ms`);
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const simulated = Math.min(SPAN_MS, (performance.now() - wallStart) * SPEED);
    feed(T0 + simulated);
    if (simulated >= SPAN_MS) {
      clearInterval(timer);
      resolve();
    }
  }, 10);
});
const cpu = process.cpuUsage(cpuStart);
const wallMs = performance.now() - wallStart;
const end = process.memoryUsage();
const cpuMs = (cpu.user + cpu.system) / 1000;
const share = cpuMs / SPAN_MS;

console.log(`reports fed: ${reports.toLocaleString('en-US')}; late: ${counts.late}, restored: ${counts.restored}; lowest live rate ${(lowest * 100).toFixed(1)} %`);
console.log(`CPU: ${cpuMs.toFixed(0)} ms over ${SPAN_MS / 1000} s simulated = ${(share * 100).toFixed(2)} % of one core at the real rate (${((cpuMs / wallMs) * 100).toFixed(1)} % of the accelerated run's ${(wallMs / 1000).toFixed(1)} s)  goal ≤ 10 %: ${share <= 0.1 ? 'met' : 'NOT met'}`);
console.log(`memory: RSS ${mb(baseline.rss)} at start, ${mb(afterSetup.rss)} configured, ${mb(end.rss)} at the end; heap used ${mb(afterSetup.heapUsed)} configured (${mb(afterSetup.heapUsed - baseline.heapUsed)} for the supervisor), ${mb(end.heapUsed)} at the end  goal ≤ 150 MB: ${Math.max(afterSetup.rss, end.rss) <= 150 * 2 ** 20 ? 'met' : 'NOT met'}`);
