import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { currentUser, requireRole } from '../../auth/require-role.js';
import { ApiError } from '../../console/api-error.js';
import { checkPasscode } from '../../customers/customer-changes.js';
import { CustomerError } from '../../customers/customer-error.js';
import { lockIncident } from '../../incidents/incident-store.js';
import type { Database } from '../../store/database-schema.js';
import type { VerificationCallResult } from '../verification-input.js';
import { VERIFICATION_PRESETS, VerificationPolicyError, verificationPolicy } from '../verification-policy.js';
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
  contact: z.string().min(1).max(200),
  phone: z.string().min(1).max(50),
  answer: z.enum(['answered', 'no_answer', 'busy', 'refused']),
  /** What the person gave as their code: arc checks it (passcode or duress); never stored. */
  code: z.string().min(1).max(50).optional(),
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
        response: { 200: z.object({ reply: z.enum(['code_accepted', 'code_not_accepted']).nullable() }) },
      },
    },
    async (req) => {
      const user = currentUser(req);
      const { callId, contact, phone, answer, code } = req.body;
      const now = deps.now();
      const loaded = await deps.db.selectFrom('incident').select(['account', 'customer_id']).where('id', '=', req.params.id).executeTakeFirst();
      if (loaded === undefined) throw new ApiError(404, 'INCIDENT_NOT_FOUND', `no incident ${req.params.id}`);
      let result: VerificationCallResult = answer === 'answered' ? 'wrong_code' : answer;
      if (answer === 'answered') {
        if (code === undefined) throw new ApiError(422, 'CODE_REQUIRED', 'an answered callback needs the code the person gave (or answer "refused")');
        if (loaded.customer_id === null) throw new ApiError(409, 'NO_CUSTOMER', 'the account has no customer: verify the caller another way');
        const match = await checkPasscode(deps.db, loaded.customer_id, code, { actor: user.id, now }).catch((err: unknown) => {
          if (err instanceof CustomerError) throw new ApiError(409, err.code, err.message);
          throw err;
        });
        result = match === 'none' ? 'wrong_code' : match;
      }
      const after = await deps.db.transaction().execute(async (trx) => {
        const incident = await lockIncident(trx, req.params.id);
        if (incident === undefined) throw new ApiError(404, 'INCIDENT_NOT_FOUND', `no incident ${req.params.id}`);
        if (incident.state.status === 'closed') throw new ApiError(409, 'INCIDENT_CLOSED', 'the incident is closed');
        return deps.verification.inTransaction(trx, loaded.account, { kind: 'callback_outcome', incidentId: req.params.id, callId, contact, phone, result });
      });
      after();
      const reply: 'code_accepted' | 'code_not_accepted' | null = result === 'passcode' || result === 'duress' ? 'code_accepted' : result === 'wrong_code' ? 'code_not_accepted' : null;
      return { reply };
    },
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
