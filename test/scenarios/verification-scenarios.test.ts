import t, { type Test } from 'tap';
import { TEST_DATABASES } from '../helpers/databases.js';
import { DURESS, eventually, GUARDS, incidentViews, MANAGER, OWNER, PASSCODE, PREMISES, startCentre, type IncidentView } from './scenario-kit.js';

// Each scenario has its premises (an account) in one running centre per database.
const ACCOUNTS = {
  passcode: '5001', linked: '5002', holdUp: '5003', duress: '5004', guardReal: '5005', guardFalse: '5006',
  rejected: '5007', down: '5008', disarmed: '5009', onTest: '5010', fire: '5011', trouble: '5012', suspended: '5013',
  withdrawn: '5014', suspendedForwarded: '5015',
} as const;

/** The end-to-end verification scenarios of issue 5: real receiver, real HTTP, a simulated 110, scripted callbacks and guards. */
const database = TEST_DATABASES.at(-1)!; // PostgreSQL when CI has it, else the embedded database
t.test(`${database.name}: verification end to end`, async (t) => {
  const c = await startCentre(t, database, Object.values(ACCOUNTS).map((account) => ({
    account,
    ...(account === ACCOUNTS.onTest && { serviceStatus: 'on_test' as const }),
    ...((account === ACCOUNTS.suspended || account === ACCOUNTS.suspendedForwarded) && { serviceStatus: 'suspended' as const }),
  })));

  const { incidentOf, actionsOf, actionSeen } = incidentViews(c);
  const received = (incidentId: string) => c.sim.received().filter((m) => m.incidentId === incidentId);
  const call = (id: string, body: object) => c.api<{ reply: string | null }>('operator', 'POST', `/api/incidents/${id}/verification-calls`, body);
  /** The pending call the engine asked for (the console shows it), as the operator would place it. */
  const lastCall = async (id: string) => {
    const started = (await actionsOf(id)).actions.filter((a) => a.kind === 'callback_started');
    return started.at(-1)!.detail as { callId: string; contact: string; phone: string };
  };
  /** The guard who holds the incident's order, as their phone app sees it. */
  const guardOrder = (incidentId: string) =>
    eventually(async () => {
      for (const role of GUARDS) {
        const { body } = await c.api<{ orders: { id: string; incidentId: string; status: string }[] }>(role, 'GET', '/api/guard/orders');
        const order = body.orders.find((o) => o.incidentId === incidentId && o.status === 'issued');
        if (order) return [role, order] as const;
      }
      return undefined;
    }, `a guard's order for incident ${incidentId}`);
  const guardWorks = async (incidentId: string, finding: 'real' | 'false') => {
    const [role, order] = await guardOrder(incidentId);
    for (const step of ['accept', 'en-route', 'on-scene']) t.equal((await c.api(role, 'POST', `/api/dispatch-orders/${order.id}/${step}`, {})).status, 200, `the guard: ${step}`);
    t.equal((await c.api(role, 'POST', `/api/dispatch-orders/${order.id}/report`, { finding, note: finding === 'real' ? 'rear window forced' : 'cat in the sales room' })).status, 200, `the guard reports ${finding}`);
    return order;
  };

  await t.test('one PIR trip, the right passcode on the callback: closed, nothing to 110', async (t) => {
    t.match(await c.panel(ACCOUNTS.passcode, '130', 1), /"ACK"/);
    const inc = await incidentOf(ACCOUNTS.passcode);
    const pending = await lastCall(inc.id);
    t.equal(pending.phone, PREMISES, 'the premises are called first');
    const answer = await call(inc.id, { callId: pending.callId, contact: pending.contact, phone: pending.phone, answer: 'answered', code: PASSCODE });
    t.same(answer.body, { reply: 'code_accepted' });
    await actionSeen(inc.id, 'closed', (a) => a.detail.outcome === 'user_false_alarm');
    t.same(received(inc.id), [], '110 received nothing');
  });

  await t.test('two zones within the window: to 110 with the linked zones as evidence, accepted with a case number', async (t) => {
    await c.panel(ACCOUNTS.linked, '130', 1);
    await c.panel(ACCOUNTS.linked, '130', 3);
    const inc = await incidentOf(ACCOUNTS.linked);
    const accepted = await actionSeen(inc.id, 'uplink_accepted');
    const [message] = received(inc.id);
    t.match(message, { kind: 'notify', revision: 1, answer: 'accepted' });
    t.match(message!.payload, { level: 'linked_zones', zones: [{ number: 1 }, { number: 3 }] }, 'the zones the evidence names');
    t.equal(accepted.detail.caseNumber, message!.caseNumber, 'the case number is on the incident');
  });

  await t.test('a hold-up is at 110 within 1 s, with no callback', async (t) => {
    const sentAt = Date.now();
    await c.panel(ACCOUNTS.holdUp, '122', 4);
    const inc = await incidentOf(ACCOUNTS.holdUp);
    await actionSeen(inc.id, 'uplink_accepted');
    t.match(received(inc.id)[0]?.payload, { level: 'emergency', threatToLife: true });
    // The bound (typically some 50 ms here). Without the wake-up its forward's commit
    // gives the uplink's worker (verification's onQueued), the report waits for the worker's poll
    // (5 s) or for another commit's wake-up (the guard's order, about a second later).
    t.ok(Date.parse(received(inc.id)[0]!.at) - sentAt <= 1_000, `at 110 ${Date.parse(received(inc.id)[0]!.at) - sentAt} ms after the panel sent it`);
    t.notOk((await actionsOf(inc.id)).actions.some((a) => a.kind === 'callback_started'), 'nobody calls the premises');
    await actionSeen(inc.id, 'guard_assigned');
  });

  await t.test('the duress code on the callback: to 110 silently, the screen and the caller learn nothing', async (t) => {
    await c.panel(ACCOUNTS.duress, '130', 1);
    const inc = await incidentOf(ACCOUNTS.duress);
    const pending = await lastCall(inc.id);
    const answer = await call(inc.id, { callId: pending.callId, contact: pending.contact, phone: pending.phone, answer: 'answered', code: DURESS });
    t.same(answer.body, { reply: 'code_accepted' }, 'the caller hears what the right passcode gets');
    await actionSeen(inc.id, 'uplink_accepted');
    t.match(received(inc.id)[0]?.payload, { level: 'callback_duress' }, '110 is told it is duress');
    t.notMatch(JSON.stringify((await actionsOf(inc.id)).actions), /duress/i, 'nothing on the console says duress');
  });

  await t.test('no answer on two numbers: a guard; the guard reports real: to 110', async (t) => {
    await c.panel(ACCOUNTS.guardReal, '130', 1);
    const inc = await incidentOf(ACCOUNTS.guardReal);
    let pending = await lastCall(inc.id);
    await call(inc.id, { callId: pending.callId, contact: pending.contact, phone: pending.phone, answer: 'no_answer' });
    pending = await eventually(async () => ((await lastCall(inc.id)).phone === OWNER ? lastCall(inc.id) : undefined), 'the second call');
    await call(inc.id, { callId: pending.callId, contact: pending.contact, phone: pending.phone, answer: 'busy' });
    await actionSeen(inc.id, 'dispatch_requested');
    t.same(received(inc.id), [], 'unverified: nothing to 110 yet');
    t.notOk((await actionsOf(inc.id)).actions.some((a) => a.kind === 'callback_started' && a.detail.phone === MANAGER), 'two numbers, then the guard (ECV)');
    await guardWorks(inc.id, 'real');
    await actionSeen(inc.id, 'uplink_accepted');
    t.match(received(inc.id)[0]?.payload, { level: 'guard_confirmed' });
  });

  await t.test('the guard reports a false alarm: closed, nothing to 110', async (t) => {
    await c.panel(ACCOUNTS.guardFalse, '130', 1);
    const inc = await incidentOf(ACCOUNTS.guardFalse);
    const pending = await lastCall(inc.id);
    await call(inc.id, { callId: pending.callId, contact: pending.contact, phone: pending.phone, answer: 'refused' });
    await guardWorks(inc.id, 'false');
    await actionSeen(inc.id, 'closed', (a) => a.detail.outcome === 'device_false_alarm');
    t.same(received(inc.id), []);
  });

  await t.test('110 rejects: the operator is told to call 110 by phone', async () => {
    c.sim.setMode('reject');
    try {
      await c.panel(ACCOUNTS.rejected, '122', 4);
      const inc = await incidentOf(ACCOUNTS.rejected);
      await actionSeen(inc.id, 'uplink_rejected');
      await actionSeen(inc.id, 'uplink_escalated');
    } finally {
      c.sim.setMode('accept');
    }
  });

  await t.test('110 down: retried, and delivered once when it is up', async (t) => {
    c.sim.setMode('down');
    // While down, 110 answers 503 before it reads a message: the refusals are counted as they come.
    const downBefore = c.sim.received().filter((m) => m.answer === 'down').length;
    await c.panel(ACCOUNTS.down, '122', 4);
    const inc = await incidentOf(ACCOUNTS.down);
    await eventually(async () => (c.sim.received().filter((m) => m.answer === 'down').length >= downBefore + 2 ? true : undefined), 'two refused attempts');
    c.sim.setMode('accept');
    await actionSeen(inc.id, 'uplink_accepted');
    t.equal(received(inc.id).filter((m) => m.answer === 'accepted').length, 1, 'accepted once');
    t.equal(c.sim.cases().filter((k) => k.incidentId === inc.id).length, 1, 'one police case');
  });

  await t.test('an intrusion while disarmed is logged, not verified', async (t) => {
    await c.panel(ACCOUNTS.disarmed, '401', 2); // opening by user 2
    await c.panel(ACCOUNTS.disarmed, '130', 1);
    const inc = await incidentOf(ACCOUNTS.disarmed);
    await actionSeen(inc.id, 'verification_notice', (a) => /while disarmed/.test(String(a.detail.message)));
    t.notOk((await actionsOf(inc.id)).actions.some((a) => a.kind === 'callback_started'), 'no callback');
    t.same(received(inc.id), []);
  });

  await t.test('an alarm on an account on test: journaled, no incident, nothing to 110', async (t) => {
    t.match(await c.panel(ACCOUNTS.onTest, '130', 1), /"ACK"/, 'received and ACKed');
    await c.panel(ACCOUNTS.holdUp, '130', 3); // a later signal of another account: once it is handled, so is the test alarm
    await actionSeen((await incidentOf(ACCOUNTS.holdUp)).id, 'alarm_joined');
    const { body } = await c.api<{ incidents: IncidentView[] }>('operator', 'GET', '/api/incidents?state=all&limit=1000');
    t.notOk(body.incidents.some((i) => i.account === ACCOUNTS.onTest), 'no incident');
    t.notOk(c.sim.received().some((m) => (m.payload as { account?: string } | null)?.account === ACCOUNTS.onTest));
  });

  await t.test('a fire whose callback times out: dispatched and forwarded', async (t) => {
    t.equal((await c.api('supervisor', 'PUT', `/api/accounts/${ACCOUNTS.fire}/verification-policy`, { preset: 'standard', overrides: { fire: { callbackS: 10 } } })).status, 200, 'a 10 s fire callback for the test');
    await c.panel(ACCOUNTS.fire, '110', 5);
    const inc = await incidentOf(ACCOUNTS.fire);
    await actionSeen(inc.id, 'callback_started');
    t.same(received(inc.id), [], 'the callback first');
    await eventually(async () => (received(inc.id).length > 0 ? true : undefined), 'the forward after the deadline', 30_000);
    t.match(received(inc.id)[0]?.payload, { level: 'fire', threatToLife: true });
    await actionSeen(inc.id, 'dispatch_requested');
  });

  await t.test('a trouble (AC loss) is no police matter: a maintenance ticket, no incident, nothing to 110', async (t) => {
    t.match(await c.panel(ACCOUNTS.trouble, '301', 0), /"ACK"/);
    await c.panel(ACCOUNTS.holdUp, '130', 2);
    await eventually(async () => ((await actionsOf((await incidentOf(ACCOUNTS.holdUp)).id)).actions.filter((a) => a.kind === 'alarm_joined').length >= 2 ? true : undefined), 'the later signal handled');
    const { body } = await c.api<{ incidents: IncidentView[] }>('operator', 'GET', '/api/incidents?state=all&limit=1000');
    t.notOk(body.incidents.some((i) => i.account === ACCOUNTS.trouble));
    const tickets = await c.api<{ tickets: { code: string; level: string; status: string }[] }>('operator', 'GET', `/api/maintenance/tickets?account=${ACCOUNTS.trouble}`);
    t.match(tickets.body.tickets, [{ code: '301', level: 'general', status: 'received' }], 'a maintenance ticket instead');
  });

  await t.test('a hold-up from a suspended customer: an incident for the operator, nothing forwarded by itself', async (t) => {
    await c.panel(ACCOUNTS.suspended, '122', 4);
    const inc = await incidentOf(ACCOUNTS.suspended);
    await actionSeen(inc.id, 'verification_notice', (a) => a.detail.urgency === 'critical' && /suspended/.test(String(a.detail.message)));
    t.same(received(inc.id), []);
  });

  const act = async (t: Test, id: string, body: object) => t.equal((await c.api('operator', 'POST', `/api/incidents/${id}/actions`, body)).status, 201, `the operator: ${JSON.stringify(body)}`);
  /** The incident's cancels in the outbox, once 110 has answered them, and as 110 received them. */
  const withdrawal = async (id: string) => {
    await actionSeen(id, 'uplink_accepted', (a) => a.detail.message === 'cancel');
    const { body } = await c.api<{ messages: { kind: string; revision: number; status: string }[] }>('operator', 'GET', `/api/uplink110/outbox?incidentId=${id}`);
    return { outbox: body.messages.filter((m) => m.kind === 'cancel'), received: received(id).filter((m) => m.kind === 'cancel') };
  };

  await t.test('a forwarded hold-up the operator closes as a user false alarm: withdrawn at 110, once', async (t) => {
    await c.panel(ACCOUNTS.withdrawn, '122', 4);
    const inc = await incidentOf(ACCOUNTS.withdrawn);
    const accepted = await actionSeen(inc.id, 'uplink_accepted');
    await act(t, inc.id, { kind: 'acknowledge' });
    await act(t, inc.id, { kind: 'close', outcome: 'user_false_alarm', note: 'the cashier leaned on the button' });
    const w = await withdrawal(inc.id);
    t.match(w.outbox, [{ revision: 2, status: 'accepted' }], 'exactly one cancel in the outbox, the revision after the forward');
    t.equal(w.outbox.length, 1);
    t.equal(w.received.length, 1, '110 received it once');
    t.match(w.received[0], { answer: 'accepted', caseNumber: accepted.detail.caseNumber, payload: { kind: 'cancel', revision: 2, reason: /^closed as a user false alarm by \S+$/ } });
    t.match(c.sim.cases().find((k) => k.incidentId === inc.id), { status: 'withdrawn' }, 'the police stand down');
  });

  await t.test("a suspended customer's hold-up the operator forwarded by hand, then closed as false: withdrawn too", async (t) => {
    await c.panel(ACCOUNTS.suspendedForwarded, '122', 4);
    const inc = await incidentOf(ACCOUNTS.suspendedForwarded);
    await actionSeen(inc.id, 'verification_notice', (a) => /suspended/.test(String(a.detail.message)));
    await act(t, inc.id, { kind: 'acknowledge' });
    await act(t, inc.id, { kind: 'forward_110', note: 'hold-up on camera' });
    await actionSeen(inc.id, 'uplink_accepted');
    await act(t, inc.id, { kind: 'close', outcome: 'test', note: 'the customer was testing the button' });
    const w = await withdrawal(inc.id);
    t.match(w.outbox, [{ revision: 2, status: 'accepted' }]);
    t.match(w.received, [{ payload: { reason: /^closed as a test by / } }]);
  });

  await t.test('a forwarded incident closed as real is not withdrawn', async (t) => {
    const inc = await incidentOf(ACCOUNTS.holdUp);
    await act(t, inc.id, { kind: 'acknowledge' });
    await act(t, inc.id, { kind: 'close', outcome: 'real', note: 'robbery, the police have it' });
    await actionSeen(inc.id, 'closed');
    const { body } = await c.api<{ messages: { kind: string }[] }>('operator', 'GET', `/api/uplink110/outbox?incidentId=${inc.id}`);
    t.same(body.messages.map((m) => m.kind), ['notify'], 'nothing but the report');
  });
});

