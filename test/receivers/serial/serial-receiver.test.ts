import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import {
  ACK_BYTES,
  encodeAdemco685,
  encodeD6600Sia,
  encodeD6600SiaReply,
  encodeSurGardContactId,
  encodeSurGardHeartbeat,
  NAK_BYTES,
} from '../../../src/protocols/receiver-output/index.js';
import type { SerialPortSetting } from '../../../src/config/settings.js';
import { createSerialReceiver, type SerialReceiverDeps } from '../../../src/receivers/serial/index.js';
import { harness, mockBinding, mockDevice, pullPlug, setting, sleep, waitUntil } from './serial-fakes.js';

const cid = (account = '1234', zone = '003') =>
  encodeSurGardContactId({ receiver: '01', line: '100', account, qualifier: 'E', eventCode: '130', group: '01', zoneOrUser: zone });
const ACK = ACK_BYTES[0]!;
const NAK = NAK_BYTES[0]!;

/** A started Sur-Gard receiver on a fresh mock port. */
async function started(t: Test, overrides: Partial<SerialPortSetting> = {}, extra: Partial<SerialReceiverDeps> = {}) {
  const h = harness();
  const { binding, opened } = mockBinding();
  const path = mockDevice();
  const receiver = createSerialReceiver(setting({ path, ...overrides }), { ...h.deps, binding, reopenBackoff: { initialMs: 10, maxMs: 40 }, ...extra });
  await receiver.start();
  t.teardown(() => receiver.stop());
  const port = () => opened[opened.length - 1]!;
  return { ...h, receiver, opened, port, path, written: () => [...port().recording] };
}

t.test('records split across chunks and several in one chunk: journaled in order, one ACK each', async (t) => {
  const r = await started(t);
  const a = cid('1234', '001');
  const b = cid('1234', '002');
  const c = cid('1234', '003');
  r.port().emitData(a.subarray(0, 9));
  await sleep(20);
  t.equal(r.journal.receptions.length, 0, 'half a record is not a record');
  r.port().emitData(Buffer.concat([a.subarray(9), b, c]));
  await waitUntil('three ACKs', () => r.written().length === 3);
  t.same(r.written(), [ACK, ACK, ACK]);
  t.same(r.journal.receptions.map((x) => x.events[0]!.zone), [1, 2, 3], 'in order');
  t.match(r.journal.receptions[0], { transport: 'serial', receiver: 'sg1', peer: r.path, format: 'surgard', account: '1234', outcome: 'signal' });
  t.same(Buffer.from(r.journal.receptions[0]!.raw), a, 'raw bytes as received');
  const m = await r.registry.getSingleMetricAsString('arc_receptions_total');
  t.match(m, /arc_receptions_total\{transport="serial",receiver="sg1",outcome="signal"\} 3/);
});

t.test('ACK only once the append resolved; one record at a time', async (t) => {
  const r = await started(t);
  r.journal.mode = 'manual';
  r.port().emitData(Buffer.concat([cid('1234', '001'), cid('1234', '002')]));
  await waitUntil('the first append', () => r.journal.pending.length === 1);
  await sleep(50);
  t.same(r.written(), [], 'nothing answered while the append is pending');
  t.equal(r.journal.receptions.length, 1, 'the second record waits for the first');
  r.journal.pending.shift()!.resolve();
  await waitUntil('first ACK', () => r.written().length === 1);
  await waitUntil('the second append', () => r.journal.pending.length === 1);
  await sleep(30);
  t.same(r.written(), [ACK], 'still one ACK');
  r.journal.pending.shift()!.resolve();
  await waitUntil('second ACK', () => r.written().length === 2);
});

t.test('a failed append is not answered; the retransmission is', async (t) => {
  const r = await started(t);
  r.journal.mode = 'fail';
  r.port().emitData(cid());
  await waitUntil('the append', () => r.journal.receptions.length === 1);
  await sleep(50);
  t.same(r.written(), [], 'no ACK, no NAK: the receiver retransmits');
  r.journal.mode = 'auto';
  r.port().emitData(cid());
  await waitUntil('ACK of the retransmission', () => r.written().length === 1);
  t.same(r.written(), [ACK]);
  t.equal(r.journal.receptions[0]!.dedupKey, r.journal.receptions[1]!.dedupKey, 'same dedupKey for the retransmitted record');
});

