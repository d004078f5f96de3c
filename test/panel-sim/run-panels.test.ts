import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import t from 'tap';
import { Dc09StreamFramer } from '../../src/protocols/dc09/dc09-stream-framer.js';
import { runPanels } from '../../src/panel-sim/run-panels.js';
import type { PanelSimOptions } from '../../src/panel-sim/sim-options.js';
import { DEFAULT_SIM_KEY_HEX } from '../../src/panel-sim/sim-options.js';
import { decodeDc09 } from '../../src/protocols/dc09/decode-dc09.js';
import type { Dc09Frame } from '../../src/protocols/dc09/dc09-frame.js';
import { encodeDc09Ack, encodeDc09Duh, encodeDc09Nak } from '../../src/protocols/dc09/dc09-reply.js';
import { arcBin, arcEnv } from '../helpers/arc-process.js';

type Behaviour = 'ack' | 'nak-first' | 'silent' | 'duh';

/** A DC-09 receiver reduced to what the panels need: decode, record, answer as told. */
interface FakeReceiver {
  port: number;
  /** Every frame received, decoded, with its exact bytes. */
  frames: { bytes: Buffer; frame: Dc09Frame }[];
  refused: string[];
  acks: number;
  /** TCP connections accepted, or UDP source ports seen. */
  peers: Set<string>;
  close(): Promise<void>;
}

async function fakeReceiver(proto: 'tcp' | 'udp', behaviour: Behaviour, key?: Buffer): Promise<FakeReceiver> {
  const seen = new Set<string>();
  const r: FakeReceiver = { port: 0, frames: [], refused: [], acks: 0, peers: new Set(), close: async () => {} };
  const answer = (bytes: Buffer): Buffer | null => {
    const decoded = decodeDc09(bytes, { now: Date.now(), keyFor: () => key });
    if (!decoded.ok) {
      r.refused.push(decoded.error.code);
      return encodeDc09Nak({ now: Date.now() });
    }
    const frame = decoded.value.frame;
    r.frames.push({ bytes, frame });
    const id = `${frame.account}/${frame.seq}`;
    const first = !seen.has(id);
    seen.add(id);
    if (behaviour === 'silent') return null;
    if (behaviour === 'duh') return encodeDc09Duh(frame);
    if (behaviour === 'nak-first' && first) return encodeDc09Nak({ now: Date.now() });
    r.acks++;
    return encodeDc09Ack(frame, { now: Date.now(), key: frame.encrypted ? key : undefined, random: randomBytes });
  };
  if (proto === 'tcp') {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      r.peers.add(`${socket.remotePort}`);
      const framer = new Dc09StreamFramer();
      socket.on('data', (chunk) => {
        for (const item of framer.push(chunk)) {
          if (item.kind !== 'frame') continue;
          const reply = answer(item.bytes);
          if (reply) socket.write(reply);
        }
      });
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    r.port = (server.address() as AddressInfo).port;
    r.close = () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    };
  } else {
    const socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      r.peers.add(`${rinfo.port}`);
      const reply = answer(msg);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    r.port = socket.address().port;
    r.close = () => new Promise((resolve) => socket.close(() => resolve()));
  }
  return r;
}

const base = (r: FakeReceiver, extra: Partial<PanelSimOptions> = {}): PanelSimOptions => ({
  count: 4, rate: 40, durationS: 0.5, target: `127.0.0.1:${r.port}`, ackTimeoutMs: 1000, ...extra,
});

/** (account, seq) pairs in the order first seen. */
const distinct = (frames: FakeReceiver['frames']) => [...new Set(frames.map((f) => `${f.frame.account}/${f.frame.seq}`))];

