import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import t, { type Test } from 'tap';
import { GroupCommitJournal } from '../../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../../src/journal/journal-bus.js';
import { createLogger } from '../../../src/observability/logger.js';
import { runPanels } from '../../../src/panel-sim/run-panels.js';
import { DEFAULT_SIM_KEY_HEX } from '../../../src/panel-sim/sim-options.js';
import { decodeDc09 } from '../../../src/protocols/dc09/decode-dc09.js';
import { Dc09StreamFramer } from '../../../src/protocols/dc09/dc09-stream-framer.js';
import { encodeDc09 } from '../../../src/protocols/dc09/encode-dc09.js';
import { ReloadableAccountDirectory, saveAccount } from '../../../src/receivers/account-store.js';
import { startDc09Receiver, type Dc09ReceiverOptions } from '../../../src/receivers/dc09/dc09-receiver.js';
import { createReceiverMetrics } from '../../../src/receivers/receiver-metrics.js';
import type { Store } from '../../../src/store/database.js';
import { migrateToLatest } from '../../../src/store/migrations.js';
import { TEST_DATABASES } from '../../helpers/databases.js';

const KEY = Buffer.from(DEFAULT_SIM_KEY_HEX, 'hex');
const silent = createLogger({ logLevel: 'silent', nodeId: 't', nodeEnv: 'test' }, new Writable({ write: (_c, _e, done) => done() }));

async function receiver(t: Test, store: Store, options: Partial<Dc09ReceiverOptions & { unknownAccountReply: 'nak' | 'ack' }> = {}) {
  await migrateToLatest(store.db);
  await saveAccount(store.db, { number: '1234', aesKey: null, encryptedOnly: false });
  await saveAccount(store.db, { number: '5678', aesKey: KEY, encryptedOnly: true });
  for (let i = 0; i < 20; i++) await saveAccount(store.db, { number: String(10000 + i), aesKey: KEY, encryptedOnly: false });
  const accounts = new ReloadableAccountDirectory(store.db);
  await accounts.reload();
  const registry = new Registry();
  const journal = new GroupCommitJournal(store.db, { nodeId: 'arc-t', dedupWindowMs: 120_000, bus: new JournalBus() });
  const running = await startDc09Receiver(
    { host: '127.0.0.1', port: 0, maxConnections: 50, idleTimeoutMs: 30_000, peerRate: 1000, ...options },
    { journal, accounts, unknownAccountReply: options.unknownAccountReply ?? 'nak', now: Date.now, metrics: createReceiverMetrics(registry), logger: silent },
  );
  t.teardown(async () => {
    await running.stop();
    await journal.close();
  });
  const metric = async (name: string, labels: Record<string, string>) => {
    const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
    return (m?.values as { value: number; labels: Record<string, string> }[] | undefined)?.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((a, v) => a + v.value, 0) ?? 0;
  };
  const rows = () => store.db.selectFrom('journal').selectAll().orderBy('seq').execute();
  return { port: running.port, metric, rows };
}

/** A panel's TCP connection: send bytes, read replies as whole frames. */
async function panel(t: Test, port: number) {
  const socket: Socket = connect({ port, host: '127.0.0.1' });
  await new Promise((resolve) => socket.once('connect', resolve));
  const framer = new Dc09StreamFramer();
  const replies: Buffer[] = [];
  let waiting: (() => void) | undefined;
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    for (const item of framer.push(chunk)) if (item.kind === 'frame') replies.push(item.bytes);
    waiting?.();
  });
  socket.on('close', () => { closed = true; waiting?.(); });
  socket.on('error', () => {});
  t.teardown(() => { socket.destroy(); });
  return {
    socket,
    get closed() { return closed; },
    send: (bytes: Buffer | string) => socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes),
    async replies(n: number, timeoutMs = 5000): Promise<Buffer[]> {
      const until = Date.now() + timeoutMs;
      while (replies.length < n && !closed && Date.now() < until) await new Promise<void>((r) => { waiting = r; setTimeout(r, 50); });
      return replies.splice(0, n);
    },
    async closedWithin(ms: number) {
      const until = Date.now() + ms;
      while (!closed && Date.now() < until) await new Promise<void>((r) => { waiting = r; setTimeout(r, 50); });
      return closed;
    },
  };
}

