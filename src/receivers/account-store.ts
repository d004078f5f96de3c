import type { Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { accountDirectoryOf, type AccountDirectory, type ReceivingAccount } from './account-directory.js';

/** Reads every account receivers know into memory: receivers look one up per frame. */
export async function loadAccountDirectory(db: Kysely<Database>): Promise<AccountDirectory & { size: number }> {
  const rows = await db.selectFrom('account').select(['number', 'aes_key', 'encrypted_only']).execute();
  return accountDirectoryOf(rows.map((r) => ({ number: r.number, aesKey: r.aes_key ? new Uint8Array(r.aes_key) : null, encryptedOnly: r.encrypted_only })));
}

/**
 * A directory that can be reloaded while receivers use it: they hold this object, and a reload
 * swaps what it answers from in one step.
 */
export class ReloadableAccountDirectory implements AccountDirectory {
  #current: AccountDirectory & { size: number } = accountDirectoryOf([]);

  constructor(private readonly db: Kysely<Database>) {}

  find(number: string): ReceivingAccount | undefined {
    return this.#current.find(number);
  }

  get size(): number {
    return this.#current.size;
  }

  async reload(): Promise<void> {
    this.#current = await loadAccountDirectory(this.db);
  }
}

/** Adds or replaces an account's receiving settings. */
export async function saveAccount(db: Kysely<Database>, account: ReceivingAccount): Promise<void> {
  const values = { number: account.number, aes_key: account.aesKey ? Buffer.from(account.aesKey) : null, encrypted_only: account.encryptedOnly };
  await db
    .insertInto('account')
    .values(values)
    .onConflict((oc) => oc.column('number').doUpdateSet({ aes_key: values.aes_key, encrypted_only: values.encrypted_only }))
    .execute();
}