t.test('TCP: every frame ACKed, counts match the receiver, one connection per panel', async (t) => {
  const r = await fakeReceiver('tcp', 'ack');
  t.teardown(() => r.close());
  const report = await runPanels(base(r, { alarmShare: 0.5, recordAcks: true }));
  t.equal(report.sent, 20, '40/s for 0.5 s');
  t.match(report, { acked: 20, naked: 0, duhed: 0, retried: 0, failed: 0, timeouts: 0, unsent: 0, badReplies: 0, ok: true });
  t.equal(r.frames.length, 20, 'the receiver got each frame once');
  t.equal(r.acks, report.acked);
  t.same(r.refused, []);
  t.equal(r.peers.size, 4, 'one connection per panel');
  t.same([...new Set(r.frames.map((f) => f.frame.account))].sort(), ['10000', '10001', '10002', '10003']);
  t.ok(r.frames.every((f) => f.frame.prefix === '0' && f.frame.receiver === null && !f.frame.encrypted), 'L0, no R');
  const tokens = r.frames.map((f) => f.frame.token);
  t.equal(tokens.filter((x) => x === 'NULL').length, 10, 'half heartbeats');
  t.equal(tokens.filter((x) => x === 'ADM-CID').length + tokens.filter((x) => x === 'SIA-DCS').length, 10, 'half alarms');
  for (const account of ['10000', '10003']) {
    t.same(r.frames.filter((f) => f.frame.account === account).map((f) => f.frame.seq), [1, 2, 3, 4, 5], `${account}: seq 1, 2, 3…`);
  }
  t.same(report.ackedFrames!.map((a) => `${a.account}/${a.seq}`).sort(), distinct(r.frames).sort(), 'ackedFrames lists exactly what the receiver ACKed');
  const adm = report.ackedFrames!.find((a) => a.token === 'ADM-CID')!;
  t.same(r.frames.find((f) => f.frame.account === adm.account && f.frame.seq === adm.seq)!.frame.data, adm.data);
  t.ok(report.latencyMs && report.latencyMs.p50 > 0 && report.latencyMs.p50 <= report.latencyMs.p99 && report.latencyMs.p99 <= report.latencyMs.max);
  t.ok(report.elapsedS >= 0.5, 'the run lasts its duration');
});

t.test('NAK on each first attempt: one re-send each, same seq and same bytes, all ACKed', async (t) => {
  const r = await fakeReceiver('tcp', 'nak-first');
  t.teardown(() => r.close());
  const report = await runPanels(base(r, { rate: 20, alarmShare: 0.3 }));
  t.ok(report.sent >= 8, `sent ${report.sent}`);
  t.match(report, { acked: report.sent, naked: report.sent, retried: report.sent, failed: 0, timeouts: 0, ok: true });
  t.equal(r.frames.length, 2 * report.sent, 'each frame came twice');
  for (const id of distinct(r.frames)) {
    const copies = r.frames.filter((f) => `${f.frame.account}/${f.frame.seq}` === id);
    t.equal(copies.length, 2, id);
    t.same(copies[0]!.bytes, copies[1]!.bytes, `${id}: the re-send is the same frame`);
  }
});

t.test('a receiver that never answers: timeouts, 3 re-sends, failed, not ok', async (t) => {
  const r = await fakeReceiver('tcp', 'silent');
  t.teardown(() => r.close());
  const report = await runPanels(base(r, { count: 2, rate: 4, durationS: 0.3, ackTimeoutMs: 60 }));
  t.equal(report.sent, 2, 'one frame per panel');
  t.match(report, { acked: 0, failed: 2, timeouts: 8, retried: 6, ok: false, latencyMs: null });
  t.equal(r.frames.length, 8, '4 attempts per frame reached the receiver');
});

t.test('a panel waiting for its ACK starts no new frame; what it still owes at the end is unsent', async (t) => {
  const r = await fakeReceiver('tcp', 'silent');
  t.teardown(() => r.close());
  // 4 frames due (0, 100, 200, 300 ms); each attempt chain lasts 4 x 50 ms.
  const report = await runPanels(base(r, { count: 1, rate: 10, durationS: 0.35, ackTimeoutMs: 50 }));
  t.equal(report.sent + report.unsent, 4, `sent ${report.sent}, unsent ${report.unsent}`);
  t.ok(report.sent >= 1 && report.sent <= 2, 'no more than the waits allow');
  t.match(report, { acked: 0, failed: report.sent, timeouts: 4 * report.sent });
  const attempts = r.frames.map((f) => f.frame.seq);
  t.same(attempts, attempts.slice().sort(), 'never a new seq while an older one is waiting');
});

t.test('DUH: the panel gives up on the frame at once', async (t) => {
  const r = await fakeReceiver('tcp', 'duh');
  t.teardown(() => r.close());
  const report = await runPanels(base(r, { count: 1, rate: 10, durationS: 0.2 }));
  t.match(report, { sent: 2, duhed: 2, failed: 2, retried: 0, acked: 0, ok: false });
});

t.test('no receiver at all: refused connections count as lost attempts', async (t) => {
  const r = await fakeReceiver('tcp', 'ack');
  await r.close(); // the port is now closed
  const report = await runPanels(base(r, { count: 1, rate: 10, durationS: 0.1, ackTimeoutMs: 2000 }));
  t.match(report, { sent: 1, acked: 0, failed: 1, retried: 3, timeouts: 0, ok: false });
  t.ok(report.disconnects >= 4, `disconnects ${report.disconnects}`);
  t.ok(report.elapsedS < 2, 'refusals do not wait for the ACK timeout');
});

