/**
 * What a receiver needs to know about an account while a frame is in hand: whether arc knows
 * it, its AES key, and whether it must encrypt. Looked up per frame, so it is an in-memory map
 * (loaded from the `account` table by account-store.ts), never a query.
 */
export interface ReceivingAccount {
  /** The account number as panels report it (DC-09 `#acct`, Contact ID ACCT). */
  number: string;
  /** AES-128/192/256 key; null when the account sends plain. Never logged. */
  aesKey: Uint8Array | null;
  /** Plain frames from it are refused (ENCRYPTION_REQUIRED). */
  encryptedOnly: boolean;
}

export interface AccountDirectory {
  find(number: string): ReceivingAccount | undefined;
}

/** A directory over a fixed list: tests, and the start-up snapshot before a reload. */
export function accountDirectoryOf(accounts: Iterable<ReceivingAccount>): AccountDirectory & { size: number } {
  const byNumber = new Map<string, ReceivingAccount>();
  for (const a of accounts) byNumber.set(a.number, a);
  return { find: (number) => byNumber.get(number), size: byNumber.size };
}
