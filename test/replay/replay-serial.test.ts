import { spawnSync } from 'node:child_process';
import t from 'tap';
import { runReplay } from '../../src/replay/run-replay.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { arcOn, count, ptyPair, recording, replayTo } from './replay-helpers.js';

const skip = spawnSync('socat', ['-V']).error ? 'socat is not installed (apt-get install socat; CI installs it)' : false;

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: Sur-Gard records replayed through a socat pty into arc's serial receiver`, { skip }, async (t) => {
    const [arcSide, replaySide] = await ptyPair(t);
    const location = await database.location(t);
    const arc = await arcOn(t, location, ['1234'], [{ name: 'sg1', path: arcSide, format: 'surgard', heartbeatSeconds: 90 }]);
    const frames = recording('serial-surgard');
    const skipped = await runReplay([...frames, ...recording('hostile-mix').slice(0, 1)], replayTo(arc.port));
    t.match(skipped, { skippedSerial: frames.length, sent: 1 }, 'without --serial, serial frames are skipped and counted');
    await t.rejects(runReplay(frames, replayTo(arc.port)), { code: 'NOTHING_TO_SEND' });
    await t.rejects(runReplay(frames, replayTo(arc.port, { serialDevice: '/dev/arc-no-such-tty' })), { code: 'SERIAL_UNAVAILABLE' });
    const report = await runReplay(frames, replayTo(arc.port, { serialDevice: replaySide }));
    const rows = (await arc.journal()).filter((r) => r.transport === 'serial');
    t.same(rows.map((r) => Buffer.from(r.raw).toString('hex')), frames.map((f) => f.raw.toString('hex')), 'the same records, in order');
    t.ok(rows.every((r) => r.peer === arcSide && r.receiver === 'sg1'));
    t.match(report, { sent: frames.length, acked: count(rows, 'ack'), naked: count(rows, 'nak'), unanswered: 0 });
    t.ok(report.naked > 0, 'the noise record is NAKed');
  });
}
