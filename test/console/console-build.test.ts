import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import t, { type Test } from 'tap';
import { consoleBuild, registerStaticRoutes } from '../../src/console/static-routes.js';

/** A folder with the page's two files. */
function webDir(t: Test, script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'arc-web-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script src="console/console.js"></script>');
  writeFileSync(join(dir, 'console.js'), script);
  return dir;
}

t.test("the console build is the hash of the files this process serves, not of the disk now", async (t) => {
  const dir = webDir(t, 'console.log(1);');
  const twin = webDir(t, 'console.log(1);');

  const served = Fastify();
  t.teardown(() => served.close());
  registerStaticRoutes(served, dir);
  // An upgrade replaces the files under the running process before any console has connected
  // (the first hello asks for the build): it still serves the old page, and must say so.
  writeFileSync(join(dir, 'console.js'), 'console.log(2);');
  t.equal((await served.inject({ url: '/console/console.js' })).body, 'console.log(1);');
  const build = consoleBuild(dir);
  t.match(build, /^[0-9a-f]{16}$/);
  const original = Fastify();
  t.teardown(() => original.close());
  registerStaticRoutes(original, twin);
  t.equal(build, consoleBuild(twin), 'the build of the page it serves (the same files elsewhere give the same build)');

  // The next process serves the new files: another build, so an open page reloads.
  const next = Fastify();
  t.teardown(() => next.close());
  registerStaticRoutes(next, dir);
  t.not(consoleBuild(dir), build, 'a changed file is another build');
});