t.test('encrypted: the receiver decrypts with the key, the panels decrypt the *ACK', async (t) => {
  const key = Buffer.from(DEFAULT_SIM_KEY_HEX, 'hex');
  const r = await fakeReceiver('tcp', 'nak-first', key);
  t.teardown(() => r.close());
  const report = await runPanels(base(r, { encrypt: true, alarmShare: 1, rate: 20 }));
  t.match(report, { acked: report.sent, naked: report.sent, failed: 0, badReplies: 0, ok: true, encrypted: true });
  t.same(r.refused, []);
  t.ok(r.frames.length > 0 && r.frames.every((f) => f.frame.encrypted && f.frame.timestamp !== null), 'every frame encrypted and stamped');
  t.ok(r.frames.every((f) => /^#1000\d\|/.test(f.frame.data)), 'the data decrypted');
  const [a, b] = r.frames.filter((f) => f.frame.account === '10000' && f.frame.seq === 1);
  t.notSame(a!.bytes, b!.bytes, 'a re-sent encrypted frame has fresh pad');
  t.equal(a!.frame.data, b!.frame.data, 'but the same content');
});

t.test('encrypted with the wrong key: the receiver cannot read it, nothing is ACKed', async (t) => {
  const r = await fakeReceiver('tcp', 'ack', Buffer.from(DEFAULT_SIM_KEY_HEX, 'hex'));
  t.teardown(() => r.close());
  const report = await runPanels(base(r, { count: 1, rate: 10, durationS: 0.1, encrypt: true, key: 'ascii:0123456789ABCDEF', retries: 1 }));
  t.match(report, { sent: 1, acked: 0, naked: 2, failed: 1, ok: false });
  // Refused twice (the first try and its re-send). Mostly as DECRYPT_FAILED (bad padding); about
  // once in 256 the wrong key's garbage ends in valid padding, and the refusal is the first
  // field that does not parse (MISSING_TIMESTAMP): unreadable either way.
  t.equal(r.refused.length, 2, `refused twice (${r.refused.join(', ')})`);
  t.ok(r.refused.every((code) => code === 'DECRYPT_FAILED' || code === 'MISSING_TIMESTAMP'), 'as unreadable');
});

t.test('UDP: one socket per panel, all ACKed, NAKs re-sent', async (t) => {
  const r = await fakeReceiver('udp', 'nak-first');
  t.teardown(() => r.close());
  const report = await runPanels(base(r, { proto: 'udp', alarmShare: 0.5 }));
  t.equal(report.proto, 'udp');
  t.match(report, { sent: 20, acked: 20, naked: 20, retried: 20, failed: 0, ok: true });
  t.equal(r.frames.length, 40);
  t.equal(r.peers.size, 4, 'one source port per panel');
});

t.test('abort: stops starting frames and ends without re-sends', async (t) => {
  const r = await fakeReceiver('tcp', 'silent');
  t.teardown(() => r.close());
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 100);
  const report = await runPanels(base(r, { count: 1, rate: 100, durationS: 5, ackTimeoutMs: 150 }), { signal: abort.signal });
  t.ok(report.elapsedS < 1, `ended early (${report.elapsedS} s)`);
  t.match(report, { sent: 1, failed: 1, retried: 0, ok: false });
});

function arc(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [arcBin, ...args], { env: arcEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

t.test('bin/arc sim panels: --json report and exit codes', async (t) => {
  const r = await fakeReceiver('tcp', 'ack');
  t.teardown(() => r.close());
  const target = `127.0.0.1:${r.port}`;
  const ok = await arc(['sim', 'panels', '--count', '3', '--rate', '30', '--duration', '0.3', '--alarm-share', '0.5', '--target', target, '--json']);
  t.equal(ok.code, 0, ok.err);
  const report = JSON.parse(ok.out) as Record<string, unknown>;
  t.match(report, { sent: 9, acked: 9, failed: 0, panels: 3, ok: true, latencyMs: { p50: Number } });
  t.equal(r.acks, 9);
  t.notOk('ackedFrames' in report, 'the CLI does not list every frame');

  const text = await arc(['sim', 'panels', '--count', '1', '--rate', '10', '--duration', '0.1', '--target', target, '--encrypt', '--timeout', '100']);
  t.equal(text.code, 1, 'the receiver has no key: NAKs, then given up');
  t.match(text.out, /^failed\s+1$/m);
  t.match(text.out, /NOT every frame ACKed/);

  for (const bad of [['sim'], ['sim', 'panels', '--count', '2'], ['sim', 'panels', '--count', '0', '--rate', '1'], ['sim', 'panels', '--count', '1', '--rate', '1', '--proto', 'sctp'], ['sim', 'panels', '--count', '1', '--rate', 'x']]) {
    const res = await arc(bad);
    t.equal(res.code, 2, bad.join(' '));
    t.match(res.err, /Usage: arc sim panels/);
  }
  const help = await arc(['sim', '--help']);
  t.equal(help.code, 0);
  t.match(help.out, /--alarm-share/);
});
