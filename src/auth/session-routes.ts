import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Counter } from 'prom-client';
import { z } from 'zod';
import { appendAudit } from '../audit/append-audit.js';
import { ApiError } from '../console/api-error.js';
import type { Database } from '../store/database-schema.js';
import { bearerToken, currentUser, requireRole } from './require-role.js';
import { ROLES } from './roles.js';
import { endSession, signIn } from './session-store.js';

export interface SessionRouteDeps {
  db: Kysely<Database>;
  now: () => Date;
  sessionTtlMs: number;
  /** Failed sign-ins, by reason: a burst is someone guessing. */
  signInFailures?: Counter<'reason'>;
}

const sessionUserSchema = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.enum(ROLES) });

/**
 * `POST /api/session` signs in and returns a bearer token, `GET` says who the token belongs to,
 * `DELETE` signs out. A failed sign-in says only `BAD_CREDENTIALS`: never whether the name exists.
 */
export function registerSessionRoutes(scope: FastifyInstance, deps: SessionRouteDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Sign in',
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
        response: { 200: z.object({ token: z.string(), expiresAt: z.string(), user: sessionUserSchema }) },
      },
    },
    async (req) => {
      const now = deps.now();
      const session = await signIn(deps.db, req.body, now, deps.sessionTtlMs);
      if (!session) {
        deps.signInFailures?.inc({ reason: 'bad_credentials' });
        req.log.warn({ username: req.body.username }, 'sign-in refused');
        throw new ApiError(401, 'BAD_CREDENTIALS', 'unknown user or wrong password');
      }
      await appendAudit(deps.db, { actor: session.user.id, action: 'session.sign_in', subjectType: 'user', subjectId: session.user.id, detail: { username: session.user.username }, at: now });
      return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: session.user };
    },
  );
  const everyone = requireRole(...ROLES);
  app.get('/api/session', { preHandler: everyone, schema: { tags: ['session'], summary: 'Who is signed in', security: [{ bearer: [] }], response: { 200: sessionUserSchema } } }, (req) => Promise.resolve(currentUser(req)));
  app.delete('/api/session', { preHandler: everyone, schema: { tags: ['session'], summary: 'Sign out', security: [{ bearer: [] }] } }, async (req, reply) => {
    const user = currentUser(req);
    const now = deps.now();
    await endSession(deps.db, bearerToken(req)!, now);
    await appendAudit(deps.db, { actor: user.id, action: 'session.sign_out', subjectType: 'user', subjectId: user.id, at: now });
    return reply.code(204).send();
  });
}
