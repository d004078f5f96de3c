import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { peekSpoolDepth, SpoolFile, SpoolFullError } from '../../src/journal/spool/spool-file.js';

t.test('the spool file: appends synced in groups, read back in order, drained by offset, emptied when all is drained', async (t) => {
  const path = join(t.testdir({}), 'node-a.jsonl');
  const spool = await SpoolFile.open(path, { maxBytes: 1_000_000 });
  t.notOk(existsSync(path), 'opening creates nothing: a node whose database never fails has no spool file');
  t.equal(spool.depth, 0);

  const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ n: i, text: `line ${i} with "quotes" and 中文` }));
  await Promise.all(lines.map((line) => spool.append(line)));
  t.equal(spool.depth, 50);
  t.equal((await readFile(path, 'utf8')).split('\n').length, 51, 'one line each, newline-terminated');

  const first = await spool.read(20);
  t.same(first.lines, lines.slice(0, 20), 'oldest first, as many as asked');
  await spool.markDrained(first);
  t.equal(spool.depth, 30);
  t.equal(await peekSpoolDepth(path), 30, 'the drained offset is on disk');

  // A restart: what was drained stays drained.
  await spool.close();
  const again = await SpoolFile.open(path, { maxBytes: 1_000_000 });
  t.equal(again.depth, 30);
  const rest = await again.read(100);
  t.same(rest.lines, lines.slice(20));
  await again.append('{"late":true}');
  await again.markDrained(rest);
  t.equal(again.depth, 1, 'a line appended while draining is still to drain');
  t.ok((await stat(path)).size > 0, 'so the file is not emptied yet');
  const late = await again.read(100);
  t.same(late.lines, ['{"late":true}']);
  await again.markDrained(late);
  t.equal(again.depth, 0);
  t.equal((await stat(path)).size, 0, 'everything drained: the file is emptied');
  t.equal(await peekSpoolDepth(path), 0);
  await again.append('{"after":"empty"}');
  t.same((await again.read(10)).lines, ['{"after":"empty"}'], 'and used again from the start');
  await again.close();
});

t.test('a line cut short by a crash was never synced, so never ACKed: opening drops it', async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'node-b.jsonl');
  await writeFile(path, '{"n":1}\n{"n":2}\n{"n":3');
  t.equal(await peekSpoolDepth(path), 2, 'status counts whole lines only');
  const spool = await SpoolFile.open(path, { maxBytes: 1_000_000 });
  t.equal(spool.depth, 2);
  t.equal(await readFile(path, 'utf8'), '{"n":1}\n{"n":2}\n', 'the torn tail is cut off');
  await spool.append('{"n":4}');
  t.same((await spool.read(10)).lines, ['{"n":1}', '{"n":2}', '{"n":4}']);
  await spool.close();
});

t.test('an offset past the end (emptied, the offset not yet reset, then a crash) reads as the start', async (t) => {
  const path = join(t.testdir({}), 'node-c.jsonl');
  await writeFile(path, '{"n":1}\n');
  await writeFile(`${path}.offset`, '999');
  const spool = await SpoolFile.open(path, { maxBytes: 1_000_000 });
  t.same((await spool.read(10)).lines, ['{"n":1}']);
  await spool.close();
});

t.test('at its size bound the spool refuses: the receiver does not ACK, the sender retries', async (t) => {
  const path = join(t.testdir({}), 'node-d.jsonl');
  const spool = await SpoolFile.open(path, { maxBytes: 40 });
  await spool.append('x'.repeat(20));
  await t.rejects(spool.append('y'.repeat(20)), SpoolFullError, 'the line and its newline would pass 40 bytes');
  t.equal(spool.depth, 1);
  await t.rejects(Promise.all([spool.append('a'.repeat(9)), spool.append('b'.repeat(9))]), { code: 'SPOOL_FULL' }, 'lines waiting for their write count too');
  await spool.close();
});
