import t from 'tap';
import { runReplay } from '../../src/replay/run-replay.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { arcOn, KEY, recording, replayTo } from './replay-helpers.js';

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: recorded AES frames are NAKed as stale unless re-stamped with the account keys`, async (t) => {
    const location = await database.location(t);
    const arc = await arcOn(t, location, [`10000:${KEY}`, `10001:${KEY}`, `10002:${KEY}:only`]);
    const frames = recording('dc09-tcp-aes');
    const asIs = await runReplay(frames, replayTo(arc.port));
    t.match(asIs, { sent: frames.length, naked: frames.length, staleEncrypted: frames.length, nakedStale: frames.length, acked: 0 }, 'every one NAKed, and said why');
    const keys = new Map(['10000', '10001', '10002'].map((a) => [a, Buffer.from(KEY, 'hex')]));
    const partly = await runReplay(frames, replayTo(arc.port, { restamp: true, keys: new Map([...keys].slice(0, 2)) }));
    const noKey = frames.filter((f) => f.account === '10002').length;
    t.match(partly, { restamped: frames.length - noKey, restampNoKey: noKey, acked: frames.length - noKey, nakedStale: noKey }, 'a frame with no --key is sent as recorded and NAKed');
    const restamped = await runReplay(frames, replayTo(arc.port, { restamp: true, keys }));
    t.match(restamped, { sent: frames.length, acked: frames.length, restamped: frames.length, staleEncrypted: 0, naked: 0 });
    const rows = await arc.journal();
    t.same(rows.slice(0, frames.length).map((r) => r.error_code), frames.map(() => 'TIMESTAMP_OUT_OF_WINDOW'));
    t.ok(rows.slice(-frames.length).every((r) => r.outcome === 'signal'), 're-stamped: accepted as signals');
  });
}
