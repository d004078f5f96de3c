import pg from 'pg';
import t from 'tap';
import { startSimDialler } from '../../src/callback-dialler/sim-dialler/index.js';
import { signedHeaders } from '../../src/signing/hmac-signature.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { DURESS, eventually, incidentViews, MANAGER, OWNER, PASSCODE, PREMISES, startCentre } from './scenario-kit.js';

const SECRET = 'scenario-dialler-secret-0123456789';

// Each scenario has its premises (an account) in one running centre. Every shop has the same
// three numbers, so each scenario sets the gateway's script before its alarm (the gateway reads
// it as each call comes in).
const ACCOUNTS = { passcode: '6001', duress: '6002', noAnswer: '6003', down: '6004', holdUp: '6005' } as const;

/**
 * The automated callback dialler (语音自动复核) end to end: a running arc (DC-09 receiver,
 * journal, consumers, verification, dispatch, the 110 uplink to a simulated 110) placing its
 * password callbacks through the simulated voice gateway (`arc sim-dialler`), which reports each
 * call's scripted result to arc's webhook, signed, over real HTTP.
 */
const database = TEST_DATABASES.at(-1)!; // PostgreSQL when CI has it, else the embedded database
t.test(`${database.name}: automated callbacks end to end`, async (t) => {
  const gateway = await startSimDialler({ port: 0, host: '127.0.0.1', secret: SECRET, answerAfterMs: 200 });
  t.teardown(() => gateway.stop());
  const c = await startCentre(t, database, Object.values(ACCOUNTS).map((account) => ({ account })), { ARC_CALLBACK_DIALLER_URL: gateway.url, ARC_CALLBACK_DIALLER_SECRET: SECRET });
  gateway.setTarget(c.arc.address);

  const { incidentOf, actionsOf, actionSeen } = incidentViews(c);
  const to110 = (incidentId: string) => c.sim.received().filter((m) => m.incidentId === incidentId);
  const callsFor = (incidentId: string) => gateway.received().requests.filter((r) => r.incidentId === incidentId);
  const resultsFor = (incidentId: string) => gateway.received().results.filter((r) => r.incidentId === incidentId);
  const resultSeen = (incidentId: string, n = 1) => eventually(async () => (resultsFor(incidentId).length >= n ? resultsFor(incidentId) : undefined), `${n} result(s) for incident ${incidentId}`);
  const metric = async (line: RegExp) => {
    const text = await (await fetch(`${c.arc.address}/metrics`)).text();
    return Number(line.exec(text)?.[1] ?? 0);
  };
  const webhook = async (body: object, headers: Record<string, string>) => {
    const text = JSON.stringify(body);
    const res = await fetch(`${c.arc.address}/api/callback-dialler/results`, { method: 'POST', body: text, headers: { 'content-type': 'application/json', ...headers } });
    return { status: res.status, body: (await res.json()) as { reply?: string; error?: { code: string } } };
  };
  /** Audited passcode checks, on PostgreSQL (the embedded database is the centre's alone). */
  const passcodeChecks = async () => {
    if (c.databaseUrl === undefined) return undefined;
    const client = new pg.Client({ connectionString: c.databaseUrl });
    await client.connect();
    try {
      return (await client.query<{ n: string }>("select count(*) as n from audit_log where action = 'customer.passcode_check'")).rows[0]!.n;
    } finally {
      await client.end();
    }
  };
  const signed = (body: object, secret = SECRET) => signedHeaders({ keyId: 'arc', secret }, JSON.stringify(body), Date.now());

  await t.test('a PIR trip: the gateway calls the premises, the right passcode is keyed in: closed as a user false alarm, nothing to 110', async (t) => {
    gateway.setScript({ [PREMISES]: { answer: 'answered', code: PASSCODE } });
    await c.panel(ACCOUNTS.passcode, '130', 1);
    const inc = await incidentOf(ACCOUNTS.passcode);
    await actionSeen(inc.id, 'closed', (a) => a.detail.outcome === 'user_false_alarm');
    t.match(callsFor(inc.id), [{ kind: 'call', answer: 'accepted', phone: PREMISES, contact: 'premises', prompt: /passcode/ }], 'one call, to the premises');
    t.match(await resultSeen(inc.id), [{ answer: 'answered', codeGiven: true, arcStatus: 200, reply: 'code_accepted' }], 'the caller hears the code was accepted');
    t.match(await actionSeen(inc.id, 'verification_callback'), { detail: { phone: PREMISES, result: 'code_accepted' } });
    t.same(to110(inc.id), [], '110 received nothing');

    const before = (await actionsOf(inc.id)).actions.length;
    const checks = await passcodeChecks();
    const again = { incidentId: inc.id, callId: callsFor(inc.id)[0]!.callId!, contact: 'premises', phone: PREMISES, answer: 'answered', code: PASSCODE };
    t.same(await webhook(again, signed(again)), { status: 200, body: { reply: 'code_accepted' } }, 'the same result sent again (a retry after a lost answer) is answered as the first');
    t.equal((await actionsOf(inc.id)).actions.length, before, 'and changes nothing');
    if (checks !== undefined) t.equal(await passcodeChecks(), checks, 'its code is not checked (nor the check audited) a second time');
  });

  await t.test('the duress code: the caller hears exactly what the right passcode gets, and 110 is told silently', async (t) => {
    gateway.setScript({ [PREMISES]: { answer: 'answered', code: DURESS } });
    await c.panel(ACCOUNTS.duress, '130', 1);
    const inc = await incidentOf(ACCOUNTS.duress);
    t.match(await resultSeen(inc.id), [{ answer: 'answered', arcStatus: 200, reply: 'code_accepted' }], 'code_accepted, as for the passcode');
    await actionSeen(inc.id, 'uplink_accepted');
    t.match(to110(inc.id)[0]?.payload, { kind: 'notify', level: 'callback_duress' }, '110 is told it is duress');
    const record = JSON.stringify((await actionsOf(inc.id)).actions);
    t.notMatch(record, /duress/i, 'nothing on the console says duress');
    t.notMatch(record, DURESS, 'the code is not on the record');
    t.notOk(callsFor(inc.id).some((r) => r.kind === 'call' && r.phone !== PREMISES), 'nobody else is called');
  });

  await t.test('no answer on two numbers: a guard is sent, nothing to 110', async (t) => {
    gateway.setScript({}); // nobody answers
    await c.panel(ACCOUNTS.noAnswer, '130', 1);
    const inc = await incidentOf(ACCOUNTS.noAnswer);
    await actionSeen(inc.id, 'dispatch_requested');
    // The dispatch worker assigns a guard after the decision, in its own transaction: waited
    // for, so that the next scenario finds this incident settled (it counts its actions).
    await actionSeen(inc.id, 'guard_assigned');
    t.same(callsFor(inc.id).filter((r) => r.kind === 'call').map((r) => r.phone), [PREMISES, OWNER], 'the premises, then the owner; not the manager (ECV: two numbers)');
    t.match(await resultSeen(inc.id, 2), [{ answer: 'no_answer', reply: null }, { answer: 'no_answer', reply: null }]);
    t.notOk(callsFor(inc.id).some((r) => r.phone === MANAGER));
    t.same(to110(inc.id), [], 'unverified: nothing to 110');
  });

  await t.test('a result without the link\'s signature, or with a wrong one: 401, counted, and nothing changes', async (t) => {
    const inc = await incidentOf(ACCOUNTS.noAnswer);
    const before = (await actionsOf(inc.id)).actions.length;
    const refusedBefore = await metric(/^arc_callback_dialler_refused_total\{code="DIALLER_SIGNATURE_MISSING"\} (\d+)$/m);
    const forged = { incidentId: inc.id, callId: `${inc.id}:call:9`, contact: 'premises', phone: PREMISES, answer: 'answered', code: PASSCODE };
    t.match(await webhook(forged, {}), { status: 401, body: { error: { code: 'DIALLER_SIGNATURE_MISSING' } } });
    t.match(await webhook(forged, signed(forged, 'a-guessed-secret-0000000000')), { status: 401, body: { error: { code: 'DIALLER_BAD_SIGNATURE' } } });
    const tampered = signed(forged);
    t.match(await webhook({ ...forged, answer: 'refused' }, tampered), { status: 401, body: { error: { code: 'DIALLER_BAD_SIGNATURE' } } }, 'signed, then changed');
    t.equal(await metric(/^arc_callback_dialler_refused_total\{code="DIALLER_SIGNATURE_MISSING"\} (\d+)$/m), refusedBefore + 1, 'counted');
    t.equal(await metric(/^arc_callback_dialler_refused_total\{code="DIALLER_BAD_SIGNATURE"\} (\d+)$/m), 2);
    const after = await actionsOf(inc.id);
    t.equal(after.actions.length, before, 'nothing on the record');
    t.equal(after.incident.status, 'open', 'the incident stays open');

    const unknown = { ...forged, incidentId: '999999999' };
    t.match(await webhook(unknown, signed(unknown)), { status: 404, body: { error: { code: 'INCIDENT_NOT_FOUND' } } }, 'signed, for an incident arc does not have');
    const closed = { ...forged, incidentId: (await incidentOf(ACCOUNTS.passcode)).id };
    t.match(await webhook(closed, signed(closed)), { status: 409, body: { error: { code: 'INCIDENT_CLOSED' } } }, 'signed, for a closed incident');

    const docs = (await (await fetch(`${c.arc.address}/docs/json`)).json()) as { paths: Record<string, { post?: { requestBody?: unknown; responses?: Record<string, unknown> } }> };
    t.match(docs.paths['/api/callback-dialler/results']?.post, { requestBody: {}, responses: { 200: {} } }, 'in the OpenAPI docs, with its schemas');
  });

  await t.test('the gateway down when the call starts: retried and counted, the console told, and the answer timer moves the case on', async (t) => {
    t.equal((await c.api('supervisor', 'PUT', `/api/accounts/${ACCOUNTS.down}/verification-policy`, { preset: 'standard', overrides: { burglary: { callAnswerS: 10 } } })).status, 200, 'a 10 s answer time for the test');
    gateway.setScript({ [OWNER]: { answer: 'answered', code: PASSCODE } });
    const attemptsBefore = await metric(/^arc_callback_dialler_attempts_total\{request="call",result="http_error"\} (\d+)$/m);
    gateway.setMode('down');
    await c.panel(ACCOUNTS.down, '130', 1);
    const inc = await incidentOf(ACCOUNTS.down);
    const notice = await actionSeen(inc.id, 'verification_notice', (a) => /could not be placed/.test(String(a.detail.message)));
    t.match(notice, { actor: 'callback-dialler', detail: { urgency: 'high', message: new RegExp(PREMISES) } }, 'the operators are told to call by hand');
    const refused = callsFor(inc.id).filter((r) => r.kind === 'call' && r.answer === 'down');
    t.ok(refused.length >= 2, `retried: ${refused.length} attempts`);
    t.equal(await metric(/^arc_callback_dialler_attempts_total\{request="call",result="http_error"\} (\d+)$/m), attemptsBefore + refused.length, 'every attempt counted');
    t.ok((await metric(/^arc_callback_dialler_failures_total\{request="call"\} (\d+)$/m)) >= 1, 'and the call given up counted');

    gateway.setMode('up');
    // The engine's call_answer timer (durable, in its state) runs out: the next number.
    await actionSeen(inc.id, 'callback_started', (a) => a.detail.phone === OWNER, 30_000);
    await actionSeen(inc.id, 'closed', (a) => a.detail.outcome === 'user_false_alarm', 30_000);
    t.match(resultsFor(inc.id), [{ phone: OWNER, reply: 'code_accepted' }], 'the owner answered with the passcode');
    t.same(to110(inc.id), []);
  });

  await t.test('a hold-up cancels the automated call in progress: the gateway gets the cancel, and no result comes', async (t) => {
    gateway.setScript({ [PREMISES]: { answer: 'answered', code: PASSCODE, afterS: 30 } }); // still ringing when the hold-up comes
    await c.panel(ACCOUNTS.holdUp, '130', 1);
    const inc = await incidentOf(ACCOUNTS.holdUp);
    const [call] = await eventually(async () => (callsFor(inc.id).length > 0 ? callsFor(inc.id) : undefined), 'the call at the gateway');
    await c.panel(ACCOUNTS.holdUp, '122', 4);
    await eventually(async () => (callsFor(inc.id).some((r) => r.kind === 'cancel' && r.callId === call!.callId && r.answer === 'accepted') ? true : undefined), 'the cancel at the gateway');
    await actionSeen(inc.id, 'callback_cancelled', (a) => a.detail.callId === call!.callId);
    await actionSeen(inc.id, 'uplink_accepted');
    t.match(to110(inc.id)[0]?.payload, { level: 'emergency' });
    t.same(resultsFor(inc.id), [], 'no result for the cancelled call');
  });
});
