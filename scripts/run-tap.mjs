// Runs tap and ends with the plain line CI reads: "N passed, N failed, N skipped".
// tap's own closing line is "# { total: …, pass: …, fail: … }", which CI does not recognise.
import { spawn } from 'node:child_process';

const child = spawn(process.execPath, ['node_modules/tap/dist/esm/run.mjs', ...process.argv.slice(2)], {
  stdio: ['inherit', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0' },
});
let tail = '';
child.stdout.on('data', (d) => {
  process.stdout.write(d);
  tail = (tail + d.toString()).slice(-4096);
});
child.on('close', (code, signal) => {
  const last = [...tail.matchAll(/^# \{ (total: [^}]*) \}\s*$/gm)].at(-1)?.[1] ?? '';
  const n = Object.fromEntries([...last.matchAll(/(\w+): (\d+)/g)].map((m) => [m[1], Number(m[2])]));
  // A non-zero exit with no failed assertion (a crashed file, a coverage miss) still counts as a failure.
  const failed = (n.fail ?? 0) + (code !== 0 && !n.fail ? 1 : 0);
  console.log(`\n${n.pass ?? 0} passed, ${failed} failed, ${(n.skip ?? 0) + (n.todo ?? 0)} skipped`);
  process.exit(code ?? (signal ? 1 : 0));
});
