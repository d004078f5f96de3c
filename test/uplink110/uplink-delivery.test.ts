import t from 'tap';
import { buildCancel, buildForward, buildForwards, buildNotify, buildWithdrawal } from '../../src/uplink110/build-message.js';
import { enqueueUplink, enqueueUplinks } from '../../src/uplink110/enqueue-uplink.js';
import { sendMessage } from '../../src/uplink110/send-message.js';
import { decide } from '../../src/incidents/decide.js';
import { appendActions, loadIncident, lockIncident } from '../../src/incidents/incident-store.js';
import { OutcomeRecorder } from '../../src/uplink110/outcome-recorder.js';
import { claimDue, escalateUnsendable, recordOutcomes, type Appended } from '../../src/uplink110/uplink-outbox.js';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain.js';
import type { Evidence } from '../../src/verification/evidence.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { KEY, uplinkWorld } from './uplink-test-kit.js';

const linked = (at: number): Evidence[] => [
  { kind: 'alarm', at, zone: 3, zoneName: '金库门磁', principle: 'contact', code: '130', description: 'Burglary' },
  { kind: 'alarm', at: at + 20_000, zone: 4, zoneName: '金库震动', principle: 'vibration', code: '130', description: 'Burglary' },
];

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the 110 outbox delivers to a real simulated 110`, async (t) => {
    const w = await uplinkWorld(t, database);
    const delivery = w.startDelivery();
    const deliver = async () => {
      delivery.kick();
      await delivery.settled();
    };
    const enqueue = (incidentId: string, account: string, revision = 1) =>
      w.db.transaction().execute(async (trx) => enqueueUplink(trx, await buildNotify(trx, { incidentId, account, revision, level: 'linked_zones', evidence: linked(w.now()), now: w.now() })));

    await t.test('a confirmed incident is delivered, accepted with a case number, and the incident says so', async (t) => {
      const id = await w.alarm('10000');
      const first = await enqueue(id, '10000');
      t.match(first, { enqueued: true });
      const again = await enqueue(id, '10000');
      t.same(again, { enqueued: false, outboxId: first.outboxId, status: 'pending' }, 'a repeat of the same key is a no-op and says so');
      t.equal((await w.outbox(id)).length, 1);

      w.advance(40);
      await deliver();
      const [row] = await w.outbox(id);
      t.match(row, { status: 'accepted', attempts: 1, next_attempt_at: null, escalated_at: null });
      t.match(row!.case_number, /^110-\d{8}-\d{5}$/);
      t.equal(row!.accepted_at!.getTime() - row!.created_at.getTime(), 40, 'created_at and accepted_at are both kept');
      t.same(await w.actions(id), [{ kind: 'uplink_accepted', actor: 'system', revision: 1, message: 'notify', caseNumber: row!.case_number }]);
      const state = (await loadIncident(w.db, id))!.state;
      t.match(state, { caseNumber110: row!.case_number, uplinkStatus: 'accepted' });
      t.match(await w.attempts(row!.id), [{ attempt: 1, result: 'accepted', http_status: 200, detail: row!.case_number }]);

      const got = w.sim.received().filter((m) => m.messageId === `${id}/1/notify`);
      t.equal(got.length, 1);
      const payload = got[0]!.payload as Record<string, unknown>;
      t.match(payload, {
        kind: 'notify', incidentId: id, revision: 1, account: '10000', level: 'linked_zones', threatToLife: false,
        premises: { name: '工商银行北京朝阳路支行', address: '北京市朝阳区朝阳路 88 号', position: { lat: 39.9219, lng: 116.4836 } },
        zones: [{ account: '10000', number: 3, name: '金库门磁', location: '金库', type: 'burglary' }, { account: '10000', number: 4, name: '金库震动' }],
      }, 'the premises, the zones the evidence names, the level');
      t.equal((payload.evidence as unknown[]).length, 2, 'and the evidence');
      t.notMatch(JSON.stringify(payload), /13800001001|刘建国|rtsp:|731946/, 'no contacts, panel users, video links or codes');
      t.equal(await enqueue(id, '10000').then((r) => r.enqueued), false, 'an enqueue after delivery is a no-op too');
      const metrics = await w.metrics.metrics();
      t.match(metrics, /arc_uplink110_deliveries_total\{result="accepted"\} 1/);
      t.match(metrics, /arc_uplink110_accept_seconds_count\{kind="notify"\} 1/);
      t.match(metrics, /arc_uplink110_pending 0/);
    });

    await t.test('a second forward of an incident 110 has a case for goes as an update on that case; after a refused report, as a new report', async (t) => {
      const forward = (incidentId: string, account: string, revision: number) =>
        w.db.transaction().execute(async (trx) => enqueueUplink(trx, await buildForward(trx, { incidentId, account, revision, level: 'linked_zones', evidence: linked(w.now()), note: 'confirmed again', now: w.now() })));
      const id = await w.alarm('10100', 1);
      await forward(id, '10100', 1);
      await forward(id, '10100', 2); // queued while the notify is still pending: an update all the same
      await deliver();
      const rows = await w.outbox(id);
      t.same(rows.map((r) => [r.revision, r.kind, r.status]), [[1, 'notify', 'accepted'], [2, 'update', 'accepted']]);
      t.equal(rows[1]!.case_number, rows[0]!.case_number, 'the same police case');
      t.equal(w.sim.cases().filter((c) => c.incidentId === id).length, 1, '110 opened one case for the incident');

      const refused = await w.alarm('7201');
      w.sim.setMode('accept', ['7201']);
      await forward(refused, '7201', 1);
      await deliver();
      w.sim.setMode('accept', []);
      await forward(refused, '7201', 2);
      await deliver();
      t.same((await w.outbox(refused)).map((r) => [r.revision, r.kind, r.status]), [[1, 'notify', 'rejected'], [2, 'notify', 'accepted']], 'no case from the refused report: reported afresh');
    });

    await t.test('a batch of forwards (the engine\'s of one transaction) is told apart as one at a time would be', async (t) => {
      const fresh = await w.alarm('7301');
      const twice = await w.alarm('7302');
      const reported = await w.alarm('7303');
      await enqueue(reported, '7303'); // 110 holds its report already
      const input = (incidentId: string, account: string, revision: number) => ({ incidentId, account, revision, level: 'linked_zones' as const, evidence: linked(w.now()), note: 'confirmed again', now: w.now() });
      await w.db.transaction().execute(async (trx) => {
        const messages = await buildForwards(trx, [input(fresh, '7301', 1), input(twice, '7302', 1), input(twice, '7302', 2), input(reported, '7303', 2)]);
        await enqueueUplinks(trx, messages);
        await enqueueUplinks(trx, messages); // a batch retried: each key once
      });
      const kinds = async (id: string) => (await w.outbox(id)).map((r) => [r.revision, r.kind]);
      t.same(await kinds(fresh), [[1, 'notify']]);
      t.same(await kinds(twice), [[1, 'notify'], [2, 'update']], 'the second forward of an incident in the same batch: an update on the first');
      t.same(await kinds(reported), [[1, 'notify'], [2, 'update']]);
      await deliver();
    });

    await t.test('110 rejects: the rejection and an escalation to the operator, once', async (t) => {
      const id = await w.alarm('7001');
      w.sim.setMode('accept', ['7001']);
      await enqueue(id, '7001');
      await deliver();
      const [row] = await w.outbox(id);
      t.match(row, { status: 'rejected', reject_reason: 'account 7001 is not registered for alarm forwarding', next_attempt_at: null });
      t.not(row!.escalated_at, null);
      t.same(await w.actions(id), [
        { kind: 'uplink_rejected', actor: 'system', revision: 1, message: 'notify', reason: 'account 7001 is not registered for alarm forwarding' },
        { kind: 'uplink_escalated', actor: 'system', revision: 1, message: 'notify', reason: 'rejected' },
      ]);
      t.equal((await loadIncident(w.db, id))!.state.uplinkStatus, 'rejected');
      w.advance(60_000);
      await deliver();
      t.equal((await w.actions(id)).length, 2, 'never sent again, never escalated again');
      t.equal((await w.attempts(row!.id)).length, 1);
      w.advance(-60_000);
      w.sim.setMode('accept', []);
    });

    await t.test('110 down: retried with backoff, delivered exactly once when up', async (t) => {
      const id = await w.alarm('7002');
      w.sim.setMode('down');
      await enqueue(id, '7002');
      const key = `${id}/1/notify`;
      await deliver();
      let [row] = await w.outbox(id);
      t.match(row, { status: 'pending', attempts: 1 });
      t.equal(row!.next_attempt_at!.getTime() - w.now(), 1000, 'the first retry after initialMs');
      t.match(row!.last_error, /^HTTP 503/);
      await deliver();
      t.equal((await w.outbox(id))[0]!.attempts, 1, 'not before it is due');
      for (const wait of [1000, 2000, 4000]) {
        w.advance(wait);
        await deliver();
        row = (await w.outbox(id))[0];
        t.equal(row!.status, 'pending');
      }
      t.equal(row!.next_attempt_at!.getTime() - w.now(), 4000, 'doubling, capped at maxMs');
      const tries = await w.attempts(row!.id);
      t.same(tries.map((a) => [a.attempt, a.result, a.http_status]), [[1, 'http_error', 503], [2, 'http_error', 503], [3, 'http_error', 503], [4, 'http_error', 503]], 'every attempt logged');

      w.sim.setMode('accept');
      w.advance(4000);
      await deliver();
      row = (await w.outbox(id))[0];
      t.match(row, { status: 'accepted', attempts: 5 });
      const accepted = w.sim.received().filter((m) => m.messageId === key && m.answer === 'accepted');
      t.equal(accepted.length, 1, 'received and accepted once');
      t.equal(w.sim.cases().filter((c) => c.incidentId === id).length, 1, 'one police case');
      t.equal((await w.actions(id)).filter((a) => a.kind === 'uplink_accepted').length, 1);

      // A delivery repeated after acceptance (a lapsed lease, the other node) opens no second case.
      const repeat = await sendMessage({ url: `${w.sim.url}/api/incidents`, ...KEY }, row!.payload, { now: w.now, timeoutMs: 5000, fetch });
      t.same(repeat, { result: 'accepted', httpStatus: 200, caseNumber: row!.case_number });
      t.equal(w.sim.cases().filter((c) => c.incidentId === id).length, 1, 'the same case number, still one case');
    });

    await t.test('not accepted within the timeout: escalated once, delivery goes on', async (t) => {
      const id = await w.alarm('7003');
      w.sim.setMode('down');
      await enqueue(id, '7003');
      await deliver();
      w.advance(29_000);
      await deliver();
      t.same(await w.actions(id), [], 'not before the timeout');
      w.advance(1_000);
      await deliver();
      t.same(await w.actions(id), [{ kind: 'uplink_escalated', actor: 'system', revision: 1, message: 'notify', reason: 'not_accepted_in_time' }], 'call 110 by phone');
      t.equal((await loadIncident(w.db, id))!.state.uplinkStatus, 'escalated');
      for (let i = 0; i < 3; i++) {
        w.advance(30_000);
        await deliver();
      }
      t.equal((await w.actions(id)).length, 1, 'once');
      t.ok((await w.outbox(id))[0]!.attempts > 2, 'still retrying');
      w.sim.setMode('accept');
      w.advance(4_000);
      await deliver();
      t.same((await w.actions(id)).map((a) => a.kind), ['uplink_escalated', 'uplink_accepted']);
      t.equal((await loadIncident(w.db, id))!.state.uplinkStatus, 'accepted', 'accepted wins over escalated');
      t.match(await w.metrics.metrics(), /arc_uplink110_escalations_total\{reason="not_accepted_in_time"\} 1/);
      w.advance(-150_000);
    });

    await t.test('a cancel waits for its notify, then goes under the same case', async (t) => {
      const id = await w.alarm('7004');
      w.sim.setMode('down');
      await enqueue(id, '7004');
      await w.db.transaction().execute((trx) => enqueueUplink(trx, buildCancel({ incidentId: id, revision: 1, reason: 'a guard found the premises secure', now: w.now() })));
      await deliver();
      t.same((await w.outbox(id)).map((r) => [r.kind, r.attempts]), [['notify', 1], ['cancel', 0]], 'never before its notify is answered');
      w.sim.setMode('accept');
      w.advance(1000);
      await deliver();
      const rows = await w.outbox(id);
      t.same(rows.map((r) => r.status), ['accepted', 'accepted']);
      t.equal(rows[1]!.case_number, rows[0]!.case_number);
      t.match(await w.actions(id), [{ kind: 'uplink_accepted', message: 'notify' }, { kind: 'uplink_accepted', revision: 1, message: 'cancel', caseNumber: rows[0]!.case_number }], "110's answer to the cancel is on the incident");
      t.match(w.sim.received().find((m) => m.messageId === `${id}/1/cancel`), { kind: 'cancel', answer: 'accepted', payload: { reason: 'a guard found the premises secure' } }, '110 lists it as received');
      t.match(w.sim.cases().find((c) => c.incidentId === id), { status: 'withdrawn', disposition: 'withdrawn by the centre: a guard found the premises secure' }, 'and stands the case down');
    });

    await t.test('a withdrawal goes only where 110 holds a report: its notify pending or accepted', async (t) => {
      const withdraw = (incidentId: string) => w.db.transaction().execute((trx) => buildWithdrawal(trx, { incidentId, revision: 2, reason: 'closed as a test by op-1', now: w.now() }));
      const never = await w.alarm('7006');
      t.equal(await withdraw(never), undefined, 'never reported: nothing to withdraw');
      const refused = await w.alarm('7007');
      w.sim.setMode('accept', ['7007']);
      await enqueue(refused, '7007');
      await deliver();
      w.sim.setMode('accept', []);
      t.equal((await w.outbox(refused))[0]!.status, 'rejected');
      t.equal(await withdraw(refused), undefined, '110 refused the report: it has no case to withdraw');
      const pending = await w.alarm('7008');
      await enqueue(pending, '7008');
      t.match(await withdraw(pending), { incidentId: pending, revision: 2, kind: 'cancel', payload: { kind: 'cancel', messageId: `${pending}/2/cancel`, reason: 'closed as a test by op-1' } }, 'a notify not answered yet: the cancel follows it');
      await deliver();
      t.match(await withdraw(pending), { kind: 'cancel' }, 'accepted: withdrawn on its case');
    });

    await t.test('110 refuses a message not signed with the shared key', async (t) => {
      const [row] = await w.outbox(await w.alarm('10000'));
      const bad = await sendMessage({ url: `${w.sim.url}/api/incidents`, keyId: KEY.keyId, secret: 'not the shared secret!!' }, row!.payload, { now: w.now, timeoutMs: 5000, fetch });
      t.match(bad, { result: 'http_error', httpStatus: 401 });
      t.match(w.sim.received().filter((m) => m.answer === 'refused').at(-1), { reason: 'UPLINK_BAD_SIGNATURE' });
      const unknown = await sendMessage({ url: `${w.sim.url}/api/incidents`, keyId: 'other', secret: KEY.secret }, row!.payload, { now: w.now, timeoutMs: 5000, fetch });
      t.match(unknown, { result: 'http_error', httpStatus: 401 });
      t.match(w.sim.received().filter((m) => m.answer === 'refused').at(-1), { reason: 'UPLINK_UNKNOWN_KEY' });
      const nobody = await sendMessage({ url: 'http://127.0.0.1:1/api/incidents', ...KEY }, row!.payload, { now: w.now, timeoutMs: 5000, fetch });
      t.match(nobody, { result: 'network_error', httpStatus: null });
      t.notOk(w.logs.some((l) => l.includes(KEY.secret)), 'the secret is never logged');
    });

    await delivery.stop();

    await t.test('with the uplink off, every forward is escalated at once and never sent', async (t) => {
      const off = w.startDelivery({ target: null });
      const id = await w.alarm('7005');
      await enqueue(id, '7005');
      off.kick();
      await off.settled();
      t.match((await w.outbox(id))[0], { status: 'not_sent', attempts: 0, next_attempt_at: null });
      t.same(await w.actions(id), [{ kind: 'uplink_escalated', actor: 'system', revision: 1, message: 'notify', reason: 'uplink_off' }]);
      await off.stop();
    });

    await t.test('escalations of many incidents are written together: each on its own record, a closed incident and its open successor told apart', async (t) => {
      // Account 7101: an incident forwarded, then closed, then a new alarm opens a second one, forwarded too.
      const closedId = await w.alarm('7101');
      await enqueue(closedId, '7101');
      await w.db.transaction().execute(async (trx) => {
        for (const command of [{ kind: 'acknowledge' }, { kind: 'close', outcome: 'real', note: 'guard on site' }] as const) {
          const current = (await lockIncident(trx, closedId))!.state;
          const d = decide(current, command, { id: 'op-1', role: 'operator' }, w.now());
          if (!d.ok) throw new Error(d.code);
          await appendActions(trx, current, current, d.actions);
        }
      });
      const successor = await w.alarm('7101', 4);
      t.not(successor, closedId);
      await enqueue(successor, '7101');
      // Account 7102: a notify and an update of one incident; 7103-7107: one each.
      const twice = await w.alarm('7102');
      await enqueue(twice, '7102', 1);
      await enqueue(twice, '7102', 2);
      const others = [];
      for (let a = 7103; a <= 7107; a++) {
        const id = await w.alarm(String(a));
        await enqueue(id, String(a));
        others.push(id);
      }
      const before = await w.db.selectFrom('incident_action').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      const appended = await escalateUnsendable(w.db, w.now());
      t.equal(appended.escalations.length, 9, 'all nine messages in one pass');
      const after = await w.db.selectFrom('incident_action').select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.max('id').as('last')]).executeTakeFirstOrThrow();
      t.equal(Number(after.n) - Number(before.n), 9, 'one action per message, no more');
      t.same(appended.lastActionIds, [String(after.last)], 'the last id, for the live feed');
      const escalated = (id: string) => w.actions(id, ['uplink_escalated']);
      t.match(await escalated(closedId), [{ revision: 1, message: 'notify', reason: 'uplink_off' }], 'the closed incident gets its own');
      t.match(await escalated(successor), [{ revision: 1, message: 'notify', reason: 'uplink_off' }], 'and its successor its own');
      t.match(await escalated(twice), [{ revision: 1 }, { revision: 2 }], 'two messages of one incident: two actions, in order');
      for (const id of others) t.equal((await escalated(id)).length, 1);
      // The queue rows are what the actions fold to, and the audit chain holds.
      for (const id of [closedId, successor, twice, ...others]) {
        const loaded = (await loadIncident(w.db, id))!;
        const row = await w.db.selectFrom('incident_queue').select(['state', 'status']).where('incident_id', '=', id).executeTakeFirstOrThrow();
        t.same(row.state, loaded.state, `incident ${id}: queue row = folded actions`);
        t.equal((row.state as { uplinkStatus: string }).uplinkStatus, 'escalated');
      }
      t.equal((await loadIncident(w.db, closedId))!.state.status, 'closed', 'still closed');
      t.match(await verifyAuditChain(w.db), { ok: true });
    });

    await t.test("answers that arrive together are recorded in one transaction, each as it would be alone", async (t) => {
      const [accepted, rejected, failed] = [await w.alarm('7401'), await w.alarm('7402'), await w.alarm('7403')];
      for (const [id, account] of [[accepted, '7401'], [rejected, '7402'], [failed, '7403']] as const) await enqueue(id, account);
      const claimed = await claimDue(w.db, w.now(), 10_000, 10);
      const of = (id: string) => claimed.find((m) => m.incidentId === id)!;
      t.equal(claimed.length, 3);
      const at = w.now() + 30;
      const before = await w.db.selectFrom('incident_action').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      const { appended, recorded } = await recordOutcomes(
        w.db,
        [
          { message: of(accepted), outcome: { result: 'accepted', httpStatus: 200, caseNumber: '110-20261207-00001' }, startedAt: at - 20, at },
          { message: of(rejected), outcome: { result: 'rejected', httpStatus: 422, reason: 'not registered' }, startedAt: at - 20, at },
          { message: of(failed), outcome: { result: 'timeout', httpStatus: null, error: 'no answer in 5000 ms' }, startedAt: at - 5_000, at },
          // The same message answered twice (its lease lapsed while the first send hung): only the attempt is logged.
          { message: of(accepted), outcome: { result: 'accepted', httpStatus: 200, caseNumber: '110-20261207-00001' }, startedAt: at - 10, at },
        ],
        { initialMs: 1000, maxMs: 4000 },
      );
      t.same(recorded, [
        { stillPending: false, escalation: null },
        { stillPending: false, escalation: 'rejected' },
        { stillPending: true, escalation: null },
        { stillPending: false, escalation: null },
      ]);
      t.match((await w.outbox(accepted))[0], { status: 'accepted', case_number: '110-20261207-00001', next_attempt_at: null });
      t.match((await w.outbox(rejected))[0], { status: 'rejected', reject_reason: 'not registered', next_attempt_at: null, escalated_at: new Date(at) });
      t.match((await w.outbox(failed))[0], { status: 'pending', last_error: 'no answer in 5000 ms', next_attempt_at: new Date(at + 1000), escalated_at: null }, 'a failed attempt: tried again after the backoff');
      t.same((await w.attempts(of(accepted).id)).map((a) => a.result), ['accepted', 'accepted'], 'every attempt is logged');
      t.equal((await w.attempts(of(failed).id)).length, 1);
      t.match(await w.actions(accepted), [{ kind: 'uplink_accepted', caseNumber: '110-20261207-00001' }]);
      t.equal((await w.actions(accepted)).length, 1, 'the repeat appends nothing');
      t.match(await w.actions(rejected), [{ kind: 'uplink_rejected', reason: 'not registered' }, { kind: 'uplink_escalated', reason: 'rejected' }]);
      t.same(await w.actions(failed), []);
      const after = await w.db.selectFrom('incident_action').select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.max('id').as('last')]).executeTakeFirstOrThrow();
      t.equal(Number(after.n) - Number(before.n), 3);
      t.same(appended, { lastActionIds: [String(after.last)], escalations: ['rejected'] }, 'one commit: its last action id wakes the consoles');
      for (const id of [accepted, rejected]) {
        const row = await w.db.selectFrom('incident_queue').select('state').where('incident_id', '=', id).executeTakeFirstOrThrow();
        t.same(row.state, (await loadIncident(w.db, id))!.state, `incident ${id}: queue row = folded actions`);
      }
      t.match(await verifyAuditChain(w.db), { ok: true });
    });

    await t.test('the recorder takes what arrives during a record in the next one, and refuses a bad answer alone', async (t) => {
      const ids = [await w.alarm('7501'), await w.alarm('7502'), await w.alarm('7503')];
      for (const [i, id] of ids.entries()) await enqueue(id, String(7501 + i));
      const claimed = await claimDue(w.db, w.now(), 10_000, 10);
      t.equal(claimed.length, 3);
      const rounds: Appended[] = [];
      const recorder = new OutcomeRecorder(w.db, { initialMs: 1000, maxMs: 4000 }, (a) => rounds.push(a), (err) => t.fail(String(err)));
      const answer = (i: number) => ({ message: claimed[i]!, outcome: { result: 'accepted' as const, httpStatus: 200, caseNumber: `110-20261207-0010${i}` }, startedAt: w.now(), at: w.now() });
      const unknown = { ...answer(1), message: { ...claimed[1]!, id: '999999999' } };
      // The first goes at once, alone; the next three arrive while it is in flight and go together.
      const results = await Promise.allSettled([recorder.record(answer(0)), recorder.record(answer(1)), recorder.record(unknown), recorder.record(answer(2))]);
      t.same(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      t.match((results[2] as PromiseRejectedResult).reason, /uplink message 999999999 is not in the outbox/, 'the bad answer is refused');
      for (const [i, id] of ids.entries()) t.match((await w.outbox(id))[0], { status: 'accepted', case_number: `110-20261207-0010${i}` }, `the answer for ${id} is recorded all the same`);
      t.equal(rounds.length, 3, 'the first alone; the round with the bad answer failed whole and went again one by one (two commits)');
      t.match(await verifyAuditChain(w.db), { ok: true });
    });
  });
}
