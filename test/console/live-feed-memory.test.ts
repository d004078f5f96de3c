import { sql } from 'kysely';
import t from 'tap';
import { pageMessage, readLiveActions, sharedLiveReader, type LivePage } from '../../src/console/live-feed-reader.js';
import { findCustomerCards } from '../../src/customers/customer-lookup.js';
import { IncidentBus, type CommittedActions } from '../../src/incidents/incident-bus.js';
import { createIncidentConsumer } from '../../src/incidents/incident-consumer.js';
import { GroupCommitJournal } from '../../src/journal/group-commit-journal.js';
import { JournalBus } from '../../src/journal/journal-bus.js';
import { consumeBatch } from '../../src/journal/journal-consumer.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { signalReception } from '../helpers/receptions.js';
import { cid } from '../incidents/incident-events.js';

/** What a console receives of a page: the same JSON whether it came from memory or the database. */
const wire = (page: LivePage) => ({ messages: JSON.parse(JSON.stringify(page.actions)) as unknown[], receivedAt: [...page.receivedAt].sort() });

for (const database of TEST_DATABASES) {
  t.test(`${database.name}: the consumer's commit, remembered, is what the database holds, and only reads inside it skip the database`, async (t) => {
    const { db } = await database.open(t);
    await migrateToLatest(db);
    await db.insertInto('account').values([{ number: '1234', aes_key: null }, { number: '5678', aes_key: null }]).execute();
    const bus = new IncidentBus();
    const commits: CommittedActions[] = [];
    bus.onPublished((_id, committed) => committed && commits.push(committed));
    const journal = new GroupCommitJournal(db, { nodeId: 'arc-a', dedupWindowMs: 120_000, bus: new JournalBus() });
    t.teardown(() => journal.close());
    const consumer = createIncidentConsumer(db, { findCustomerCards, bus, now: Date.now });

    // One batch: two premises, a burglary then a fire on the first (a priority change), a panic on the second.
    const at = Date.parse('2026-12-03T09:00:00Z');
    await journal.append(signalReception({ account: '1234', events: [cid('130', '1', 3, '1234')], dedupKey: 'a', receivedAt: at }));
    await journal.append(signalReception({ account: '5678', events: [cid('120', '1', 1, '5678')], dedupKey: 'b', receivedAt: at + 10 }));
    await journal.append(signalReception({ account: '1234', events: [cid('110', '1', 4, '1234')], dedupKey: 'c', receivedAt: at + 20 }));
    while ((await consumeBatch(db, consumer)) > 0);
    t.equal(commits.length, 1, 'one commit, told in full');
    const [committed] = commits as [CommittedActions];
    t.equal(committed.after, '0', 'nothing was committed before it');

    let databaseReads = 0;
    const reader = sharedLiveReader((since, limit) => {
      databaseReads++;
      return readLiveActions(db, since, limit);
    });
    reader.published(committed.actions.at(-1)!.id, committed);
    const ids = committed.actions.map((a) => a.id);
    t.ok(ids.length >= 4, `${ids.length} actions`);

    const fromMemory = await reader.read(committed.after, 500);
    t.equal(databaseReads, 0, 'the whole commit came from memory');
    t.same(wire(fromMemory), wire(await readLiveActions(db, committed.after, 500)), 'the same messages, incident rows and receipt times as the database gives');
    t.same([...new Set(fromMemory.receivedAt.values())].sort(), [at, at + 10, at + 20], 'the actions of each alarm with the time it was received');

    t.equal(await reader.read(committed.after, 500), fromMemory, 'every console caught up at the same point gets the same page object');
    t.equal(pageMessage(fromMemory, 'rows_once'), pageMessage(fromMemory, 'rows_once'), 'so its message is encoded once, for all of them');
    t.same(JSON.parse(pageMessage(fromMemory, 'row_per_action').toString()), { type: 'actions', actions: JSON.parse(JSON.stringify(fromMemory.actions)) }, 'for a page loaded before v=2: the row with every action');
    const message = JSON.parse(pageMessage(fromMemory, 'rows_once').toString()) as { type: string; incidents: { id: string }[]; actions: { seq: string; action: { incidentId: string } }[] };
    const incidentIds = [...new Set(fromMemory.actions.map((a) => a.action.incidentId))];
    t.same(message.incidents.map((i) => i.id), incidentIds, "one message for the page, each incident's row in it once");
    t.same(message.incidents, JSON.parse(JSON.stringify(incidentIds.map((id) => fromMemory.actions.find((a) => a.action.incidentId === id)!.incident))), 'the row the page holds for it');
    t.same(message.actions, JSON.parse(JSON.stringify(fromMemory.actions.map(({ seq, action }) => ({ seq, action })))), 'and every action, in order, without the row');

    const rest = await reader.read(ids[1]!, 2);
    t.same(rest.actions.map((a) => a.seq), ids.slice(2, 4), 'a read from inside the commit: what follows, up to the limit');
    t.equal(databaseReads, 0);

    t.same((await reader.read(ids.at(-1)!, 500)).actions, [], 'past the commit: nothing new');
    t.equal(databaseReads, 1, 'which only the database can say');

    // The next batch.
    await journal.append(signalReception({ account: '5678', events: [cid('130', '1', 2, '5678')], dedupKey: 'd', receivedAt: at + 30 }));
    while ((await consumeBatch(db, consumer)) > 0);
    t.equal(commits.length, 2);
    reader.published(commits[1]!.actions.at(-1)!.id, commits[1]);
    const next = await reader.read(ids.at(-1)!, 500);
    t.equal(databaseReads, 1, 'the next commit, remembered, starts where the first ended');
    t.same(wire(next), wire(await readLiveActions(db, ids.at(-1)!, 500)));

    // A writer that drew action ids and rolled back leaves a gap: the next commit starts past it,
    // and a console at the last committed id (inside the gap's start) reads it from the database.
    const lastBeforeGap = commits[1]!.actions.at(-1)!.id;
    await db.transaction().execute(async (trx) => {
      await sql`select nextval(pg_get_serial_sequence('incident_action', 'id')) from generate_series(1, 3)`.execute(trx);
    });
    await journal.append(signalReception({ account: '1234', events: [cid('130', '1', 7, '1234')], dedupKey: 'e', receivedAt: at + 40 }));
    while ((await consumeBatch(db, consumer)) > 0);
    const afterGap = commits[2]!;
    t.equal(afterGap.after, String(BigInt(afterGap.actions[0]!.id) - 1n), "a commit's range starts below its own first id");
    t.ok(BigInt(afterGap.after) > BigInt(lastBeforeGap), 'past the gap');
    reader.published(afterGap.actions.at(-1)!.id, afterGap);
    const acrossGap = await reader.read(lastBeforeGap, 500);
    t.equal(databaseReads, 2, 'a console before the gap is answered by the database');
    t.same(acrossGap.actions.map((a) => a.seq), afterGap.actions.map((a) => a.id), 'with exactly the new commit');
    t.same(wire(await reader.read(afterGap.after, 500)), wire(acrossGap), 'and from the range start, memory gives the same');
    t.equal(databaseReads, 2);

    // Another writer commits after it (an operator, dispatch, another node) and says only its id:
    // memory cannot say what lies past the remembered commit any more, so the database answers.
    reader.published(String(BigInt(afterGap.actions.at(-1)!.id) + 1n));
    await reader.read(afterGap.after, 500);
    t.equal(databaseReads, 3, 'a commit newer than the remembered one sends reads to the database');
  });
}
