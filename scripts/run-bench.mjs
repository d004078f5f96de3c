// npm run bench -- NAME: builds, then runs dist/bench/NAME.js (compiled, as production runs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const names = readdirSync('bench').filter((f) => f.endsWith('.ts') && !f.startsWith('measure')).map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- NAME [options]\nbenchmarks: ${names.join(', ')}`);
  process.exit(2);
}
const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (build.status !== 0 || !existsSync(`dist/bench/${name}.js`)) process.exit(build.status || 1);
const run = spawnSync(process.execPath, [`dist/bench/${name}.js`, ...rest], { stdio: 'inherit' });
process.exit(run.status ?? 1);
