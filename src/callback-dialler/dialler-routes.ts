import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { ApiError } from '../console/api-error.js';
import type { SigningKey } from '../signing/hmac-signature.js';
import { acceptSignedJson, requireSignature } from '../signing/signed-json.js';
import type { Database } from '../store/database-schema.js';
import { callerReplySchema, recordCallOutcome } from '../verification/shell/record-call-outcome.js';
import type { VerificationService } from '../verification/shell/verification-service.js';
import type { DiallerMetrics } from './dialler-metrics.js';
import { DIALLER_ACTOR, DIALLER_LINK, diallerResultSchema } from './dialler-wire.js';

export interface DiallerRouteDeps {
  db: Kysely<Database>;
  verification: Pick<VerificationService, 'inTransaction'>;
  /** The key the gateway signs its reports with (the link's own); null when no gateway is configured. */
  key: SigningKey | null;
  now: () => Date;
  metrics: DiallerMetrics;
}

/**
 * The voice gateway's way in: the result of a call arc asked it to place, authenticated by the
 * link's signature (no session: the gateway is a machine, not a user). The code is checked and
 * the outcome fed to the engine exactly as an operator's (recordCallOutcome), and the answer says
 * what to tell the caller, at once, while they are still on the line.
 */
export function registerDiallerRoutes(scope: FastifyInstance, deps: DiallerRouteDeps): void {
  void scope.register((signed, _options, done) => {
    acceptSignedJson(signed);
    const key = deps.key;
    const secretFor = (keyId: string) => (key !== null && keyId === key.keyId ? key.secret : undefined);
    signed.withTypeProvider<ZodTypeProvider>().post(
      '/api/callback-dialler/results',
      {
        preValidation: [
          async () => {
            if (key === null) throw new ApiError(503, 'DIALLER_OFF', 'no voice gateway is configured on this centre (ARC_CALLBACK_DIALLER_URL)');
            return Promise.resolve();
          },
          requireSignature(secretFor, () => deps.now().getTime(), { ...DIALLER_LINK, onRefused: (code) => deps.metrics.refused.inc({ code }) }),
        ],
        schema: {
          tags: ['callback-dialler'],
          summary: 'The voice gateway reports a password callback (口令复核) it placed (signed by the link\'s key, no session)',
          description:
            'Signed with X-Arc-Key-Id, X-Arc-Timestamp and X-Arc-Signature (HMAC-SHA256 of `keyId.timestamp.body`). With `answer: "answered"`, `code` is what the person keyed in; arc checks it against the customer\'s passcode and duress code and never keeps it. ' +
            'The reply is `code_accepted` for both: say it to the caller as it is. 401 `DIALLER_SIGNATURE_MISSING`, `DIALLER_UNKNOWN_KEY`, `DIALLER_STALE_TIMESTAMP`, `DIALLER_BAD_SIGNATURE`; 404 `INCIDENT_NOT_FOUND`; 409 `INCIDENT_CLOSED`; 503 `DIALLER_OFF`.',
          body: diallerResultSchema,
          response: { 200: callerReplySchema },
        },
      },
      async (req) => {
        const answered = await recordCallOutcome(deps, req.body, DIALLER_ACTOR);
        deps.metrics.results.inc({ answer: req.body.answer });
        return answered;
      },
    );
    done();
  });
}
