import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Role, SessionUser } from '../../src/auth/roles.js';
import { createUser } from '../../src/auth/user-store.js';
import type { Database } from '../../src/store/database-schema.js';

export const TEST_PASSWORD = 'correct horse battery';

let serial = 0;

/**
 * Creates a user with `role` and signs in through `POST /api/session`, as a client would.
 * Use the result as `headers: { authorization }` in `app.inject`.
 */
export async function signIn(app: FastifyInstance, db: Kysely<Database>, role: Role, username = `${role}-${++serial}`): Promise<{ authorization: string; token: string; user: SessionUser }> {
  await createUser(db, { username, displayName: `Test ${role} ${username}`, role, password: TEST_PASSWORD });
  const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password: TEST_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`sign-in as ${username} failed: ${res.statusCode} ${res.body}`);
  const { token, user } = res.json<{ token: string; user: SessionUser }>();
  return { authorization: `Bearer ${token}`, token, user };
}
