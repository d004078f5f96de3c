import t from 'tap';
import { decideTicket, openTicket, type TicketCommand } from '../../src/maintenance/decide-ticket.js';
import { foldTicket, type Ticket, type TicketHeader } from '../../src/maintenance/ticket.js';
import { DEFAULT_TICKET_POLICY, ticketDeadlines, type TicketLevel, type TicketPolicy } from '../../src/maintenance/ticket-policy.js';
import { troubleLevel } from '../../src/maintenance/trouble-kind.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const policy = DEFAULT_TICKET_POLICY;

function header(level: TicketLevel, source: TicketHeader['source'] = 'trouble'): TicketHeader {
  return { id: '1', account: '1234', customerId: null, receiver: null, source, dedupeKey: '1234:contact-id:301:0', code: '301', zone: 0, description: 'AC loss', level, openedAt: T0, openedBy: 'system' };
}

/** A ticket opened at T0 and taken through `commands` at their times, every decision accepted. */
function run(level: TicketLevel, steps: [number, TicketCommand][] = [], p: TicketPolicy = policy): { ticket: Ticket; kinds: string[] } {
  const opened = openTicket(header(level), T0, p);
  let ticket = opened.ticket;
  const kinds = opened.events.map((e) => e.kind);
  for (const [at, command] of steps) {
    const d = decideTicket(ticket, command, at, p);
    if (!d.ok) throw new Error(`${command.kind} at +${(at - T0) / MIN} min refused: ${d.code}`);
    ticket = d.ticket;
    kinds.push(...d.events.map((e) => e.kind));
  }
  return { ticket, kinds };
}

const tick: TicketCommand = { kind: 'tick' };
const onSite: TicketCommand = { kind: 'on_site', actor: 'u1', note: '' };
const repaired: TicketCommand = { kind: 'repaired', actor: 'u1', parts: [{ name: '蓄电池 12V 7Ah', qty: 1 }], costCny: 180, note: 'battery replaced' };

t.test('deadlines per level: general 2 h / 24 h, urgent 30 min / 8 h, major 15 min / 4 h', async (t) => {
  t.same(ticketDeadlines('general', T0, policy), { responseDueAt: T0 + 2 * HOUR, repairDueAt: T0 + 24 * HOUR });
  t.same(ticketDeadlines('urgent', T0, policy), { responseDueAt: T0 + 30 * MIN, repairDueAt: T0 + 8 * HOUR });
  t.same(ticketDeadlines('major', T0, policy), { responseDueAt: T0 + 15 * MIN, repairDueAt: T0 + 4 * HOUR });
  t.match(openTicket(header('urgent'), T0, policy).ticket, { status: 'received', currentLevel: 'urgent', responseDueAt: T0 + 30 * MIN, repairDueAt: T0 + 8 * HOUR });
});

t.test("a customer's terminal fault is met on site within 4 h, whatever the policy says of its level", async (t) => {
  const slow: TicketPolicy = { ...policy, deadlines: { ...policy.deadlines, general: { responseMs: 12 * HOUR, repairMs: 48 * HOUR } } };
  for (const source of ['trouble', 'supervision', 'manual'] as const) {
    t.equal(openTicket(header('general', source), T0, slow).ticket.responseDueAt, T0 + 4 * HOUR, source);
  }
  t.equal(openTicket(header('general', 'receiver'), T0, slow).ticket.responseDueAt, T0 + 12 * HOUR, "a receiver is the centre's own equipment: its level's deadline");
  const tight: TicketPolicy = { ...policy, deadlines: { ...policy.deadlines, general: { responseMs: 6 * HOUR, repairMs: 2 * HOUR } } };
  t.same(ticketDeadlines('general', T0, tight), { responseDueAt: T0 + 4 * HOUR, repairDueAt: T0 + 4 * HOUR }, 'a repair is never due before the response');
});

t.test('troubles open at the level their kind gives', async (t) => {
  t.same(
    ['301', 'AT', '302', 'YT', '350', 'YC', 'LT', '137', '383', 'TA', '373'].map(troubleLevel),
    ['general', 'general', 'general', 'general', 'urgent', 'urgent', 'urgent', 'urgent', 'urgent', 'urgent', 'general'],
  );
});

t.test('the clock: each deadline is escalated once, exactly after it passes', async (t) => {
  const before = run('urgent', [[T0 + 30 * MIN, tick]]);
  t.same(before.kinds, ['opened'], 'at the deadline itself, not yet overdue');
  const { ticket, kinds } = run('urgent', [
    [T0 + 30 * MIN + 1, tick],
    [T0 + 31 * MIN, tick],
    [T0 + 2 * HOUR, tick],
  ]);
  t.same(kinds, ['opened', 'response_overdue'], 'once, however many ticks follow');
  t.match(ticket, { responseOverdue: true, repairOverdue: false });
  const late = run('urgent', [
    [T0 + 40 * MIN, tick],
    [T0 + 8 * HOUR + 1, tick],
    [T0 + 9 * HOUR, tick],
  ]);
  t.same(late.kinds, ['opened', 'response_overdue', 'repair_overdue']);
  const both = run('major', [[T0 + 5 * HOUR, tick]]);
  t.same(both.kinds, ['opened', 'response_overdue', 'repair_overdue'], 'a tick long after escalates both at once');
});

