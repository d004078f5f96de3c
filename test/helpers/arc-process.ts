import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { Test } from 'tap';
import { runCli } from '../../src/cli/main.js';
import { repoRoot } from './vectors.js';

/** The command line as a user runs it: bin/arc on the compiled dist/ (npm test builds it first). */
export const arcBin = join(repoRoot, 'bin', 'arc');

/**
 * The environment for a child `bin/arc`: this one without tap's loader options, which would
 * make the child load tap's TypeScript hooks into plain compiled JavaScript.
 */
export function arcEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  for (const name of Object.keys(env)) if (name.startsWith('TAP')) delete env[name];
  return env;
}

/** `bin/arc` in this process: argv, environment, and what it wrote (logs silent unless asked). */
export async function runArc(argv: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdin: Readable.from(['']),
    stdout: new Writable({ write: (c, _e, done) => ((stdout += String(c)), done()) }),
    stderr: new Writable({ write: (c, _e, done) => ((stderr += String(c)), done()) }),
    env: { ARC_LOG_LEVEL: 'silent', ...env },
  });
  return { code, stdout, stderr };
}

/**
 * `bin/arc serve` as a child process on free ports of 127.0.0.1, resolved once it says it is
 * serving; killed (SIGKILL) at the test's end if still running. `output()`: what it wrote so far.
 */
export async function spawnArcServe(t: Test, env: Record<string, string>): Promise<{ child: ChildProcessWithoutNullStreams; address: string; dc09Port: number; output: () => string }> {
  const child = spawn(process.execPath, [arcBin, 'serve'], {
    env: arcEnv({ ARC_HTTP_PORT: '0', ARC_HTTP_HOST: '127.0.0.1', ARC_DC09_PORT: '0', ARC_DC09_HOST: '127.0.0.1', NODE_ENV: 'production', ...env }),
    stdio: 'pipe',
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const [address, dc09Port] = await new Promise<[string, number]>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"address":"([^"]+)","dc09Port":(\d+).*"msg":"arc is serving"/.exec(out);
      if (m) resolve([m[1]!.replace('0.0.0.0', '127.0.0.1'), Number(m[2])]);
    });
    child.on('exit', (code) => reject(new Error(`arc serve exited ${code}: ${out}`)));
  });
  return { child, address, dc09Port, output: () => out };
}
