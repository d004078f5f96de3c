import { sql, type Kysely, type Selectable } from 'kysely';
import { parseDc09Key } from '../protocols/dc09/dc09-key.js';
import type { Database } from '../store/database-schema.js';
import type { ContractType, ServiceStatus, WeeklyWindow, ZoneType } from './customer-card.js';
import { CustomerError } from './customer-error.js';
import type { AccountInput, CustomerInput, CustomerSummary, CustomerView, StatusInput } from './customer-schemas.js';
import type { CustomerTable } from './customer-tables.js';

/**
 * What to store for the write-only secrets, already hashed: undefined keeps what is stored,
 * null removes it.
 */
export interface CustomerSecretHashes {
  passcodeHash: string | null | undefined;
  duressHash: string | null | undefined;
}

/** A customer with everything hanging off it, as responses show it (no secret). */
export async function loadCustomerView(db: Kysely<Database>, id: string): Promise<CustomerView | undefined> {
  return (await loadCustomerViews(db, [id])).get(id);
}

/**
 * Several customers in five queries whatever their number (the incident consumer's batch of
 * alarms from accounts it has not seen yet); a missing id is missing from the map.
 */
export async function loadCustomerViews(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, CustomerView>> {
  const views = new Map<string, CustomerView>();
  if (ids.length === 0) return views;
  const customers = await db.selectFrom('customer').selectAll().where('id', 'in', ids).execute();
  if (customers.length === 0) return views;
  const found = customers.map((c) => c.id);
  const accounts = await db
    .selectFrom('account')
    .select(['number', 'customer_id', sql<boolean>`aes_key is not null`.as('has_key'), 'encrypted_only'])
    .where('customer_id', 'in', found)
    .orderBy('number')
    .execute();
  const numbers = accounts.map((a) => a.number);
  const [zones, panelUsers, contacts] = await Promise.all([
    numbers.length === 0 ? [] : db.selectFrom('zone').selectAll().where('account', 'in', numbers).orderBy('account').orderBy('number').execute(),
    numbers.length === 0 ? [] : db.selectFrom('panel_user').selectAll().where('account', 'in', numbers).orderBy('account').orderBy('number').execute(),
    db.selectFrom('customer_contact').selectAll().where('customer_id', 'in', found).orderBy('customer_id').orderBy('position').execute(),
  ]);
  const ownerOf = new Map(accounts.map((a) => [a.number, a.customer_id]));
  const of = <T>(rows: readonly T[], customerId: string, owner: (row: T) => string | null | undefined) => rows.filter((r) => owner(r) === customerId);
  for (const customer of customers) {
    const id = customer.id;
    views.set(id, {
      id,
      name: customer.name,
      address: customer.address,
      position: customer.lat === null || customer.lng === null ? null : { lat: customer.lat, lng: customer.lng },
      contractType: customer.contract_type as ContractType,
      serviceStatus: customer.service_status as ServiceStatus,
      onTest: customer.on_test_from && customer.on_test_until ? { from: customer.on_test_from.toISOString(), until: customer.on_test_until.toISOString() } : null,
      hasPasscode: customer.passcode_hash !== null,
      hasDuressCode: customer.duress_hash !== null,
      accounts: of(accounts, id, (a) => a.customer_id).map((a) => ({ number: a.number, hasKey: a.has_key, encryptedOnly: a.encrypted_only })),
      zones: of(zones, id, (z) => ownerOf.get(z.account)).map((z) => ({ account: z.account, number: z.number, name: z.name, location: z.location, type: z.type as ZoneType, principle: z.principle, linkedGroup: z.linked_group })),
      contacts: of(contacts, id, (c) => c.customer_id).map((c) => ({ order: c.position, name: c.name, relation: c.relation, phones: c.phones })),
      panelUsers: of(panelUsers, id, (u) => ownerOf.get(u.account)).map((u) => ({ account: u.account, number: u.number, name: u.name })),
      reportingIntervalS: customer.reporting_interval_s,
      schedule: (customer.schedule as WeeklyWindow[] | null) ?? null,
      guardArea: customer.guard_area,
      videoLinks: customer.video_links,
      createdAt: customer.created_at.toISOString(),
      updatedAt: customer.updated_at.toISOString(),
    });
  }
  return views;
}

/** The stored hashes, for the password callback. */
export async function loadSecretHashes(db: Kysely<Database>, id: string): Promise<Pick<Selectable<CustomerTable>, 'passcode_hash' | 'duress_hash'> | undefined> {
  return db.selectFrom('customer').select(['passcode_hash', 'duress_hash']).where('id', '=', id).executeTakeFirst();
}

/** The customers that own any of these accounts (none, one, or several when a row mixes them). */
export async function customerIdsOfAccounts(db: Kysely<Database>, numbers: string[]): Promise<string[]> {
  if (numbers.length === 0) return [];
  const rows = await db.selectFrom('account').select('customer_id').distinct().where('number', 'in', numbers).where('customer_id', 'is not', null).execute();
  return rows.map((r) => r.customer_id!);
}

/** Writes a new customer and all that hangs off it. Call in a transaction. */
export async function insertCustomer(trx: Kysely<Database>, input: CustomerInput, secrets: CustomerSecretHashes, now: Date): Promise<string> {
  const { id } = await trx
    .insertInto('customer')
    .values({ ...customerColumns(input, now), passcode_hash: secrets.passcodeHash ?? null, duress_hash: secrets.duressHash ?? null, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await writeParts(trx, id, input, []);
  return id;
}

/** Replaces a customer's data and parts (accounts it no longer lists are detached, not deleted). Call in a transaction. */
export async function overwriteCustomer(trx: Kysely<Database>, id: string, input: CustomerInput, secrets: CustomerSecretHashes, now: Date): Promise<void> {
  const updated = await trx
    .updateTable('customer')
    .set({
      ...customerColumns(input, now),
      ...(secrets.passcodeHash !== undefined ? { passcode_hash: secrets.passcodeHash } : {}),
      ...(secrets.duressHash !== undefined ? { duress_hash: secrets.duressHash } : {}),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) throw new CustomerError('CUSTOMER_NOT_FOUND', `no customer ${id}`);
  const before = await trx.selectFrom('account').select('number').where('customer_id', '=', id).execute();
  await writeParts(trx, id, input, before.map((a) => a.number));
}

export async function updateCustomerStatus(trx: Kysely<Database>, id: string, status: StatusInput, now: Date): Promise<void> {
  const updated = await trx
    .updateTable('customer')
    .set({ service_status: status.serviceStatus, on_test_from: status.onTest ? new Date(status.onTest.from) : null, on_test_until: status.onTest ? new Date(status.onTest.until) : null, updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) throw new CustomerError('CUSTOMER_NOT_FOUND', `no customer ${id}`);
}

/** Adds an account to a customer, or changes one of its accounts (key, encrypted-only). */
export async function saveCustomerAccount(trx: Kysely<Database>, id: string, account: AccountInput, now: Date): Promise<void> {
  const touched = await trx.updateTable('customer').set({ updated_at: now }).where('id', '=', id).executeTakeFirst();
  if (touched.numUpdatedRows === 0n) throw new CustomerError('CUSTOMER_NOT_FOUND', `no customer ${id}`);
  await upsertAccount(trx, id, account);
}

export async function listCustomers(
  db: Kysely<Database>,
  query: { name?: string | undefined; account?: string | undefined; status?: string | undefined; limit: number; offset: number },
): Promise<{ total: number; customers: CustomerSummary[] }> {
  let base = db.selectFrom('customer');
  if (query.name !== undefined) base = base.where('name', 'ilike', `%${query.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (query.status !== undefined) base = base.where('service_status', '=', query.status);
  if (query.account !== undefined) {
    const number = query.account;
    base = base.where((eb) => eb.exists(eb.selectFrom('account').select('number').whereRef('account.customer_id', '=', 'customer.id').where('account.number', '=', number)));
  }
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .select(['id', 'name', 'address', 'service_status', 'guard_area'])
    .select(sql<string[]>`coalesce((select json_agg(a.number order by a.number) from account a where a.customer_id = customer.id), '[]'::json)`.as('accounts'))
    .orderBy('name')
    .orderBy('id')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return {
    total: Number(total),
    customers: rows.map((r) => ({ id: r.id, name: r.name, address: r.address, serviceStatus: r.service_status as ServiceStatus, guardArea: r.guard_area, accounts: r.accounts })),
  };
}

function customerColumns(input: CustomerInput, now: Date) {
  return {
    name: input.name,
    address: input.address,
    lat: input.position?.lat ?? null,
    lng: input.position?.lng ?? null,
    contract_type: input.contractType,
    service_status: input.serviceStatus,
    on_test_from: input.onTest ? new Date(input.onTest.from) : null,
    on_test_until: input.onTest ? new Date(input.onTest.until) : null,
    reporting_interval_s: input.reportingIntervalS,
    schedule: input.schedule === null ? null : JSON.stringify(input.schedule),
    guard_area: input.guardArea,
    video_links: JSON.stringify(input.videoLinks),
    updated_at: now,
  };
}

/** Accounts, zones, panel users and contacts: the listed ones replace what was there. */
async function writeParts(trx: Kysely<Database>, id: string, input: CustomerInput, accountsBefore: string[]): Promise<void> {
  const numbers = input.accounts.map((a) => a.number);
  for (const account of input.accounts) await upsertAccount(trx, id, account);
  const dropped = accountsBefore.filter((n) => !numbers.includes(n));
  if (dropped.length > 0) await trx.updateTable('account').set({ customer_id: null }).where('number', 'in', dropped).execute();
  // Zones and panel users of a dropped account go with it: they described these premises.
  const all = [...numbers, ...dropped];
  await trx.deleteFrom('zone').where('account', 'in', all).execute();
  await trx.deleteFrom('panel_user').where('account', 'in', all).execute();
  await trx.deleteFrom('customer_contact').where('customer_id', '=', id).execute();
  if (input.zones.length > 0) {
    await trx
      .insertInto('zone')
      .values(input.zones.map((z) => ({ account: z.account, number: z.number, name: z.name, location: z.location, type: z.type, principle: z.principle, linked_group: z.linkedGroup })))
      .execute();
  }
  if (input.panelUsers.length > 0) await trx.insertInto('panel_user').values(input.panelUsers).execute();
  if (input.contacts.length > 0) {
    await trx
      .insertInto('customer_contact')
      .values(input.contacts.map((c, i) => ({ customer_id: id, position: i + 1, name: c.name, relation: c.relation, phones: JSON.stringify(c.phones) })))
      .execute();
  }
}

/**
 * Claims the account for the customer in one statement, so two admins racing for one number
 * cannot both win: an account of another customer is not touched, and ACCOUNT_TAKEN says so.
 */
async function upsertAccount(trx: Kysely<Database>, id: string, account: AccountInput): Promise<void> {
  const key = account.aesKey === undefined ? undefined : account.aesKey === null ? null : keyBytes(account.aesKey);
  const claimed = await trx
    .insertInto('account')
    .values({ number: account.number, customer_id: id, encrypted_only: account.encryptedOnly, aes_key: key ?? null })
    .onConflict((oc) =>
      oc
        .column('number')
        .doUpdateSet({ customer_id: id, encrypted_only: account.encryptedOnly, ...(key !== undefined ? { aes_key: key } : {}) })
        .where((eb) => eb.or([eb('account.customer_id', 'is', null), eb('account.customer_id', '=', id)])),
    )
    .returning('number')
    .executeTakeFirst();
  if (!claimed) throw new CustomerError('ACCOUNT_TAKEN', `account ${account.number} belongs to another customer`);
}

function keyBytes(text: string): Buffer {
  const parsed = parseDc09Key(text);
  // The schema has checked it already; reaching this is a bug, and the message carries no key.
  if (!parsed.ok) throw new Error(`an AES key passed validation but does not parse: ${parsed.error.message}`);
  return parsed.value;
}
