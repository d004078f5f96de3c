import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../console/api-error.js';
import { signatureErrorCode, verifySignature } from './hmac-signature.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes of a JSON body, in scopes that check signatures (acceptSignedJson). */
    rawBody?: Buffer;
  }
}

const BODY_LIMIT = 256 * 1024;

/**
 * Makes a scope keep each JSON body's exact bytes next to the parsed value: a signature is over
 * the bytes, and re-serialising the parsed value would not give them back. Only in the scope.
 */
export function acceptSignedJson(scope: FastifyInstance): void {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (req, body, done) => {
    const bytes = body as Buffer;
    req.rawBody = bytes;
    try {
      done(null, JSON.parse(bytes.toString('utf8')));
    } catch {
      done(new ApiError(400, 'BAD_REQUEST', 'the body is not JSON'), undefined);
    }
  });
}

/** Which link a signed route belongs to: the prefix of its refusal codes, and who is told of a refusal. */
export interface SignedLink {
  /** `UPLINK` answers `UPLINK_BAD_SIGNATURE`, `DIALLER` answers `DIALLER_BAD_SIGNATURE`… */
  name: string;
  /** Told the code of every refused request (a metric); never the headers or the body. */
  onRefused?: (code: string) => void;
}

/**
 * A preValidation hook refusing, with 401 and the link's code for the fault, a request whose body
 * is not signed by a key `secretFor` knows; before validation, so an unsigned caller learns
 * nothing of the schema.
 */
export function requireSignature(secretFor: (keyId: string) => string | undefined, now: () => number, link: SignedLink) {
  return async function signed(req: FastifyRequest): Promise<void> {
    const check = verifySignature(req.headers, req.rawBody ?? Buffer.alloc(0), secretFor, now());
    if (!check.ok) {
      const code = signatureErrorCode(link.name, check.fault);
      link.onRefused?.(code);
      throw new ApiError(401, code, check.message);
    }
    return Promise.resolve();
  };
}
