import t from 'tap';
import { foldComplaint, type ComplaintHeader } from '../../src/complaints/complaint.js';
import { decideComplaint, registerComplaint } from '../../src/complaints/decide-complaint.js';
import { rebuildComplaintStates } from '../../src/complaints/complaint-store.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { customer, gauge, HOUR, maintenanceWorld, MIN, T0 } from '../maintenance/maintenance-test-kit.js';

t.test('the core: a complaint is overdue 48 h after it was made, once, unless replied to', async (t) => {
  const header: ComplaintHeader = { id: '1', complainant: { customerId: null, name: '李女士', phone: '13800000000' }, complainedAt: T0, content: '警报响了没人来', receivedBy: 'u1', promised: '24小时内回复', recordedAt: T0 + MIN };
  const { complaint, events } = registerComplaint(header, T0 + MIN);
  t.same(events.map((e) => e.kind), ['received']);
  t.equal(complaint.replyDueAt, T0 + 48 * HOUR);
  t.match(decideComplaint(complaint, { kind: 'tick' }, T0 + 48 * HOUR), { ok: true, events: [] }, 'not at the deadline itself');
  const late = decideComplaint(complaint, { kind: 'tick' }, T0 + 48 * HOUR + 1);
  t.match(late, { ok: true, events: [{ kind: 'overdue' }], complaint: { overdue: true } });
  if (!late.ok) return;
  t.match(decideComplaint(late.complaint, { kind: 'tick' }, T0 + 60 * HOUR), { ok: true, events: [] }, 'once');
  const replied = decideComplaint(late.complaint, { kind: 'reply', actor: 'u2', reply: '已致歉' }, T0 + 60 * HOUR);
  t.match(replied, { ok: true, complaint: { status: 'replied', overdue: true, reply: { actor: 'u2' } } });
  if (!replied.ok) return;
  t.match(decideComplaint(replied.complaint, { kind: 'handle', actor: 'u2', note: 'x' }, T0 + 61 * HOUR), { ok: false, code: 'COMPLAINT_REPLIED' });
  const inTime = decideComplaint(complaint, { kind: 'reply', actor: 'u2', reply: 'ok' }, T0 + HOUR);
  t.match(inTime.ok && decideComplaint(inTime.complaint, { kind: 'tick' }, T0 + 72 * HOUR), { ok: true, events: [] }, 'a replied complaint is never overdue');
  t.same(foldComplaint(header, [...events, ...late.events, ...replied.events]), replied.complaint, 'it folds from its events');
  t.same(registerComplaint({ ...header, complainedAt: T0 - 49 * HOUR }, T0).events.map((e) => e.kind), ['received', 'overdue'], 'registered late: overdue at once');
});

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the complaint register over HTTP`, async (t) => {
    const w = await maintenanceWorld(t, database);
    const { db, clock, service } = w;
    const customerId = await customer(db, '建国门支行', ['20000']);
    const as = (who: { authorization: string }) => ({ authorization: who.authorization });
    const post = (url: string, who: { authorization: string }, payload: object) => w.app.inject({ method: 'POST', url, headers: as(who), payload });
    const get = (url: string, who: { authorization: string }) => w.app.inject({ method: 'GET', url, headers: as(who) });
    const list = async (query = '') => (await get(`/api/complaints?${query}`, w.operator)).json<{ complaints: { id: string; overdue: boolean; status: string }[] }>().complaints;

    t.equal((await get('/api/complaints', w.police)).json().error.code, 'FORBIDDEN', 'not a police matter');
    t.equal((await post('/api/complaints', w.guard, { name: 'x', content: 'y' })).statusCode, 403);
    const nobody = await post('/api/complaints', w.operator, { content: '服务态度差' });
    t.match({ status: nobody.statusCode, code: nobody.json().error.code }, { status: 400, code: 'BAD_REQUEST' }, 'who complained is required');
    t.equal((await post('/api/complaints', w.operator, { customerId: '00000000-0000-4000-8000-000000000000', content: 'x' })).json().error.code, 'CUSTOMER_NOT_FOUND');

    const made = await post('/api/complaints', w.operator, { customerId, content: '误报后无人联系 (no call after a false alarm)', promised: '主管24小时内回电' });
    t.equal(made.statusCode, 201);
    const complaint = made.json().complaint;
    t.match(complaint, { customerId, receivedBy: w.operator.user.id, complainedAt: new Date(T0).toISOString(), replyDueAt: new Date(T0 + 48 * HOUR).toISOString(), status: 'open', overdue: false, promised: '主管24小时内回电' });
    clock.now = T0 + 2 * HOUR;
    const byPhone = (await post('/api/complaints', w.supervisor, { name: '张先生', phone: '010-65550000', content: '警铃半夜长鸣', complainedAt: new Date(T0 + HOUR).toISOString() })).json().complaint;
    t.match(byPhone, { customerId: null, name: '张先生', complainedAt: new Date(T0 + HOUR).toISOString(), recordedAt: new Date(T0 + 2 * HOUR).toISOString() }, 'registered after the call, due 48 h after the call');

    const url = `/api/complaints/${complaint.id}`;
    clock.now = T0 + 3 * HOUR;
    t.match((await post(`${url}/handle`, w.supervisor, { note: '已调取录音' })).json().complaint, { status: 'open', handling: [{ actor: w.supervisor.user.id, note: '已调取录音' }] });
    t.equal((await post(`${url}/handle`, w.operator, {})).statusCode, 400);
    t.equal((await post('/api/complaints/424242/handle', w.operator, { note: 'x' })).json().error.code, 'COMPLAINT_NOT_FOUND');

    clock.now = T0 + 48 * HOUR + 1;
    t.same((await list('overdue=true')).map((c) => c.id), [complaint.id], 'overdue in the list 48 h after, before the loop records it');
    t.equal(await gauge(w.metrics, 'arc_complaints', { state: 'open' }), 2);
    t.equal(await gauge(w.metrics, 'arc_complaints', { state: 'overdue' }), 1);
    t.equal((await service.tick()).complaintsOverdue, 1);
    t.equal((await service.tick()).complaintsOverdue, 0, 'recorded once');
    clock.now = T0 + 49 * HOUR + 1;
    t.equal((await service.tick()).complaintsOverdue, 1, 'the call made an hour later');

    const replied = await post(`${url}/reply`, w.operator, { reply: '已致电客户致歉并说明原因' });
    t.match(replied.json().complaint, { status: 'replied', overdue: true, reply: { actor: w.operator.user.id, at: new Date(clock.now).toISOString() } });
    const again = await post(`${url}/reply`, w.operator, { reply: 'again' });
    t.match({ status: again.statusCode, code: again.json().error.code }, { status: 409, code: 'COMPLAINT_REPLIED' });
    t.same((await list()).map((c) => c.id), [byPhone.id], 'the open ones by default');
    t.equal((await list('status=all')).length, 2);
    t.same((await list(`status=all&customerId=${customerId}`)).map((c) => c.id), [complaint.id]);

    const detail = (await get(url, w.admin)).json<{ events: { kind: string; actor: string }[] }>();
    t.same(detail.events.map((e) => e.kind), ['received', 'handled', 'overdue', 'replied'], 'the whole history');
    const audited = await db.selectFrom('audit_log').select('action').where('subject_type', '=', 'complaint').where('subject_id', '=', complaint.id).orderBy('seq').execute();
    t.same(audited.map((a) => a.action), ['complaint.received', 'complaint.handled', 'complaint.replied'], 'what users did is audited');
    await t.rejects(db.deleteFrom('complaint_event').execute(), 'append-only');
    const before = await db.selectFrom('complaint_state').selectAll().orderBy('complaint_id').execute();
    await db.updateTable('complaint_state').set({ status: 'open', overdue: false }).execute();
    t.equal(await rebuildComplaintStates(db), 2);
    t.same(await db.selectFrom('complaint_state').selectAll().orderBy('complaint_id').execute(), before, 'the state rebuilds from the events');
  });
}