t.test('undecodable record: journaled refused with raw bytes, then NAK', async (t) => {
  const r = await started(t);
  r.port().emitData(Buffer.from('5XYZ garbage\x14', 'latin1'));
  await waitUntil('NAK', () => r.written().length === 1);
  t.same(r.written(), [NAK]);
  t.match(r.journal.receptions[0], { outcome: 'refused', error: { code: 'MALFORMED' }, dedupKey: null, account: null });
  t.same(Buffer.from(r.journal.receptions[0]!.raw).toString('latin1'), '5XYZ garbage\x14');
  t.match(await r.registry.getSingleMetricAsString('arc_refusals_total'), /code="MALFORMED"\} 1/);
});

t.test('a run without terminator is refused OVERSIZED, then framing resumes', async (t) => {
  const r = await started(t);
  r.port().emitData(Buffer.alloc(1000, 0x41));
  await waitUntil('NAK', () => r.written().length === 1);
  t.match(r.journal.receptions[0], { outcome: 'refused', error: { code: 'OVERSIZED' } });
  t.equal(r.journal.receptions[0]!.raw.length, 257, 'raw is bounded');
  r.port().emitData(Buffer.concat([Buffer.from('AAAA\x14'), cid()]));
  await waitUntil('ACK after', () => r.written().length === 2);
  t.same(r.written(), [NAK, ACK]);
  t.equal(r.journal.receptions.length, 2, 'the tail of the run is dropped, not journaled');
  t.match(await r.registry.getSingleMetricAsString('arc_refusals_total'), /code="OVERSIZED"\} 1/);
});

t.test('unknown account: unregistered; heartbeat: receiver; both ACKed', async (t) => {
  const r = await started(t);
  r.port().emitData(Buffer.concat([cid('9999'), encodeSurGardHeartbeat('01')]));
  await waitUntil('two ACKs', () => r.written().length === 2);
  t.same(r.journal.receptions.map((x) => x.outcome), ['unregistered', 'receiver']);
  t.equal(r.journal.receptions[1]!.events.length, 0);
  t.type(r.journal.receptions[1]!.dedupKey, 'string');
});

t.test('silence past heartbeatSeconds: silent, then up when heard again', async (t) => {
  let clock = 1_000_000;
  const r = await started(t, { heartbeatSeconds: 1 }, { now: () => clock, supervisionIntervalMs: 5 });
  t.equal(r.receiver.status(), 'pending');
  r.port().emitData(encodeSurGardHeartbeat('01'));
  await waitUntil('up', () => r.statuses.length === 1);
  t.match(r.statuses[0], { receiver: 'sg1', status: 'up', at: 1_000_000 });
  t.match(await r.registry.getSingleMetricAsString('arc_serial_receiver_up'), /receiver="sg1"\} 1/);
  clock += 1000;
  await sleep(30);
  t.equal(r.statuses.length, 1, 'exactly the interval is not silence');
  clock += 1;
  await waitUntil('silent', () => r.statuses.length === 2);
  t.match(r.statuses[1], { status: 'silent', at: 1_001_001 });
  t.match(await r.registry.getSingleMetricAsString('arc_serial_receiver_up'), /receiver="sg1"\} 0/);
  r.port().emitData(cid());
  await waitUntil('up again', () => r.statuses.length === 3);
  t.match(r.statuses[2], { status: 'up' });
});

t.test('the device disappears: disconnected, reopened, and records flow again', async (t) => {
  const r = await started(t);
  r.port().emitData(cid());
  await waitUntil('ACK', () => r.written().length === 1);
  t.match(await r.registry.getSingleMetricAsString('arc_receiver_connections'), /transport="serial"\} 1/);
  await sleep(10);
  pullPlug(r.port());
  await waitUntil('disconnected', () => r.statuses.some((s) => s.status === 'disconnected'));
  t.match(r.statuses.at(-1), { status: 'disconnected', reason: /device disappeared/ });
  await waitUntil('reopened', () => r.opened.length === 2 && r.opened[1]!.isOpen);
  t.match(await r.registry.getSingleMetricAsString('arc_receiver_connections'), /transport="serial"\} 1/);
  r.port().emitData(cid());
  await waitUntil('ACK on the new port', () => r.written().length === 1);
  t.match(r.statuses.at(-1), { status: 'up' });
});

