import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../audit/append-audit.js';
import { ApiError } from '../console/api-error.js';
import type { Database } from '../store/database-schema.js';
import { currentUser, requireRole } from './require-role.js';
import { ROLES } from './roles.js';
import { createUser, listUsers, UserExistsError } from './user-store.js';

const userSchema = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.enum(ROLES) });

/** Admins create users and everyone who runs a shift can see who is who; nobody reads a hash. */
export function registerUserRoutes(scope: FastifyInstance, deps: { db: Kysely<Database>; now: () => Date }): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/users',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        security: [{ bearer: [] }],
        body: z.object({
          username: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash, underscore; at most 64'),
          displayName: z.string().min(1).max(100),
          role: z.enum(ROLES),
          password: z.string().min(10, 'at least 10 characters').max(256),
        }),
        response: { 201: userSchema },
      },
    },
    async (req, reply) => {
      const admin = currentUser(req);
      const created = await deps.db.transaction().execute(async (trx) => {
        const user = await createUser(trx, req.body).catch((err: unknown) => {
          throw err instanceof UserExistsError ? new ApiError(409, err.code, err.message) : err;
        });
        await appendAudit(trx, { actor: admin.id, action: 'user.create', subjectType: 'user', subjectId: user.id, detail: { username: user.username, role: user.role }, at: deps.now() });
        return user;
      });
      return reply.code(201).send(created);
    },
  );
  app.get(
    '/api/users',
    { preHandler: requireRole('admin', 'supervisor'), schema: { tags: ['users'], summary: 'List users', security: [{ bearer: [] }], response: { 200: z.array(userSchema.extend({ disabled: z.boolean() })) } } },
    async () => listUsers(deps.db),
  );
}
