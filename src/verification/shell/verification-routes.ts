import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { currentUser, requireRole } from '../../auth/require-role.js';
import { ApiError } from '../../console/api-error.js';
import type { Database } from '../../store/database-schema.js';
import { VERIFICATION_PRESETS, VerificationPolicyError, verificationPolicy } from '../verification-policy.js';
import { callerReplySchema, callOutcomeFields, recordCallOutcome } from './record-call-outcome.js';
import type { VerificationService } from './verification-service.js';

export interface VerificationRouteDeps {
  db: Kysely<Database>;
  verification: VerificationService;
  now: () => Date;
}

const security = [{ bearer: [] }];
const tags = ['verification'];

const callSchema = z.object({
  /** The call the engine asked for (from its `callback_started` action); null for a call made by hand. */
  callId: z.string().min(1).max(200).nullable(),
  ...callOutcomeFields,
});

const policySchema = z.object({
  preset: z.enum(Object.keys(VERIFICATION_PRESETS) as [keyof typeof VERIFICATION_PRESETS, ...(keyof typeof VERIFICATION_PRESETS)[]]),
  overrides: z
    .object({
      burglary: z.record(z.string(), z.unknown()).optional(),
      fire: z.record(z.string(), z.unknown()).optional(),
      medical: z.record(z.string(), z.unknown()).optional(),
      schedule: z.record(z.string(), z.unknown()).optional(),
    })
    .default({}),
});

/**
 * The verification engine's ways in from the console: the outcome of a password callback, the
 * code checked by arc (so the operator never needs to hear which code it was), and each
 * account's verification policy.
 */
export function registerVerificationRoutes(app: FastifyInstance, deps: VerificationRouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/api/incidents/:id/verification-calls',
    {
      preHandler: requireRole('operator', 'supervisor'),
      schema: {
        tags,
        security,
        summary: 'Record a password callback (口令复核) for the verification engine',
        description: 'With `code`, arc checks it against the customer\'s passcode and duress code. The reply is `code_accepted` for both: read it to the caller as it is.',
        params: z.object({ id: z.string().regex(/^\d{1,18}$/) }),
        body: callSchema,
        response: { 200: callerReplySchema },
      },
    },
    async (req) => recordCallOutcome(deps, { incidentId: req.params.id, ...req.body }, currentUser(req).id),
  );

  api.get(
    '/api/accounts/:number/verification-policy',
    {
      preHandler: requireRole('operator', 'supervisor', 'admin'),
      schema: { tags, security, summary: "An account's verification policy (preset and overrides)", params: z.object({ number: z.string().min(1).max(32) }), response: { 200: policySchema.extend({ effective: z.record(z.string(), z.unknown()) }) } },
    },
    async (req) => {
      const row = await deps.db.selectFrom('verification_policy').select(['preset', 'overrides']).where('account', '=', req.params.number).executeTakeFirst();
      const preset = (row?.preset ?? 'standard') as keyof typeof VERIFICATION_PRESETS;
      const overrides = (row?.overrides ?? {}) as z.infer<typeof policySchema>['overrides'];
      return { preset, overrides, effective: { ...verificationPolicy(preset, overrides) } };
    },
  );

  api.put(
    '/api/accounts/:number/verification-policy',
    {
      preHandler: requireRole('supervisor', 'admin'),
      schema: { tags, security, summary: "Set an account's verification policy", params: z.object({ number: z.string().min(1).max(32) }), body: policySchema, response: { 200: policySchema } },
    },
    async (req) => {
      const { preset, overrides } = req.body;
      try {
        verificationPolicy(preset, overrides);
      } catch (err) {
        if (err instanceof VerificationPolicyError) throw new ApiError(422, err.code, err.message);
        throw err;
      }
      const account = await deps.db.selectFrom('account').select('number').where('number', '=', req.params.number).executeTakeFirst();
      if (account === undefined) throw new ApiError(404, 'ACCOUNT_NOT_FOUND', `no account ${req.params.number}`);
      const at = deps.now();
      await deps.db
        .insertInto('verification_policy')
        .values({ account: req.params.number, preset, overrides: JSON.stringify(overrides), updated_at: at })
        .onConflict((oc) => oc.column('account').doUpdateSet({ preset, overrides: JSON.stringify(overrides), updated_at: at }))
        .execute();
      return { preset, overrides };
    },
  );
}
