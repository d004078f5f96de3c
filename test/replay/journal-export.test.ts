import t from 'tap';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import type { Reception } from '../../src/journal/reception.js';
import { exportJournal } from '../../src/replay/journal-export.js';
import { parseRecording } from '../../src/replay/recorded-frame.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0, 0);

function reception(at: number, raw: string | Buffer, over: Partial<Reception>): Reception {
  return {
    transport: 'tcp', receiver: 'dc09', peer: '127.0.0.1:4000', receivedAt: at, raw: typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw,
    format: 'dc09', account: '1234', outcome: 'signal', error: null, frame: null, events: [], dedupKey: null, ...over,
  };
}

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: export writes every frame, refused ones included, and filters by since, until and account`, async (t) => {
    const store = await database.open(t);
    await migrateToLatest(store.db);
    const journal = new GroupCommitJournal(store.db, { nodeId: 'n1', dedupWindowMs: 120_000, bus: new JournalBus() });
    const written = [
      reception(T0, '\nBEEA0027"ADM-CID"0001L0#1234[#1234|1130 01 001]\r', {}),
      reception(T0 + 1000, Buffer.from([0x00, 0xff, 0x0a, 0x0d, 0x80]), { account: null, format: null, outcome: 'refused', error: { code: 'GARBAGE', message: 'bytes outside any frame' } }),
      reception(T0 + 2000, '\n2BB60027"ADM-CID"0004L0#9999[#9999|1130 01 001]\r', { transport: 'udp', peer: '127.0.0.1:5000', account: '9999', outcome: 'unregistered' }),
      reception(T0 + 3000, '501001 181234E13001003\x14', { transport: 'serial', receiver: 'sg1', peer: '/dev/ttyUSB0', format: 'surgard' }),
      reception(T0 + 4000, '\n4C170027"ADM-CID"0010L0#1234[#1234|1130 01 002]\r', {}),
    ];
    for (const r of written) await journal.append(r);
    await journal.close();

    const run = async (filter: Parameters<typeof exportJournal>[1]) => {
      let text = '';
      const count = await exportJournal(store.db, filter, (line) => void (text += line));
      const frames = parseRecording(text);
      t.equal(count, frames.length, 'the count is the lines written');
      return frames;
    };
    const all = await run({});
    t.equal(all.length, 5);
    t.same(all.map((f) => [f.time, f.transport, f.receiver, f.peer, f.raw.toString('hex'), f.outcome, f.error ?? null, f.account]),
      written.map((r) => [r.receivedAt, r.transport, r.receiver, r.peer, Buffer.from(r.raw).toString('hex'), r.outcome, r.error?.code ?? null, r.account]),
      'in journal order, bytes exact, refused garbage included');
    t.same((await run({ since: T0 + 1000, until: T0 + 4000 })).map((f) => f.time), [T0 + 1000, T0 + 2000, T0 + 3000], 'since inclusive, until exclusive');
    t.same((await run({ account: '1234' })).map((f) => f.time), [T0, T0 + 3000, T0 + 4000], 'one account');
    t.same(await run({ since: T0 + 10_000 }), [], 'nothing after the end');
  });

  t.test(`${database.name}: a database arc never ran on has no journal: NO_JOURNAL`, async (t) => {
    const store = await database.open(t);
    await t.rejects(exportJournal(store.db, {}, () => {}), { code: 'NO_JOURNAL' });
  });
}