t.test('a device absent at start is retried until it appears', async (t) => {
  const h = harness();
  const { binding, opened } = mockBinding();
  const path = mockDevice(false);
  const receiver = createSerialReceiver(setting({ path }), { ...h.deps, binding, reopenBackoff: { initialMs: 5, maxMs: 20 } });
  await receiver.start();
  t.teardown(() => receiver.stop());
  t.match(h.statuses[0], { status: 'disconnected', reason: /cannot open/ });
  await sleep(30);
  const { SerialPortMock } = await import('serialport');
  SerialPortMock.binding.createPort(path, { record: true });
  await waitUntil('opened', () => opened.length === 1);
  opened[0]!.emitData(cid());
  await waitUntil('ACK', () => opened[0]!.recording.length === 1);
});

t.test('stop waits for the record in hand, answers it, and closes', async (t) => {
  const r = await started(t);
  r.journal.mode = 'manual';
  r.port().emitData(cid());
  await waitUntil('append', () => r.journal.pending.length === 1);
  let stopped = false;
  const stopping = r.receiver.stop().then(() => (stopped = true));
  await sleep(30);
  t.notOk(stopped, 'stop waits for the append');
  r.journal.pending.shift()!.resolve();
  await stopping;
  t.same(r.written(), [ACK], 'the durable record was answered before closing');
  t.notOk(r.port().isOpen, 'port closed');
  t.match(await r.registry.getSingleMetricAsString('arc_receiver_connections'), /transport="serial"\} 0/);
});

t.test('D6600 SIA mode: its own ACK and NAK frames', async (t) => {
  const r = await started(t, { format: 'd6600-sia', name: 'bosch' });
  const rec = encodeD6600Sia({ type: 'E', seq: 7, receiver: '02', line: '03', account: '1234', data: 'Nri1/BA005' });
  r.port().emitData(Buffer.concat([rec.subarray(0, 10), rec.subarray(10)]));
  const ack = encodeD6600SiaReply({ ack: true, seq: 7, receiver: '02', line: '03' });
  await waitUntil('ACK frame', () => r.written().length === ack.length);
  t.same(Buffer.from(r.written()), ack);
  t.match(r.journal.receptions[0], { format: 'd6600-sia', account: '1234', outcome: 'signal', frame: { seq: 7 } });
  t.equal(r.journal.receptions[0]!.events[0]!.code, 'BA');
  const bad = Buffer.from(rec.toString('latin1').replace('BA005', 'BA006'), 'latin1');
  r.port().emitData(bad);
  const nak = encodeD6600SiaReply({ ack: false, seq: 0, receiver: '02', line: '00' });
  await waitUntil('NAK frame', () => r.written().length === ack.length + nak.length);
  t.same(Buffer.from(r.written().slice(ack.length)), nak);
  t.match(r.journal.receptions[1], { outcome: 'refused', error: { code: 'CRC_MISMATCH' } });
});

t.test('Ademco 685: LF…CR records, ACK byte', async (t) => {
  const r = await started(t, { format: 'ademco685', name: 'mx8000' });
  const rec = encodeAdemco685({ receiver: '1', lineGroup: '2', account: '1234', qualifier: 'E', eventCode: '121', group: '01', zoneOrUser: '005', flag: 'U' });
  r.port().emitData(Buffer.concat([rec, Buffer.from('\n'), rec]));
  await waitUntil('two ACKs', () => r.written().length === 2);
  t.same(r.written(), [ACK, ACK]);
  t.match(r.journal.receptions[0], { format: 'ademco685', outcome: 'signal', events: [{ code: '121', emergency: true }] });
  t.equal(r.journal.receptions[0]!.dedupKey, r.journal.receptions[1]!.dedupKey);
});

t.test('CFSK with the event table the setting names', async (t) => {
  const dir = t.testdir({});
  const table = join(dir, 'cfsk.json');
  await writeFile(table, JSON.stringify({ '31': { description: 'Burglary', eventClass: 'alarm', category: 'burglary', qualifier: 'new', numberIs: 'zone', emergency: false } }));
  const r = await started(t, { format: 'cfsk', name: 'cfsk1', cfskTable: table });
  r.port().emitData(Buffer.from('0012343105\r\n'));
  await waitUntil('ACK', () => r.written().length === 1);
  t.match(r.journal.receptions[0], { format: 'cfsk', account: '001234', outcome: 'unregistered', events: [{ code: '31', description: 'Burglary', zone: 5 }] });

  const bad = join(dir, 'bad.json');
  await writeFile(bad, '{"3": {}}');
  const h = harness();
  const receiver = createSerialReceiver(setting({ path: mockDevice(), format: 'cfsk', cfskTable: bad }), { ...h.deps, binding: mockBinding().binding });
  await t.rejects(receiver.start(), /CFSK table/, 'a bad table stops the start');
});
