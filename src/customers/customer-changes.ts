import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/append-audit.js';
import { hashSecret, verifySecret } from '../auth/secret-hash.js';
import type { Database } from '../store/database-schema.js';
import { CustomerError } from './customer-error.js';
import type { AccountInput, CustomerInput, CustomerView, StatusInput } from './customer-schemas.js';
import { insertCustomer, loadCustomerView, loadSecretHashes, overwriteCustomer, saveCustomerAccount, updateCustomerStatus, type CustomerSecretHashes } from './customer-store.js';

/**
 * Who changes a customer, and when. Every change is one transaction holding the change and its
 * audit row; the audit detail names what changed (before and after), never a secret.
 */
export interface ChangeContext {
  /** A user id, or `import`. */
  actor: string;
  now: Date;
  /** Added to the audit detail (the import's file and line). */
  note?: object;
  /** Do everything, then roll back: `arc import --dry-run`. Secrets are not hashed. */
  dryRun?: boolean;
}

export async function createCustomer(db: Kysely<Database>, input: CustomerInput, ctx: ChangeContext): Promise<CustomerView> {
  const secrets = await hashSecrets(input, ctx);
  return inTransaction(db, ctx, async (trx) => {
    const id = await insertCustomer(trx, input, secrets, ctx.now);
    const after = await mustLoad(trx, id);
    await audit(trx, ctx, 'customer.create', id, { after: publicFields(after), ...secretChanges(input) });
    return after;
  });
}

export async function replaceCustomer(db: Kysely<Database>, id: string, input: CustomerInput, ctx: ChangeContext): Promise<CustomerView> {
  const secrets = await hashSecrets(input, ctx);
  return inTransaction(db, ctx, async (trx) => {
    const before = await mustLoad(trx, id);
    await overwriteCustomer(trx, id, input, secrets, ctx.now);
    const after = await mustLoad(trx, id);
    await audit(trx, ctx, 'customer.replace', id, { changes: changedFields(before, after), ...secretChanges(input) });
    return after;
  });
}

/** Service status; `decommissioned` is how a customer is "deleted" (rows stay for the incidents that point at them). */
export async function changeCustomerStatus(db: Kysely<Database>, id: string, status: StatusInput, ctx: ChangeContext, action = 'customer.status'): Promise<CustomerView> {
  return inTransaction(db, ctx, async (trx) => {
    const before = await mustLoad(trx, id);
    await updateCustomerStatus(trx, id, status, ctx.now);
    const after = await mustLoad(trx, id);
    await audit(trx, ctx, action, id, { changes: changedFields(before, after) });
    return after;
  });
}

export async function changeCustomerAccount(db: Kysely<Database>, id: string, account: AccountInput, ctx: ChangeContext): Promise<CustomerView> {
  return inTransaction(db, ctx, async (trx) => {
    const before = await mustLoad(trx, id);
    await saveCustomerAccount(trx, id, account, ctx.now);
    const after = await mustLoad(trx, id);
    await audit(trx, ctx, 'customer.account', id, { account: account.number, changes: changedFields(before, after), keyChanged: account.aesKey !== undefined });
    return after;
  });
}

export type PasscodeMatch = 'passcode' | 'duress' | 'none';

/**
 * The password callback (口令复核): what a caller said, against the stored codes. Duress is
 * checked first, so that a duress code is never reported as a mere passcode. Audited, with the
 * outcome and never the code.
 */
export async function checkPasscode(db: Kysely<Database>, id: string, code: string, ctx: ChangeContext): Promise<PasscodeMatch> {
  const hashes = await loadSecretHashes(db, id);
  if (!hashes) throw new CustomerError('CUSTOMER_NOT_FOUND', `no customer ${id}`);
  if (hashes.passcode_hash === null) throw new CustomerError('NO_PASSCODE', 'this customer has no passcode: verify the caller another way');
  const duress = hashes.duress_hash !== null && (await verifySecret(code, hashes.duress_hash));
  const match: PasscodeMatch = duress ? 'duress' : (await verifySecret(code, hashes.passcode_hash)) ? 'passcode' : 'none';
  await audit(db, ctx, 'customer.passcode_check', id, { match });
  return match;
}

class DryRunRollback extends Error {
  constructor(readonly result: CustomerView) {
    super('dry run');
  }
}

async function inTransaction(db: Kysely<Database>, ctx: ChangeContext, work: (trx: Kysely<Database>) => Promise<CustomerView>): Promise<CustomerView> {
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await work(trx);
      if (ctx.dryRun) throw new DryRunRollback(result);
      return result;
    });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.result;
    throw err;
  }
}

async function hashSecrets(input: CustomerInput, ctx: ChangeContext): Promise<CustomerSecretHashes> {
  const hash = (plain: string | null | undefined) => (typeof plain !== 'string' ? Promise.resolve(plain) : ctx.dryRun ? Promise.resolve('dry-run') : hashSecret(plain));
  const [passcodeHash, duressHash] = await Promise.all([hash(input.passcode), hash(input.duressCode)]);
  return { passcodeHash, duressHash };
}

async function mustLoad(db: Kysely<Database>, id: string): Promise<CustomerView> {
  const view = await loadCustomerView(db, id);
  if (!view) throw new CustomerError('CUSTOMER_NOT_FOUND', `no customer ${id}`);
  return view;
}

function audit(db: Kysely<Database>, ctx: ChangeContext, action: string, id: string, detail: object): Promise<string> {
  return appendAudit(db, { actor: ctx.actor, action, subjectType: 'customer', subjectId: id, detail: { ...detail, ...ctx.note }, at: ctx.now });
}

type PublicFields = Omit<CustomerView, 'id' | 'createdAt' | 'updatedAt'>;

function publicFields(view: CustomerView): PublicFields {
  const rest: Partial<CustomerView> = { ...view };
  delete rest.id;
  delete rest.createdAt;
  delete rest.updatedAt;
  return rest as PublicFields;
}

/** The fields whose value differs, each with its old and new value (views hold no secret). */
function changedFields(before: CustomerView, after: CustomerView): Record<string, { from: unknown; to: unknown }> {
  const a = publicFields(before);
  const b = publicFields(after);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(b) as (keyof PublicFields)[]) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) changes[key] = { from: a[key], to: b[key] };
  }
  return changes;
}

/** That a secret was set or removed, never what it is. */
function secretChanges(input: CustomerInput): object {
  return {
    passcodeChanged: input.passcode !== undefined,
    duressCodeChanged: input.duressCode !== undefined,
    keysChanged: input.accounts.filter((a) => a.aesKey !== undefined).map((a) => a.number),
  };
}
