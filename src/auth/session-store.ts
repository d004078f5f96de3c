import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { Role, SessionUser } from './roles.js';
import { verifySecret } from './secret-hash.js';

export interface IssuedSession {
  /** The bearer token: shown to the client once, stored only as its hash. */
  token: string;
  expiresAt: Date;
  user: SessionUser;
}

/** Compared against when the user does not exist, so that an unknown name costs as long as a wrong password. */
const DECOY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Checks a username and password and opens a session of `ttlMs`; undefined for an unknown
 * user, a wrong password or a disabled user alike (the caller must not say which).
 */
export async function signIn(db: Kysely<Database>, credentials: { username: string; password: string }, now: Date, ttlMs: number): Promise<IssuedSession | undefined> {
  const row = await db.selectFrom('app_user').selectAll().where('username', '=', credentials.username).executeTakeFirst();
  const matches = await verifySecret(credentials.password, row?.password_hash ?? DECOY_HASH);
  if (!row || !matches || row.disabled) return undefined;
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.insertInto('user_session').values({ token_hash: tokenHash(token), user_id: row.id, created_at: now, expires_at: expiresAt }).execute();
  return { token, expiresAt, user: { id: row.id, username: row.username, displayName: row.display_name, role: row.role as Role } };
}

/** The user a bearer token belongs to, while its session is open and unexpired and the user enabled. */
export async function sessionUser(db: Kysely<Database>, token: string, now: Date): Promise<SessionUser | undefined> {
  const row = await db
    .selectFrom('user_session')
    .innerJoin('app_user', 'app_user.id', 'user_session.user_id')
    .select(['app_user.id', 'app_user.username', 'app_user.display_name', 'app_user.role'])
    .where('user_session.token_hash', '=', tokenHash(token))
    .where('user_session.expires_at', '>', now)
    .where('user_session.ended_at', 'is', null)
    .where('app_user.disabled', '=', false)
    .executeTakeFirst();
  return row && { id: row.id, username: row.username, displayName: row.display_name, role: row.role as Role };
}

/** Ends a session (sign-out); later requests with its token are refused. */
export async function endSession(db: Kysely<Database>, token: string, now: Date): Promise<void> {
  await db.updateTable('user_session').set({ ended_at: now }).where('token_hash', '=', tokenHash(token)).where('ended_at', 'is', null).execute();
}