t.test('on site in time stops the response deadline; repaired in time stops the repair deadline', async (t) => {
  const { ticket, kinds } = run('general', [
    [T0 + 90 * MIN, onSite],
    [T0 + 3 * HOUR, tick],
    [T0 + 20 * HOUR, repaired],
    [T0 + 30 * HOUR, tick],
  ]);
  t.same(kinds, ['opened', 'on_site', 'repaired']);
  t.match(ticket, { status: 'repaired', onSiteAt: T0 + 90 * MIN, repairedAt: T0 + 20 * HOUR, parts: [{ name: '蓄电池 12V 7Ah', qty: 1 }], costCny: 180, responseOverdue: false, repairOverdue: false });
});

t.test('a step after a deadline records the lateness first', async (t) => {
  const { kinds } = run('major', [[T0 + 20 * MIN, onSite]]);
  t.same(kinds, ['opened', 'response_overdue', 'on_site']);
  const opened = openTicket(header('urgent'), T0 + 31 * MIN, policy);
  t.same(opened.events.map((e) => e.kind), ['opened', 'response_overdue'], 'a ticket opened late for an old trouble is overdue at once');
});

t.test('the lifecycle runs one way; an invalid step is a typed refusal', async (t) => {
  const accept: TicketCommand = { kind: 'customer_accepted', actor: 'u1', acceptedBy: '王经理', note: '' };
  const archive: TicketCommand = { kind: 'archive', actor: 'u1', note: '' };
  const fresh = run('general').ticket;
  t.match(decideTicket(fresh, repaired, T0, policy), { ok: false, code: 'INVALID_TRANSITION' }, 'repaired before anyone is on site');
  t.match(decideTicket(fresh, accept, T0, policy), { ok: false, code: 'INVALID_TRANSITION' });
  t.match(decideTicket(fresh, archive, T0, policy), { ok: false, code: 'INVALID_TRANSITION' });
  const done = run('general', [
    [T0 + MIN, onSite],
    [T0 + 2 * MIN, repaired],
    [T0 + 3 * MIN, accept],
    [T0 + 4 * MIN, archive],
  ]);
  t.same(done.kinds, ['opened', 'on_site', 'repaired', 'customer_accepted', 'archived']);
  t.match(done.ticket, { status: 'archived', acceptedAt: T0 + 3 * MIN, archivedAt: T0 + 4 * MIN });
  t.match(decideTicket(done.ticket, onSite, T0 + 5 * MIN, policy), { ok: false, code: 'TICKET_ARCHIVED' });
  t.match(decideTicket(done.ticket, { kind: 'restored', actor: 'system', description: 'AC restore' }, T0 + 5 * MIN, policy), { ok: false, code: 'TICKET_ARCHIVED' });
  t.match(decideTicket(done.ticket, tick, T0 + 48 * HOUR, policy), { ok: true, events: [] }, 'an archived ticket is never overdue');
  const onSiteTwice = run('general', [[T0 + MIN, onSite]]).ticket;
  t.match(decideTicket(onSiteTwice, onSite, T0 + 2 * MIN, policy), { ok: false, code: 'INVALID_TRANSITION' });
});

t.test('a repeat and a restore are noted; a restore closes nothing', async (t) => {
  const { ticket, kinds } = run('general', [
    [T0 + MIN, { kind: 'occurrence', actor: 'system', description: 'AC loss' }],
    [T0 + 2 * MIN, { kind: 'restored', actor: 'system', description: 'AC restore' }],
    [T0 + 3 * HOUR, tick],
  ]);
  t.same(kinds, ['opened', 'occurrence', 'restored', 'response_overdue'], 'the deadlines still run after the restore');
  t.match(ticket, { status: 'received', occurrences: 2, lastOccurrenceAt: T0 + MIN, restoredAt: T0 + 2 * MIN });
});

t.test('a new level counts the deadlines again from the opening', async (t) => {
  const general = run('general').ticket;
  const up = decideTicket(general, { kind: 'reclassify', actor: 'sup', level: 'major', reason: 'bank vault' }, T0 + 20 * MIN, policy);
  t.match(up, { ok: true, ticket: { currentLevel: 'major', level: 'general', responseDueAt: T0 + 15 * MIN, repairDueAt: T0 + 4 * HOUR } });
  t.same(up.ok && up.events.map((e) => e.kind), ['level_changed', 'response_overdue'], 'already past the new response deadline');
  t.match(decideTicket(general, { kind: 'reclassify', actor: 'sup', level: 'general', reason: '' }, T0, policy), { ok: false, code: 'LEVEL_UNCHANGED' });
});

t.test('a ticket folds from its events alone: the policy of the day it was opened holds', async (t) => {
  const opened = openTicket(header('urgent'), T0, policy);
  const later = decideTicket(opened.ticket, onSite, T0 + 10 * MIN, policy);
  if (!later.ok) throw new Error('refused');
  const folded = foldTicket(header('urgent'), [...opened.events, ...later.events]);
  t.same(folded, later.ticket);
});
