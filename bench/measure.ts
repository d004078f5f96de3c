import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Measures how many times a second one operation runs on one core: a warm-up, then several
 * timed rounds of at least `roundMs` each; prints the median and the spread of the rounds.
 * A result is kept in a sink so the engine cannot drop the work.
 */
export interface Measurement {
  name: string;
  opsPerSecond: number;
  nsPerOp: number;
  min: number;
  max: number;
}

let sink: unknown;

export function measure(name: string, op: (i: number) => unknown, { rounds = 5, roundMs = 1000 } = {}): Measurement {
  for (let i = 0; i < 200_000; i++) sink = op(i);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < roundMs * 1e6) {
      for (let i = 0; i < 10_000; i++) sink = op(n + i);
      n += 10_000;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    rates.push(n / (elapsed / 1e9));
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  return { name, opsPerSecond: median, nsPerOp: 1e9 / median, min: rates[0]!, max: rates.at(-1)! };
}

export function report(m: Measurement, goal?: number): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const verdict = goal === undefined ? '' : m.opsPerSecond >= goal ? `  goal ${fmt(goal)}/s: met` : `  goal ${fmt(goal)}/s: NOT met`;
  return `${m.name.padEnd(34)} ${fmt(m.opsPerSecond).padStart(12)} /s  ${m.nsPerOp.toFixed(0).padStart(6)} ns/op  (rounds ${fmt(m.min)}–${fmt(m.max)})${verdict}`;
}

export function keepAlive(): unknown {
  return sink;
}

/**
 * Where the CPU went during a load test, from /proc (Linux; elsewhere every figure is null):
 * this process, some child processes, every PostgreSQL process, and the whole machine, so that
 * a result says which side was busy and how much of the machine others were using.
 */
export interface CpuShare {
  /** Each in % of one core over the window. */
  self: number;
  children: number;
  postgres: number | null;
  /** Everything else on the machine (other engineers' tests, PostgreSQL's own background work, the kernel's). */
  others: number | null;
  cores: number;
}

interface ProcTimes {
  database: string | null;
  self: NodeJS.CpuUsage;
  postgres: number | null;
  machineBusy: number | null;
  at: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * Start of a window; `cpuShare(start, childTicks)` ends it. `database`: count only the PostgreSQL
 * backends serving it (their title names it), not other users' of the same server.
 */
export function cpuMark(database: string | null): ProcTimes {
  return { database, self: process.cpuUsage(), postgres: database === null ? null : postgresTicks(database), machineBusy: machineBusyTicks(), at: performance.now() };
}

export function cpuShare(start: ProcTimes, childTicks: number): CpuShare {
  const end = cpuMark(start.database);
  const seconds = (end.at - start.at) / 1000;
  const pct = (ticks: number) => Math.round((ticks / CLOCK_TICKS / seconds) * 100);
  const used = process.cpuUsage(start.self);
  const self = Math.round(((used.user + used.system) / 1e6 / seconds) * 100);
  const postgres = end.postgres === null || start.postgres === null ? null : pct(Math.max(0, end.postgres - start.postgres));
  const machine = end.machineBusy === null || start.machineBusy === null ? null : pct(end.machineBusy - start.machineBusy);
  const children = pct(childTicks);
  const others = machine === null ? null : Math.max(0, machine - self - children - (postgres ?? 0));
  return { self, children, postgres, others, cores: availableParallelism() };
}

/** utime + stime of one process, in clock ticks; null once it is gone (or off Linux). */
export function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

function postgresTicks(database: string): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  let ticks = 0;
  for (const pid of pids) {
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (!title.startsWith('postgres') || !title.includes(` ${database} `)) continue;
    } catch {
      continue;
    }
    ticks += processTicks(Number(pid)) ?? 0;
  }
  return ticks;
}

function machineBusyTicks(): number | null {
  try {
    const cpu = readFileSync('/proc/stat', 'latin1').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    return cpu.slice(0, 8).reduce((a, b) => a + b, 0) - cpu[3]! - cpu[4]!;
  } catch {
    return null;
  }
}
