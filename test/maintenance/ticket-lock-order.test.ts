import t from 'tap';
import { appendAudit } from '../../src/audit/append-audit.js';
import { findCustomerCards } from '../../src/customers/customer-lookup.js';
import { IncidentBus } from '../../src/incidents/incident-bus.js';
import { createIncidentConsumer } from '../../src/incidents/incident-consumer.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch } from '../../src/journal/journal-consumer.js';
import { lockTicket } from '../../src/maintenance/ticket-store.js';
import { operatorCallbacks } from '../../src/verification/shell/callback-provider.js';
import { createSignalVerifier } from '../../src/verification/shell/verify-signals.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';
import { cid } from '../incidents/incident-events.js';
import { customer, maintenanceWorld, MIN, silent, T0 } from './maintenance-test-kit.js';
import { untilALockIsAwaited } from '../helpers/lock-wait.js';

// Row locks only wait on a server: PGlite runs one transaction at a time.
const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');

t.test(
  "postgres: the engine opens a trouble's ticket before the audit lock, so a repeat trouble never deadlocks with an operator's step on that ticket",
  { skip: postgres ? false : 'TEST_DATABASE_URL is not set' },
  async (t) => {
    const { db, service } = await maintenanceWorld(t, postgres!);
    await customer(db, 'Shop', ['10000']);
    await customer(db, 'Bank', ['10001']);
    let now = T0;
    const verify = createSignalVerifier({ now: () => now, logger: silent(), callbacks: operatorCallbacks, effects: { openTicket: (trx, ticket) => service.openTicketForTrouble(trx, ticket).then(() => undefined) } });
    const consumer = createIncidentConsumer(db, { findCustomerCards, bus: new IncidentBus(), now: () => now, verify });
    const journal = new GroupCommitJournal(db, { nodeId: 'arc-t', dedupWindowMs: 120_000, bus: new JournalBus() });
    t.teardown(() => journal.close());
    const acLoss = async (key: string) => {
      await journal.append(signalReception({ account: '10000', events: [cid('301', '1', 0, '10000')], dedupKey: key, receivedAt: now }));
    };

    await acLoss('first');
    while ((await consumeBatch(db, consumer)) > 0);
    const ticket = await db.selectFrom('maintenance_ticket_state').select('ticket_id').executeTakeFirstOrThrow();

    // An operator's step on the ticket: its row locked, then (deciding) the audit chain's lock.
    now += 5 * MIN;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const hasLocked = new Promise<void>((resolve) => (locked = resolve));
    const step = db.transaction().execute(async (trx) => {
      await lockTicket(trx, ticket.ticket_id);
      locked();
      await released;
      await appendAudit(trx, { actor: 'operator-1', action: 'maintenance.on_site', subjectType: 'maintenance_ticket', subjectId: ticket.ticket_id, at: new Date(now) });
    });
    await hasLocked;
    // Meanwhile the panel repeats the trouble, in a batch with another premises' burglary: the
    // batch writes incident actions (under the audit lock) and notes the repeat on the ticket.
    await journal.append(signalReception({ account: '10001', events: [cid('130', '1', 3, '10001')], dedupKey: 'burglary', receivedAt: now }));
    await acLoss('repeat');
    const consumed = consumeBatch(db, consumer);
    await untilALockIsAwaited(db);
    // Had the consumer taken the audit lock (its write) before the ticket, this would be a deadlock.
    release();
    const [stepped, batch] = await Promise.allSettled([step, consumed]);
    t.equal(stepped.status, 'fulfilled', stepped.status === 'rejected' ? String(stepped.reason) : "the operator's step committed");
    t.equal(batch.status, 'fulfilled', batch.status === 'rejected' ? String(batch.reason) : 'the batch committed');
    const events = await db.selectFrom('maintenance_ticket_event').select('kind').where('ticket_id', '=', ticket.ticket_id).orderBy('id').execute();
    t.same(events.map((e) => e.kind), ['opened', 'occurrence'], 'the repeat is noted on the ticket, once');
  },
);
