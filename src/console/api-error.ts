import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/**
 * The one error body every API route answers with, so that a client (the console, a guard's
 * phone, a script) reads `error.code` and never parses prose.
 */
export interface ApiErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

/** A refusal a route throws on purpose: its status and stable code go to the client as they are. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A domain's stable refusal codes, each with its HTTP status and default message. */
export type Refusals = Readonly<Record<string, { readonly status: number; readonly message: string }>>;

/**
 * The base of a domain's refusal error (DispatchError, MaintenanceError…): thrown with one of its
 * codes, answered by the API error handler with that code's status.
 *
 * @example export class DispatchError extends refusalError('DispatchError', DISPATCH_REFUSALS) {}
 */
export function refusalError<R extends Refusals>(name: string, refusals: R) {
  return class extends ApiError {
    declare readonly code: keyof R & string;

    constructor(code: keyof R & string, message: string = refusals[code]!.message) {
      super(refusals[code]!.status, code, message);
      this.name = name;
    }
  };
}

/**
 * Maps every failure to `ApiErrorBody`: a bad body or query is 400 `BAD_REQUEST` with the zod
 * issues, an `ApiError` keeps its status and code, anything else is 500 `INTERNAL` (logged, with
 * nothing of its message leaked).
 */
export function registerApiErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) return reply.code(err.statusCode).send(body(err.code, err.message));
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({ path: `${err.validationContext ?? ''}${v.instancePath}`, message: v.message ?? 'invalid' }));
      return reply.code(400).send(body('BAD_REQUEST', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues));
    }
    const status = err.statusCode ?? 500;
    if (status < 500) return reply.code(status).send(body(err.code ?? 'BAD_REQUEST', err.message));
    req.log.error({ err }, 'request failed');
    return reply.code(500).send(body('INTERNAL', 'internal error'));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(body('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)));
}

function body(code: string, message: string, issues?: { path: string; message: string }[]): ApiErrorBody {
  return { error: issues ? { code, message, issues } : { code, message } };
}
