import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import t, { type Test } from 'tap';
import { SerialPort } from 'serialport';
import { encodeSurGardContactId, encodeSurGardHeartbeat } from '../../../src/protocols/receiver-output/index.js';
import { createSerialReceiver } from '../../../src/receivers/serial/index.js';
import { harness, setting, sleep, waitUntil } from './serial-fakes.js';

/**
 * End to end through a real pseudo-terminal pair and serialport's native binding: socat joins
 * two ptys, arc's receiver opens one, and the test plays the phone-line receiver on the other.
 */
const socatMissing = spawnSync('socat', ['-V']).error !== undefined;
const skip = socatMissing ? 'socat is not installed (apt-get install socat; CI installs it)' : false;

interface PtyPair {
  arcSide: string;
  receiverSide: string;
  socat: ChildProcess;
}

async function ptyPair(t: Test): Promise<PtyPair> {
  const socat = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => {
    socat.kill();
  });
  let stderr = '';
  socat.stderr.setEncoding('utf8');
  socat.stderr.on('data', (s: string) => (stderr += s));
  await waitUntil('socat to join the ptys', () => stderr.includes('starting data transfer loop'), 5000);
  const ptys = [...stderr.matchAll(/PTY is (\S+)/g)].map((m) => m[1]!);
  if (ptys.length !== 2) throw new Error(`socat said: ${stderr}`);
  return { arcSide: ptys[0]!, receiverSide: ptys[1]!, socat };
}

/** The phone-line receiver's end: what it writes, and what arc answered. */
async function receiverEnd(t: Test, path: string): Promise<{ port: SerialPort; answers: () => number[] }> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const got: number[] = [];
  port.on('data', (chunk: Buffer) => got.push(...chunk));
  t.teardown(() => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
  return { port, answers: () => got };
}

const cid = (zone: string) => encodeSurGardContactId({ receiver: '01', line: '100', account: '1234', qualifier: 'E', eventCode: '130', group: '01', zoneOrUser: zone });

t.test('Sur-Gard over a pty pair: ACK 0x06 per record, only after the journal has it', { skip }, async (t) => {
  const pair = await ptyPair(t);
  const h = harness();
  const receiver = createSerialReceiver(setting({ path: pair.arcSide }), h.deps);
  await receiver.start();
  t.teardown(() => receiver.stop());
  const panel = await receiverEnd(t, pair.receiverSide);
  h.journal.mode = 'manual';

  panel.port.write(Buffer.concat([encodeSurGardHeartbeat('01'), cid('001')]));
  await waitUntil('the heartbeat reaches the journal', () => h.journal.pending.length === 1);
  t.equal(h.journal.pending[0]!.reception.outcome, 'receiver');
  await sleep(150);
  t.same(panel.answers(), [], 'no ACK while the append is pending');
  t.equal(h.journal.receptions.length, 1, 'the second record waits its turn');
  h.journal.pending.shift()!.resolve();
  await waitUntil('ACK of the heartbeat', () => panel.answers().length === 1);
  t.same(panel.answers(), [0x06]);

  await waitUntil('the event reaches the journal', () => h.journal.pending.length === 1);
  t.match(h.journal.pending[0]!.reception, { transport: 'serial', peer: pair.arcSide, account: '1234', outcome: 'signal' });
  await sleep(100);
  t.same(panel.answers(), [0x06], 'still one ACK');
  h.journal.pending.shift()!.resolve();
  await waitUntil('ACK of the event', () => panel.answers().length === 2);

  // The journal cannot make it durable: nothing is sent, and the receiver will retransmit.
  h.journal.pending.length = 0;
  const failing = h.journal.receptions.length;
  h.journal.mode = 'manual';
  panel.port.write(cid('002'));
  await waitUntil('the append', () => h.journal.pending.length === 1);
  h.journal.pending.shift()!.reject(new Error('disk full'));
  await sleep(300);
  t.same(panel.answers(), [0x06, 0x06], 'no ACK and no NAK when the append rejects');
  h.journal.mode = 'auto';
  panel.port.write(cid('002'));
  await waitUntil('ACK of the retransmission', () => panel.answers().length === 3);
  t.equal(h.journal.receptions[failing]!.dedupKey, h.journal.receptions[failing + 1]!.dedupKey, 'the retransmission has the same dedupKey');

  panel.port.write(Buffer.from('garbage\x14', 'latin1'));
  await waitUntil('NAK', () => panel.answers().length === 4);
  t.equal(panel.answers()[3], 0x15, 'undecodable: NAK');
});

t.test('the pty goes away: disconnected, and the receiver keeps trying', { skip }, async (t) => {
  const pair = await ptyPair(t);
  const h = harness();
  const receiver = createSerialReceiver(setting({ path: pair.arcSide }), { ...h.deps, reopenBackoff: { initialMs: 20, maxMs: 50 } });
  await receiver.start();
  t.teardown(() => receiver.stop());
  const panel = await receiverEnd(t, pair.receiverSide);
  panel.port.write(encodeSurGardHeartbeat('01'));
  await waitUntil('ACK', () => panel.answers().length === 1);
  pair.socat.kill();
  await waitUntil('disconnected', () => h.statuses.some((s) => s.status === 'disconnected'), 5000);
  t.match(h.statuses.map((s) => s.status), ['up', 'disconnected']);
  await sleep(150);
  t.equal(receiver.status(), 'disconnected', 'the pty is gone for good: reopening keeps failing');
});
