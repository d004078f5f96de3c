import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database-schema.js';
import { sessionUser } from './session-store.js';

/** Makes `requireRole` work on this server: tokens are looked up in `db` at `now()`. */
export function registerSessionAuth(app: FastifyInstance, deps: { db: Kysely<Database>; now: () => Date }): void {
  app.decorate('userForToken', (token: string) => sessionUser(deps.db, token, deps.now()));
}
