import { sql, type Kysely } from 'kysely';
import type { ServiceStatus } from '../customers/customer-card.js';
import type { Fence } from '../journal/journal-consumer.js';
import type { Database } from '../store/database-schema.js';
import type { AccountConfig } from './account-settings.js';
import type { AccountTimeline } from './period-rate.js';
import type { CountsAs } from './supervision-settings.js';
import type { AccountHistory, Standing, SupervisionEventKind } from './supervisor.js';

/** Receptions that prove a panel alive: decoded frames, known to the receiver or not. */
export const SIGN_OF_LIFE = ['signal', 'unregistered'] as const;

const STANDING_AFTER: Record<string, Standing> = { late: 'late', restored: 'online', included: 'online', excluded: 'excluded' };

/** Every account with its customer and its own supervision settings. */
export async function loadAccountConfigs(db: Kysely<Database>): Promise<AccountConfig[]> {
  const rows = await db
    .selectFrom('account as a')
    .leftJoin('customer as c', 'c.id', 'a.customer_id')
    .leftJoin('account_supervision as s', 's.account', 'a.number')
    .select(['a.number', 'a.customer_id', 'c.name', 'c.service_status', 'c.on_test_from', 'c.on_test_until', 'c.reporting_interval_s', 's.interval_s', 's.grace_s', 's.counts_as'])
    .orderBy('a.number')
    .execute();
  return rows.map((r) => ({
    account: r.number,
    customerId: r.customer_id,
    customerName: r.name,
    serviceStatus: r.service_status as ServiceStatus | null,
    onTestFrom: r.on_test_from?.getTime() ?? null,
    onTestUntil: r.on_test_until?.getTime() ?? null,
    customerIntervalS: r.reporting_interval_s,
    intervalS: r.interval_s,
    graceS: r.grace_s,
    countsAs: (r.counts_as ?? 'any') as CountsAs,
  }));
}

/**
 * Each account's last reception and last test (NULL poll or test-class event), in one query:
 * per account, two backward scans of the journal's (account, received_at) index.
 */
export async function loadLastReceptions(db: Kysely<Database>): Promise<Map<string, Pick<AccountHistory, 'lastAnyAt' | 'lastTestAt'>>> {
  const { rows } = await sql<{ account: string; last_any: Date | null; last_test: Date | null }>`
    select a.number as account,
      (select max(j.received_at) from journal j where j.account = a.number and j.outcome in ('signal', 'unregistered')) as last_any,
      (select max(j.received_at) from journal j where j.account = a.number and j.outcome in ('signal', 'unregistered')
         and (j.frame->>'token' = 'NULL' or j.events @> '[{"eventClass":"test"}]'::jsonb)) as last_test
    from account a`.execute(db);
  return new Map(rows.map((r) => [r.account, { lastAnyAt: time(r.last_any), lastTestAt: time(r.last_test) }]));
}

/** Each account's standing after its last recorded supervision event. */
export async function loadRecordedStandings(db: Kysely<Database>): Promise<Map<string, Pick<AccountHistory, 'standing' | 'lateSince' | 'includedAt' | 'lastEventAt'>>> {
  const { rows } = await sql<{ subject: string; kind: string; last_at: Date; included_at: Date | null }>`
    select subject,
      (array_agg(kind order by seq desc))[1] as kind,
      (array_agg(at order by seq desc))[1] as last_at,
      max(at) filter (where kind = 'included') as included_at
    from supervision_event where subject_type = 'account' group by subject`.execute(db);
  return new Map(
    rows.map((r) => {
      const standing = STANDING_AFTER[r.kind] ?? null;
      const lastAt = time(r.last_at);
      return [r.subject, { standing, lateSince: standing === 'late' ? lastAt : null, includedAt: time(r.included_at), lastEventAt: lastAt }];
    }),
  );
}

export interface NewSupervisionEvent {
  subjectType: 'account' | 'receiver';
  subject: string;
  kind: SupervisionEventKind | 'silent' | 'disconnected' | 'up';
  at: number;
  lastReportAt: number | null;
  detail: object | null;
}

/** Rows per insert: under PostgreSQL's 65,535 bind parameters (the first start includes every account). */
const INSERT_CHUNK = 1_000;

/**
 * Appends in order, in one transaction: all or none, so that a retry never records twice.
 * `fence` (the leader's term check) runs first in it: a deposed leader records nothing.
 */
export async function appendSupervisionEvents(db: Kysely<Database>, nodeId: string, events: readonly NewSupervisionEvent[], fence?: Fence): Promise<void> {
  if (events.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await fence?.(trx);
    for (let i = 0; i < events.length; i += INSERT_CHUNK) await insertChunk(trx, nodeId, events.slice(i, i + INSERT_CHUNK));
  });
}

async function insertChunk(db: Kysely<Database>, nodeId: string, events: readonly NewSupervisionEvent[]): Promise<void> {
  await db
    .insertInto('supervision_event')
    .values(
      events.map((e) => ({
        subject_type: e.subjectType,
        subject: e.subject,
        kind: e.kind,
        at: new Date(e.at),
        last_report_at: e.lastReportAt === null ? null : new Date(e.lastReportAt),
        node_id: nodeId,
        detail: e.detail === null ? null : JSON.stringify(e.detail),
      })),
    )
    .execute();
}

/** The journal's last seq ('0' when empty). */
export async function journalHead(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('journal').select(sql<string | null>`max(seq)::text`.as('seq')).executeTakeFirst();
  return row?.seq ?? '0';
}

/**
 * Moves a consumer's cursor to `seq`: supervision's state is rebuilt from the journal at start,
 * so it resumes at the head instead of reading the backlog it already knows.
 */
export async function positionCursor(db: Kysely<Database>, consumer: string, seq: string): Promise<void> {
  await db
    .insertInto('journal_cursor')
    .values({ consumer, seq })
    .onConflict((oc) => oc.column('consumer').doUpdateSet({ seq, updated_at: sql<Date>`now()` }))
    .execute();
}

/** An account's recorded transitions, named by the account (the monthly report lists the worst). */
export interface RecordedTimeline extends AccountTimeline {
  account: string;
}

/** Every account's recorded transitions over [from, until), with its standing at `from`. */
export async function loadTimelines(db: Kysely<Database>, from: number, until: number): Promise<RecordedTimeline[]> {
  const [before, inside] = await Promise.all([
    sql<{ subject: string; kind: string }>`
      select distinct on (subject) subject, kind from supervision_event
      where subject_type = 'account' and at < ${new Date(from)} order by subject, seq desc`.execute(db),
    db
      .selectFrom('supervision_event')
      .select(['subject', 'kind', 'at'])
      .where('subject_type', '=', 'account')
      .where('at', '>=', new Date(from))
      .where('at', '<', new Date(until))
      .orderBy('subject')
      .orderBy('seq')
      .execute(),
  ]);
  const timelines = new Map<string, RecordedTimeline & { events: { kind: SupervisionEventKind; at: number }[] }>();
  for (const r of before.rows) timelines.set(r.subject, { account: r.subject, standingAtFrom: STANDING_AFTER[r.kind] ?? null, events: [] });
  for (const r of inside) {
    let timeline = timelines.get(r.subject);
    if (!timeline) timelines.set(r.subject, (timeline = { account: r.subject, standingAtFrom: null, events: [] }));
    timeline.events.push({ kind: r.kind as SupervisionEventKind, at: r.at.getTime() });
  }
  return [...timelines.values()];
}

function time(d: Date | null): number | null {
  return d === null ? null : d.getTime();
}
