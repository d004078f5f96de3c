import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/database-schema.js';
import type { Role, SessionUser } from './roles.js';
import { hashSecret } from './secret-hash.js';

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

export class UserExistsError extends Error {
  readonly code = 'USER_EXISTS';

  constructor(username: string) {
    super(`a user named "${username}" exists`);
    this.name = 'UserExistsError';
  }
}

/** Creates a user with the password hashed; throws UserExistsError when the name is taken. */
export async function createUser(db: Kysely<Database> | Transaction<Database>, user: NewUser): Promise<SessionUser> {
  const passwordHash = await hashSecret(user.password);
  const row = await db
    .insertInto('app_user')
    .values({ username: user.username, display_name: user.displayName, role: user.role, password_hash: passwordHash })
    .onConflict((oc) => oc.column('username').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new UserExistsError(user.username);
  return { id: row.id, username: user.username, displayName: user.displayName, role: user.role };
}

/** Every user, without their password hashes. */
export async function listUsers(db: Kysely<Database>): Promise<(SessionUser & { disabled: boolean })[]> {
  const rows = await db.selectFrom('app_user').select(['id', 'username', 'display_name', 'role', 'disabled']).orderBy('username').execute();
  return rows.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name, role: r.role as Role, disabled: r.disabled }));
}
