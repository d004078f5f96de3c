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
