import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { formatRecordedFrame, parseRecording } from '../../src/replay/recorded-frame.js';
import { runReplay } from '../../src/replay/run-replay.js';
import { lockDataDir } from '../../src/store/data-dir-lock.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { arcOn, recording, replayTo, run } from './replay-helpers.js';

t.test('bin/arc: a bad line, an unreachable target, a locked data directory: typed errors, non-zero exits', async (t) => {
  const dir = t.testdir({});
  const good = formatRecordedFrame(recording('hostile-mix')[0]!);
  writeFileSync(join(dir, 'bad.jsonl'), `${good}\n${good.replace('"udp"', '"ftp"')}\n`);
  writeFileSync(join(dir, 'good.jsonl'), `${good}\n`);
  const bad = await run(['replay', join(dir, 'bad.jsonl'), '--target', '127.0.0.1:9']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /BAD_RECORDING_LINE: .*bad\.jsonl line 2: "transport" is tcp, udp or serial/);
  const unreachable = await run(['replay', join(dir, 'good.jsonl'), '--target', '127.0.0.1:9', '--timeout', '1000']);
  t.equal(unreachable.code, 1);
  t.match(unreachable.stderr, /TARGET_UNREACHABLE/);
  t.match((await run(['replay', join(dir, 'good.jsonl'), '--speed', 'fast'])), { code: 2, stderr: /REPLAY_OPTIONS_INVALID: --speed/ });

  const dataDir = join(dir, 'data');
  t.match(await run(['journal', 'export'], { ARC_DATA_DIR: dataDir, DATABASE_URL: '' }), { code: 1, stderr: /NO_DATABASE/ });
  mkdirSync(dataDir); // a running arc's directory exists
  const lock = lockDataDir(dataDir);
  t.teardown(() => lock.release());
  t.match(await run(['journal', 'export'], { ARC_DATA_DIR: dataDir, DATABASE_URL: '' }), { code: 1, stderr: /DATA_DIR_LOCKED: .*in use by pid/ });
});

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: bin/arc journal export reads the database arc ran on`, async (t) => {
    const location = await database.location(t);
    const arc = await arcOn(t, location, ['1234']);
    await runReplay(recording('hostile-mix'), replayTo(arc.port));
    const rows = await arc.journal();
    const out = join(mkdtempSync(join(tmpdir(), 'arc-export-')), 'out.jsonl');
    const exported = await run(['journal', 'export', '--account', '1234', '--out', out], location.env);
    t.equal(exported.code, 0, exported.stderr);
    const frames = parseRecording(readFileSync(out, 'latin1'));
    t.same(frames.map((f) => f.raw.toString('hex')), rows.filter((r) => r.account === '1234').map((r) => Buffer.from(r.raw).toString('hex')));
    t.match(exported.stderr, `exported ${frames.length} frames`);
  });
}
