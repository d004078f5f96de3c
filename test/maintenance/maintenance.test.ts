import t from 'tap';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch } from '../../src/journal/journal-consumer.js';
import { createMaintenanceService } from '../../src/maintenance/maintenance-service.js';
import { createTroubleRestoreConsumer, restoredTicketKeys } from '../../src/maintenance/trouble-restores.js';
import type { AlarmEvent } from '../../src/protocols/alarm-event.js';
import { signalReception } from '../helpers/receptions.js';
import { rebuildTicketStates } from '../../src/maintenance/ticket-store.js';
import { DEFAULT_TICKET_POLICY } from '../../src/maintenance/ticket-policy.js';
import { appendSupervisionEvents, type NewSupervisionEvent } from '../../src/supervision/supervision-store.js';
import type { VerificationEffects } from '../../src/verification/shell/verification-run.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { customer, gauge, HOUR, maintenanceWorld, MIN, silent, T0 } from './maintenance-test-kit.js';

const account = (subject: string, kind: NewSupervisionEvent['kind'], at: number): NewSupervisionEvent => ({ subjectType: 'account', subject, kind, at, lastReportAt: at - 5 * MIN, detail: null });
const receiver = (subject: string, kind: NewSupervisionEvent['kind'], at: number, reason: string | null = null): NewSupervisionEvent => ({ subjectType: 'receiver', subject, kind, at, lastReportAt: null, detail: reason === null ? null : { reason } });

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: maintenance tickets`, async (t) => {
    const w = await maintenanceWorld(t, database);
    const { db, service, clock } = w;
    const customerId = await customer(db, '朝阳路支行', ['10000', '10001', '10002']);
    // Recorded before maintenance ever ran: history, not work.
    await appendSupervisionEvents(db, 'arc-t', [account('10002', 'late', T0 - 24 * HOUR)]);
    await service.start();
    const tickets = () => db.selectFrom('maintenance_ticket_state').selectAll().orderBy('ticket_id').execute();
    const kinds = async (id: string) => (await db.selectFrom('maintenance_ticket_event').select('kind').where('ticket_id', '=', id).orderBy('id').execute()).map((e) => e.kind);
    // The verification engine's effect, as start-arc wires it.
    const effects: VerificationEffects = { openTicket: (trx, ticket) => service.openTicketForTrouble(trx, ticket).then(() => undefined) };
    const trouble = (zone: number, at: number) =>
      db.transaction().execute((trx) => effects.openTicket!(trx, { kind: 'open_maintenance_ticket', account: '10000', dedupeKey: `10000:contact-id:301:${zone}`, code: '301', zone, description: `AC loss, zone ${zone}`, at }));

    await t.test('a repeat trouble is one ticket; another zone is another', async (t) => {
      await trouble(0, T0);
      await trouble(0, T0 + 5 * MIN);
      await trouble(1, T0 + 6 * MIN);
      const rows = await tickets();
      t.equal(rows.length, 2);
      t.match(rows[0], { account: '10000', dedupe_key: '10000:contact-id:301:0', status: 'received', level: 'general', opened_at: new Date(T0), response_due_at: new Date(T0 + 2 * HOUR), repair_due_at: new Date(T0 + 24 * HOUR) });
      t.match(rows[0]!.state, { occurrences: 2, customerId, source: 'trouble', code: '301' });
      t.same(await kinds(rows[0]!.ticket_id), ['opened', 'occurrence']);
      t.equal((await service.tick()).supervisionEvents, 0, 'the late recorded before the start made no ticket');
      t.equal((await tickets()).length, 2);
    });

    await t.test("a panel's trouble restore is noted on its ticket and closes nothing", async (t) => {
      const event = (protocol: AlarmEvent['protocol'], code: string, eventClass: AlarmEvent['eventClass'], zone: number | null): AlarmEvent => ({
        account: '10000', protocol, code, qualifier: 'restore', eventClass, category: 'system', description: 'AC restore', zone, user: null, partition: 1, emergency: false, panelTime: null, text: null,
      });
      t.same(restoredTicketKeys('10000', event('sia-dcs', 'AR', 'trouble', null)), ['10000:sia-dcs:AT:-']);
      t.same(restoredTicketKeys('10000', event('sia-dcs', 'TR', 'alarm', 4)), ['10000:sia-dcs:TA:4'], 'a tamper restore');
      t.same(restoredTicketKeys('10000', event('contact-id', '130', 'alarm', 4)), [], 'a burglary restore is no ticket’s');
      const journal = new GroupCommitJournal(db, { nodeId: 'arc-t', dedupWindowMs: 120_000, bus: new JournalBus() });
      t.teardown(() => journal.close());
      await journal.append(signalReception({ account: '10000', receivedAt: T0 + 7 * MIN, events: [event('contact-id', '301', 'trouble', 0)] }));
      const consumer = createTroubleRestoreConsumer(DEFAULT_TICKET_POLICY);
      while ((await consumeBatch(db, consumer)) > 0);
      const ac = (await tickets()).find((r) => r.dedupe_key === '10000:contact-id:301:0')!;
      t.same(await kinds(ac.ticket_id), ['opened', 'occurrence', 'restored']);
      t.match(ac, { status: 'received' });
      t.match(ac.state, { restoredAt: T0 + 7 * MIN });
    });

    await t.test('supervision: late opens a communication-fail ticket, restored is noted and closes nothing', async (t) => {
      await appendSupervisionEvents(db, 'arc-t', [account('10001', 'late', T0 + 10 * MIN)]);
      t.equal((await service.tick()).supervisionEvents, 1);
      const comm = (await tickets()).find((r) => r.dedupe_key === '10001:supervision:communication_fail')!;
      t.match(comm, { account: '10001', status: 'received', level: 'urgent', opened_at: new Date(T0 + 10 * MIN), response_due_at: new Date(T0 + 40 * MIN) });
      t.match(comm.state, { source: 'supervision', code: 'communication_fail', customerId });
      await appendSupervisionEvents(db, 'arc-t', [account('10001', 'restored', T0 + 12 * MIN), account('10001', 'late', T0 + 14 * MIN)]);
      await service.tick();
      t.same(await kinds(comm.ticket_id), ['opened', 'restored', 'occurrence'], 'noted on the same ticket; late again is a repeat');
      t.match((await tickets()).find((r) => r.ticket_id === comm.ticket_id), { status: 'received' }, 'still to be repaired');
      t.equal(await service.tick().then((r) => r.supervisionEvents), 0, 'each event is acted on once');
      const cursor = await db.selectFrom('maintenance_cursor').select('seq').executeTakeFirstOrThrow();
      const head = await db.selectFrom('supervision_event').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow();
      t.equal(String(cursor.seq), String(head.seq), 'the cursor is at the head');
    });

    await t.test('a silent receiver opens a major receiver-trouble ticket; up is noted', async (t) => {
      await appendSupervisionEvents(db, 'arc-t', [receiver('sg1', 'silent', T0 + 15 * MIN, 'nothing heard for 95 s'), receiver('sg1', 'disconnected', T0 + 16 * MIN, 'port closed'), receiver('sg1', 'up', T0 + 17 * MIN)]);
      await service.tick();
      const rx = (await tickets()).find((r) => r.dedupe_key === 'receiver:sg1')!;
      t.match(rx, { account: null, level: 'major', status: 'received', response_due_at: new Date(T0 + 30 * MIN), repair_due_at: new Date(T0 + 15 * MIN + 4 * HOUR) });
      t.match(rx.state, { source: 'receiver', receiver: 'sg1', description: /silent: nothing heard for 95 s/ });
      t.same(await kinds(rx.ticket_id), ['opened', 'occurrence', 'restored']);
    });

    await t.test('overdue tickets are escalated once, by one node of two', async (t) => {
      const otherNode = createMaintenanceService({ db, now: () => clock.now, logger: silent(), policy: DEFAULT_TICKET_POLICY });
      clock.now = T0 + 41 * MIN;
      // Two runs of each node's loop at once (a node's second tick joins its first).
      await Promise.all([service.tick(), otherNode.tick(), service.tick(), otherNode.tick()]);
      const escalated = (await db.selectFrom('maintenance_ticket_event').select(['ticket_id', 'kind']).where('kind', 'like', '%overdue').execute()).map((e) => `${e.ticket_id} ${e.kind}`);
      const rows = await tickets();
      const id = (key: string) => rows.find((r) => r.dedupe_key === key)!.ticket_id;
      t.same(escalated.sort(), [`${id('10001:supervision:communication_fail')} response_overdue`, `${id('receiver:sg1')} response_overdue`].sort(), 'the urgent and the major, each once');
      t.equal(await gauge(w.metrics, 'arc_maintenance_overdue_tickets', { deadline: 'response' }), 2);
      clock.now = T0 + 2 * HOUR + 6 * MIN + 1;
      const later = await service.tick();
      t.same(later.escalated.map((e) => e.kind), ['response_overdue', 'response_overdue'], 'the two AC-loss tickets, 2 h after');
      t.equal((await service.tick()).escalated.length, 0);
      t.same(await kinds(id('10000:contact-id:301:0')), ['opened', 'occurrence', 'restored', 'response_overdue'], 'restored, it is still overdue');
      t.equal(await gauge(w.metrics, 'arc_maintenance_open_tickets', { level: 'general' }), 2);
      t.equal(await gauge(w.metrics, 'arc_maintenance_open_tickets', { level: 'urgent' }), 1);
      t.equal(await gauge(w.metrics, 'arc_maintenance_open_tickets', { level: 'major' }), 1);
      clock.now = T0 + 15 * MIN + 4 * HOUR + 1;
      t.same((await service.tick()).escalated.map((e) => `${e.ticketId} ${e.kind}`), [`${id('receiver:sg1')} repair_overdue`], 'the major one is not repaired in 4 h');
    });

    await t.test('over HTTP: roles, the lifecycle, and invalid steps as typed errors', async (t) => {
      const as = (who: { authorization: string }) => ({ authorization: who.authorization });
      const post = (url: string, who: { authorization: string }, payload: object = {}) => w.app.inject({ method: 'POST', url, headers: as(who), payload });
      const get = (url: string, who: { authorization: string }) => w.app.inject({ method: 'GET', url, headers: as(who) });

      t.equal((await w.app.inject({ method: 'GET', url: '/api/maintenance/tickets' })).json().error.code, 'UNAUTHENTICATED');
      t.equal((await get('/api/maintenance/tickets', w.police)).json().error.code, 'FORBIDDEN', 'not a police matter');
      t.equal((await get('/api/maintenance/tickets', w.guard)).statusCode, 403);
      t.equal((await post('/api/maintenance/tickets', w.admin, { account: '10000', description: 'x' })).statusCode, 403, 'admins do not open tickets');
      t.equal((await post('/api/maintenance/tickets', w.operator, { account: '99999', description: 'keypad dead' })).json().error.code, 'ACCOUNT_NOT_FOUND');
      t.equal((await post('/api/maintenance/tickets', w.operator, { account: '10000' })).json().error.code, 'BAD_REQUEST');

      clock.now = T0 + 10 * HOUR;
      const opened = await post('/api/maintenance/tickets', w.operator, { account: '10000', description: '键盘无显示 (keypad dead)', level: 'urgent', zone: 3 });
      t.equal(opened.statusCode, 201);
      const ticket = opened.json().ticket;
      t.match(ticket, { source: 'manual', dedupeKey: null, level: 'urgent', status: 'received', openedBy: w.operator.user.id, customerId, responseDueAt: new Date(T0 + 10 * HOUR + 30 * MIN).toISOString() });
      const url = `/api/maintenance/tickets/${ticket.id}`;

      const early = await post(`${url}/repaired`, w.operator, { parts: [], costCny: null });
      t.match({ status: early.statusCode, code: early.json().error.code }, { status: 409, code: 'INVALID_TRANSITION' }, 'repaired before anyone is on site');
      t.equal((await post(`${url}/archive`, w.operator)).json().error.code, 'INVALID_TRANSITION');
      t.equal((await post('/api/maintenance/tickets/987654/on-site', w.operator)).json().error.code, 'TICKET_NOT_FOUND');
      t.equal((await post(`${url}/level`, w.operator, { level: 'major', reason: 'vault' })).statusCode, 403, 'a new level is a supervisor’s call');
      t.equal((await post(`${url}/level`, w.supervisor, { level: 'urgent', reason: 'same' })).json().error.code, 'LEVEL_UNCHANGED');

      clock.now += 20 * MIN;
      t.match((await post(`${url}/on-site`, w.operator, { note: '维修员张三到场' })).json(), { ticket: { status: 'on_site', onSiteAt: new Date(clock.now).toISOString(), overdue: { response: false } } });
      clock.now += 2 * HOUR;
      const repaired = await post(`${url}/repaired`, w.supervisor, { parts: [{ name: '键盘 PK5500', qty: 1 }], costCny: 320.5, note: 'keypad replaced' });
      t.match(repaired.json().ticket, { status: 'repaired', parts: [{ name: '键盘 PK5500', qty: 1 }], costCny: 320.5 });
      t.equal((await post(`${url}/customer-accepted`, w.operator, {})).statusCode, 400, 'who accepted it is required');
      t.equal((await post(`${url}/customer-accepted`, w.operator, { acceptedBy: '王经理' })).statusCode, 201);
      t.equal((await post(`${url}/archive`, w.admin, { note: 'filed' })).statusCode, 201);
      const archived = await post(`${url}/on-site`, w.operator);
      t.match({ status: archived.statusCode, code: archived.json().error.code }, { status: 409, code: 'TICKET_ARCHIVED' });

      const detail = (await get(url, w.operator)).json<{ ticket: object; events: { kind: string; actor: string; detail: object }[] }>();
      t.match(detail.ticket, { status: 'archived', archivedAt: new Date(clock.now).toISOString() });
      t.same(
        detail.events.map((e) => [e.kind, e.actor]),
        [
          ['opened', w.operator.user.id],
          ['on_site', w.operator.user.id],
          ['repaired', w.supervisor.user.id],
          ['customer_accepted', w.operator.user.id],
          ['archived', w.admin.user.id],
        ],
        'who and when, each step',
      );
      t.match(detail.events[3]?.detail, { acceptedBy: '王经理' });
      const audited = await db.selectFrom('audit_log').select('action').where('subject_type', '=', 'maintenance_ticket').where('subject_id', '=', ticket.id).orderBy('seq').execute();
      t.same(audited.map((a) => a.action), ['maintenance.opened', 'maintenance.on_site', 'maintenance.repaired', 'maintenance.customer_accepted', 'maintenance.archived'], 'audited');

      const list = async (query: string) => (await get(`/api/maintenance/tickets?${query}`, w.operator)).json<{ tickets: { id: string }[] }>().tickets.map((x) => x.id);
      const overdue = await list('overdue=true');
      t.equal(overdue.length, 4, 'every trouble ticket is past a deadline by now');
      t.notOk(overdue.includes(ticket.id));
      t.same(await list('status=archived'), [ticket.id]);
      t.equal((await list('account=10000')).length, 2, 'the active ones: the archived ticket is left out by default');
      t.equal((await list('account=10000&status=all')).length, 3);
      const ordered = (await get('/api/maintenance/tickets?status=open', w.operator)).json<{ tickets: { level: string }[] }>().tickets.map((x) => x.level);
      t.same(ordered, ['major', 'urgent', 'general', 'general'], 'the most urgent level first');
    });

    await t.test('the history is append-only and the state rebuilds from it', async (t) => {
      await t.rejects(db.deleteFrom('maintenance_ticket_event').execute());
      await t.rejects(db.deleteFrom('maintenance_ticket').execute());
      const before = await tickets();
      await db.updateTable('maintenance_ticket_state').set({ status: 'archived', response_overdue: false, due_at: null }).execute();
      t.equal(await rebuildTicketStates(db), before.length);
      t.same(await tickets(), before);
    });
  });
}
