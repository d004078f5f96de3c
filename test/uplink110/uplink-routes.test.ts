import t from 'tap';
import { signedHeaders } from '../../src/signing/hmac-signature.js';
import { loadIncident } from '../../src/incidents/incident-store.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { eventually, KEY, uplinkWorld } from './uplink-test-kit.js';

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the operator's forward reaches 110, and 110's case updates come back signed`, async (t) => {
    const w = await uplinkWorld(t, database);
    // Woken by the incident bus only (its poll is 10 minutes): the forward's commit wakes it.
    const delivery = w.startDelivery();
    w.bus.onPublished(() => delivery.kick());
    const operator = await w.signInArc('operator');
    const police = await w.signInArc('police');
    const guard = await w.signInArc('guard');
    const id = await w.alarm('10000', 3);
    await w.alarm('10000', 4);

    const act = (payload: object) => fetch(`${w.arcUrl}/api/incidents/${id}/actions`, { method: 'POST', headers: { authorization: operator.authorization, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    t.equal((await act({ kind: 'acknowledge' })).status, 201);
    t.equal((await act({ kind: 'judge', verdict: 'real', evidence: '金库两个防区先后报警，回访无人接听' })).status, 201);
    const forwarded = await act({ kind: 'forward_110', note: '请速派警' });
    t.equal(forwarded.status, 201, 'the operator forwards to 110');

    await eventually(async () => (await w.outbox(id))[0]?.status === 'accepted', 'the forward is accepted by 110');
    const [row] = await w.outbox(id);
    t.match(row, { revision: 1, kind: 'notify', attempts: 1 });
    t.match(row!.payload, {
      level: 'operator_confirmed',
      zones: [{ number: 3, name: '金库门磁' }, { number: 4, name: '金库震动' }],
      evidence: [
        { kind: 'operator', operator: operator.user.id, note: '金库两个防区先后报警，回访无人接听 — 请速派警' },
        { kind: 'alarm', zone: 3, zoneName: '金库门磁', principle: 'contact', code: '130' },
        { kind: 'alarm', zone: 4, zoneName: '金库震动', principle: 'vibration', code: '130' },
      ],
    }, 'operator-confirmed, with the judgement and every alarm as evidence');
    t.equal((await act({ kind: 'forward_110', note: 'again' })).status, 409, 'forwarded once');
    t.equal((await w.outbox(id)).length, 1);
    const caseNumber = row!.case_number!;

    await t.test('the outbox, for staff and the police liaison', async (t) => {
      const get = (who: { authorization: string } | undefined, query = '') => fetch(`${w.arcUrl}/api/uplink110/outbox${query}`, { headers: who ? { authorization: who.authorization } : {} });
      t.equal((await get(undefined)).status, 401);
      t.equal((await get(guard)).status, 403);
      const list = (await (await get(police, `?incidentId=${id}`)).json()) as { messages: Record<string, unknown>[] };
      t.match(list.messages, [{ incidentId: id, revision: 1, kind: 'notify', status: 'accepted', caseNumber, attempts: 1, escalatedAt: null }]);
      t.same(((await (await get(operator, '?status=pending')).json()) as { messages: unknown[] }).messages, []);
    });

    await t.test('110 reports dispatched, on scene and closed; arc appends them', async (t) => {
      t.equal(await w.sim.report(caseNumber, 'dispatched'), 201);
      t.equal(await w.sim.report(caseNumber, 'dispatched'), 200, 'a repeat is recorded once');
      t.equal(await w.sim.report(caseNumber, 'on_scene'), 201);
      t.equal(await w.sim.report(caseNumber, 'closed', '抓获嫌疑人一名'), 201);
      const updates = (await w.actions(id, ['police_update']));
      t.same(updates, [
        { kind: 'police_update', actor: '110', caseNumber, status: 'dispatched', disposition: null },
        { kind: 'police_update', actor: '110', caseNumber, status: 'on_scene', disposition: null },
        { kind: 'police_update', actor: '110', caseNumber, status: 'closed', disposition: '抓获嫌疑人一名' },
      ]);
      t.match((await loadIncident(w.db, id))!.state, { policeStatus: 'closed', caseNumber110: caseNumber, uplinkStatus: 'accepted' });
      t.match(w.sim.cases().find((c) => c.caseNumber === caseNumber), { status: 'closed', disposition: '抓获嫌疑人一名' });
    });

    await t.test('a sim-110 with a disposition plan reports by itself', async (t) => {
      await delivery.stop(); // this one goes to the other sim
      const { startSim110 } = await import('../../src/uplink110/sim-110/index.js');
      const planned = await startSim110({ port: 0, host: '127.0.0.1', ...KEY, arcUrl: w.arcUrl, now: w.now, dispositions: { dispatchedAfterMs: 10, onSceneAfterMs: 30, closedAfterMs: 60, disposition: '误报，现场无异常' } });
      w.sims.push(planned);
      const other = await w.alarm('7100');
      await w.db.transaction().execute(async (trx) => {
        const { buildNotify } = await import('../../src/uplink110/build-message.js');
        const { enqueueUplink } = await import('../../src/uplink110/enqueue-uplink.js');
        await enqueueUplink(trx, await buildNotify(trx, { incidentId: other, account: '7100', revision: 1, level: 'emergency', evidence: [{ kind: 'alarm', at: w.now(), zone: 1, zoneName: null, principle: null, code: '122', description: 'Silent panic' }], now: w.now() }));
      });
      const viaPlanned = w.startDelivery({ target: { url: `${planned.url}/api/incidents`, ...KEY } });
      viaPlanned.kick();
      await eventually(async () => (await w.actions(other, ['police_update'])).length === 3, 'three case updates');
      t.same((await w.actions(other, ['police_update'])).map((a) => [a.status, a.disposition]), [['dispatched', null], ['on_scene', null], ['closed', '误报，现场无异常']]);
      const [r] = await w.outbox(other);
      t.match(r!.payload, { level: 'emergency', threatToLife: true, premises: { name: null, address: null, position: null }, zones: [] }, 'an account without a card: the level and evidence still go');
      await viaPlanned.stop();
    });

    await t.test('arc refuses case updates that are unsigned, stale, badly signed, or for a case it does not know', async (t) => {
      const post = (body: object, headers: Record<string, string>) => fetch(`${w.arcUrl}/api/uplink110/police-updates`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const update = { incidentId: id, caseNumber, status: 'on_scene', disposition: null, at: new Date(w.now()).toISOString() };
      const body = JSON.stringify(update);
      const code = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
      t.same(await code(await post(update, {})), [401, 'UPLINK_SIGNATURE_MISSING']);
      t.same(await code(await post({ nonsense: true }, {})), [401, 'UPLINK_SIGNATURE_MISSING'], 'before the body is looked at');
      t.same(await code(await post(update, signedHeaders(KEY, body, w.now() - 301_000))), [401, 'UPLINK_STALE_TIMESTAMP']);
      t.same(await code(await post(update, signedHeaders({ ...KEY, secret: 'a different secret, 32 chars' }, body, w.now()))), [401, 'UPLINK_BAD_SIGNATURE']);
      t.same(await code(await post(update, signedHeaders({ ...KEY, keyId: 'someone' }, body, w.now()))), [401, 'UPLINK_UNKNOWN_KEY']);
      const signedPost = (u: object) => post(u, signedHeaders(KEY, JSON.stringify(u), w.now()));
      t.same(await code(await signedPost({ ...update, caseNumber: '110-19990101-00001' })), [409, 'UPLINK_UNKNOWN_CASE']);
      t.same(await code(await signedPost({ ...update, incidentId: '999999' })), [404, 'INCIDENT_NOT_FOUND']);
      t.same(await code(await signedPost({ ...update, status: 'lost' })), [400, 'BAD_REQUEST'], 'signed but malformed');
      t.equal((await w.actions(id, ['police_update'])).length, 3, 'nothing appended');
    });
    await delivery.stop();
  });
}