const token = (reply: Buffer | undefined) => (reply ? (decodeDc09(reply, { now: Date.now(), keyFor: () => KEY }) as { ok: true; value: { frame: { token: string; seq: number; encrypted: boolean } } }).value?.frame : undefined);
const cid = (seq: number, account = '1234', zone = 5) => encodeDc09({ token: 'ADM-CID', seq, prefix: '0', account, data: `#${account}|1130 01 ${String(zone).padStart(3, '0')}` });

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: DC-09 over TCP: frames split or coalesced are each journaled, then ACKed in order`, async (t) => {
    const store = await database.open(t);
    const r = await receiver(t, store);
    const p = await panel(t, r.port);
    const stream = Buffer.concat([cid(1), cid(2), cid(3)]);
    p.send(stream.subarray(0, 10));
    await new Promise((res) => setTimeout(res, 50));
    p.send(stream.subarray(10));
    const replies = await p.replies(3);
    t.same(replies.map((x) => token(x)?.seq), [1, 2, 3], 'ACKs echo each seq, in order');
    t.same(replies.map((x) => token(x)?.token), ['ACK', 'ACK', 'ACK']);
    const rows = await r.rows();
    t.equal(rows.length, 3, 'every ACKed frame is in the journal');
    t.match(rows[0], { transport: 'tcp', receiver: 'dc09', account: '1234', outcome: 'signal', format: 'dc09', error_code: null });
    t.match(rows[0]!.events, [{ code: '130', category: 'burglary', zone: 5 }]);
    t.equal(await r.metric('arc_receptions_total', { outcome: 'signal' }), 3);
  });

  t.test(`${database.name}: refusals are journaled and answered as the spec says`, async (t) => {
    const store = await database.open(t);
    const r = await receiver(t, store);
    const p = await panel(t, r.port);
    const badCrc = Buffer.from(cid(4));
    badCrc[1] = badCrc[1] === 0x30 ? 0x31 : 0x30;
    p.send(badCrc);
    p.send(cid(5, '9999')); // unknown account
    p.send(encodeDc09({ token: 'NULL', seq: 6, prefix: '0', account: '9998' })); // unknown, but NULL
    p.send(cid(7, '5678')); // plain from an encrypted-only account
    p.send(encodeDc09({ token: 'FOO', seq: 8, prefix: '0', account: '1234' })); // unknown token
    p.send(encodeDc09({ token: 'ADM-CID', seq: 9, prefix: '0', account: '5678', data: '#5678|1130 01 001', timestamp: Date.now() - 120_000 }, { key: KEY, random: (n) => Buffer.alloc(n, 1) }));
    const replies = await p.replies(6);
    t.same(replies.map((x) => token(x)?.token), ['NAK', 'NAK', 'ACK', 'DUH', 'DUH', 'NAK']);
    const rows = await r.rows();
    t.same(rows.map((x) => [x.outcome, x.error_code]), [
      ['refused', 'CRC_MISMATCH'],
      ['unregistered', null],
      ['unregistered', null],
      ['refused', 'ENCRYPTION_REQUIRED'],
      ['refused', 'UNKNOWN_TOKEN'],
      ['refused', 'TIMESTAMP_OUT_OF_WINDOW'],
    ]);
    t.same(Buffer.from(rows[0]!.raw), badCrc, 'the refused bytes are kept as received');
    t.equal(await r.metric('arc_refusals_total', { code: 'CRC_MISMATCH' }), 1);
  });

  t.test(`${database.name}: with ARC_UNKNOWN_ACCOUNT_REPLY=ack an unknown account is ACKed, and still unregistered`, async (t) => {
    const store = await database.open(t);
    const r = await receiver(t, store, { unknownAccountReply: 'ack' });
    const p = await panel(t, r.port);
    p.send(cid(1, '4242'));
    t.equal(token((await p.replies(1))[0])?.token, 'ACK');
    t.match(await r.rows(), [{ outcome: 'unregistered', account: '4242' }]);
  });

  t.test(`${database.name}: hostile peers are cut and counted while a good panel is served`, async (t) => {
    const store = await database.open(t);
    const r = await receiver(t, store, { idleTimeoutMs: 400, maxConnections: 4 });
    const good = await panel(t, r.port);
    const garbage = await panel(t, r.port);
    garbage.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    garbage.send(cid(1));
    t.equal(token((await garbage.replies(1))[0])?.seq, 1, 'a frame after garbage is still served');
    const oversized = await panel(t, r.port);
    oversized.send('\n12340FFF"SIA-DCS"0001L0#1234[' + 'A'.repeat(200));
    t.ok(await oversized.closedWithin(2000), 'an oversized frame cuts the connection');
    const trickler = await panel(t, r.port);
    const trickle = setInterval(() => trickler.send('\n'), 100);
    t.teardown(() => clearInterval(trickle));
    // Good keeps sending whole frames while the trickler dribbles.
    for (let i = 2; i <= 6; i++) {
      good.send(cid(i));
      t.equal(token((await good.replies(1))[0])?.seq, i);
      await new Promise((res) => setTimeout(res, 150));
    }
    t.ok(await trickler.closedWithin(2000), 'a trickling peer is cut by the idle timeout');
    t.notOk(good.closed, 'the good panel, sending frames, is kept');
    const extra = await Promise.all([panel(t, r.port), panel(t, r.port), panel(t, r.port), panel(t, r.port)]);
    await new Promise((res) => setTimeout(res, 200));
    t.ok(extra.filter((x) => x.closed).length >= 1, 'connections over the limit are closed');
    t.ok((await r.metric('arc_rejected_peers_total', { reason: 'oversized' })) >= 1);
    t.ok((await r.metric('arc_rejected_peers_total', { reason: 'idle_timeout' })) >= 1);
    t.ok((await r.metric('arc_rejected_peers_total', { reason: 'max_connections' })) >= 1);
    const refused = (await r.rows()).filter((x) => x.outcome === 'refused').map((x) => x.error_code);
    t.ok(refused.includes('GARBAGE') && refused.includes('OVERSIZED'), 'garbage and the oversized header are on record');
  });

  t.test(`${database.name}: a flooding peer is slowed, not dropped, and another panel is not delayed`, async (t) => {
    const store = await database.open(t);
    const r = await receiver(t, store, { peerRate: 10 });
    const flood = await panel(t, r.port);
    flood.send(Buffer.concat(Array.from({ length: 80 }, (_, i) => cid(i + 1, '1234', i % 999))));
    await new Promise((res) => setTimeout(res, 100));
    const calm = await panel(t, r.port);
    const started = Date.now();
    calm.send(cid(1, '10001'));
    t.ok((await calm.replies(1)).length === 1 && Date.now() - started < 2000, 'the calm panel is answered without waiting for the flood (80 frames at 10/s, burst 20, take 6 s)');
    const all = await flood.replies(80, 20_000);
    t.equal(all.length, 80, 'every flooded frame is answered in the end (TCP back-pressure)');
    t.ok((await r.metric('arc_rejected_peers_total', { reason: 'rate_limited' })) > 0, 'and the throttling is counted');
  });

  t.test(`${database.name}: a frame the journal cannot make durable is not answered`, async (t) => {
    const store = await database.open(t);
    const r = await receiver(t, store);
    const p = await panel(t, r.port);
    await store.close();
    p.send(cid(1));
    t.same(await p.replies(1, 1000), [], 'no ACK: the panel will send it again');
  });

  t.test(`${database.name}: simulated panels over TCP and UDP, plain and AES: every ACK is a journaled signal`, async (t) => {
    const store = await database.open(t);
    const r = await receiver(t, store);
    // Each run its own accounts: a panel that restarts its sequence and repeats the same frame
    // within the same second would rightly be taken for a retransmission.
    for (const [run, [proto, encrypt]] of ([['tcp', false], ['tcp', true], ['udp', false], ['udp', true]] as const).entries()) {
      const before = (await r.rows()).length;
      const report = await runPanels({ count: 5, rate: 100, durationS: 0.5, proto, encrypt, alarmShare: 0.5, accountBase: 10000 + run * 5, target: `127.0.0.1:${r.port}`, recordAcks: true, ackTimeoutMs: 2000 });
      t.ok(report.ok && report.acked > 0, `${proto}${encrypt ? ' AES' : ''}: ${report.acked} ACKed`);
      const rows = (await r.rows()).slice(before);
      t.equal(rows.filter((x) => x.outcome === 'signal' && x.duplicate_of === null).length, report.acked, 'one signal per ACKed frame');
      t.ok(rows.every((x) => x.transport === proto));
    }
  });

  t.test(`${database.name}: UDP: one datagram, one answer; a retransmission is a duplicate`, async (t) => {
    const store = await database.open(t);
    const r = await receiver(t, store);
    const udp = createSocket('udp4');
    t.teardown(() => udp.close());
    const replies: Buffer[] = [];
    udp.on('message', (m) => replies.push(m));
    udp.send(cid(1), r.port, '127.0.0.1');
    udp.send(cid(1), r.port, '127.0.0.1');
    udp.send('garbage', r.port, '127.0.0.1');
    const until = Date.now() + 3000;
    while (replies.length < 3 && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
    t.same(replies.map((x) => token(x)?.token), ['ACK', 'ACK', 'NAK'], 'both copies ACKed (the panel needs its answer), garbage NAKed');
    const rows = await r.rows();
    t.same(rows.map((x) => [x.outcome, x.duplicate_of === null]), [['signal', true], ['signal', false], ['refused', true]]);
  });
}
