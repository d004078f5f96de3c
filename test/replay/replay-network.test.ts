import t from 'tap';
import type { RecordedFrame } from '../../src/replay/recorded-frame.js';
import { runReplay } from '../../src/replay/run-replay.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { arcOn, byPeer, count, KEY, recording, replayTo } from './replay-helpers.js';

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: plain TCP, UDP and a hostile mix replayed into a running arc: same bytes, transports, per-peer order; answers counted`, async (t) => {
    const location = await database.location(t);
    const arc = await arcOn(t, location, ['10000', '10001', '10002', '10003', '1234', `5678:${KEY}:only`]);
    const files = ['dc09-tcp-plain', 'dc09-udp-plain', 'hostile-mix'];
    const reports: Awaited<ReturnType<typeof runReplay>>[] = [];
    for (const name of files) reports.push(await runReplay(recording(name), replayTo(arc.port)));
    const rows = await arc.journal();
    const sent = files.flatMap((name) => recording(name));
    const isGarbage = (x: { error?: string | null; error_code?: string | null }) => (x.error ?? x.error_code) === 'GARBAGE';
    // arc cuts TCP garbage into rows as it reads it, so only the garbage's bytes must match, not its rows.
    t.same(byPeer(rows.filter((r) => !isGarbage(r))), byPeer(sent.filter((f) => !isGarbage(f))), 'each peer: the same frames in the same order, on its own connection');
    t.same(byPeer(rows, true), byPeer(sent, true), "each peer's byte stream, garbage included, is the recorded one");
    t.equal(rows.filter((r) => !isGarbage(r)).length, sent.filter((f) => !isGarbage(f)).length, 'every frame journaled once');
    t.same(rows.map((r) => r.transport).sort(), sent.map((f) => f.transport).sort(), 'each on the transport it was recorded on');
    const total = (k: 'acked' | 'naked' | 'duhed' | 'noAnswerExpected' | 'sent' | 'unanswered' | 'failed') => reports.reduce((a, r) => a + r[k], 0);
    t.same(
      { sent: total('sent'), acked: total('acked'), naked: total('naked'), duhed: total('duhed'), none: total('noAnswerExpected'), unanswered: total('unanswered'), failed: total('failed') },
      { sent: sent.length, acked: count(rows, 'ack'), naked: count(rows, 'nak'), duhed: count(rows, 'duh'), none: sent.filter((f) => f.transport === 'tcp' && (f.error === 'GARBAGE' || f.error === 'OVERSIZED')).length, unanswered: 0, failed: 0 },
      'the summary counts what arc answered',
    );
    t.ok(total('naked') > 0 && total('duhed') > 0 && total('noAnswerExpected') > 0, 'the hostile mix has NAKs, DUHs and garbage');
    const hostile = reports[2]!;
    const encrypted = sent.filter((f) => f.raw.includes('"*'));
    t.equal(hostile.staleEncrypted, encrypted.length, 'encrypted frames recorded more than 40 s ago are stale…');
    t.equal(hostile.nakedStale, encrypted.length, '…and their NAKs are reported as such');
    const refusedNow = rows.filter((r) => r.outcome === 'refused' && !isGarbage(r) && !Buffer.from(r.raw).includes('"*')).map((r) => r.error_code).sort();
    const refusedThen = sent.filter((f) => f.outcome === 'refused' && !isGarbage(f) && !f.raw.includes('"*')).map((f) => f.error).sort();
    t.same(refusedNow, refusedThen, 'plain frames are refused for the same reasons as when recorded');
    t.ok(rows.filter((r) => Buffer.from(r.raw).includes('"*')).every((r) => r.error_code === 'TIMESTAMP_OUT_OF_WINDOW'), 'the stale ones: out of the window');
  });

  t.test(`${database.name}: --speed keeps the order and scales the recorded gaps`, async (t) => {
    const location = await database.location(t);
    const arc = await arcOn(t, location, ['1234']);
    const T0 = Date.UTC(2026, 0, 1);
    const frames: RecordedFrame[] = recording('hostile-mix')
      .filter((f) => f.transport === 'tcp' && f.outcome === 'signal' && f.account === '1234')
      .map((f, i) => ({ ...f, time: T0 + i * 800, peer: 'p' }));
    t.ok(frames.length >= 2);
    const started = Date.now();
    const report = await runReplay(frames, replayTo(arc.port, { speed: 2 }));
    t.ok(Date.now() - started >= ((frames.length - 1) * 800) / 2 - 20, 'the gaps, halved, were waited');
    t.match(report, { speed: 2, acked: frames.length });
    const rows = await arc.journal();
    t.same(rows.map((r) => Buffer.from(r.raw).toString('hex')), frames.map((f) => f.raw.toString('hex')), 'in order');
  });
}
