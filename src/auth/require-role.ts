import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { ApiError } from '../console/api-error.js';
import type { Role, SessionUser } from './roles.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The user a bearer token belongs to, if its session is open (see session-auth.ts). */
    userForToken(token: string): Promise<SessionUser | undefined>;
  }
  interface FastifyRequest {
    /** Set by `requireRole` before the handler runs; undefined on routes without it. */
    user?: SessionUser;
  }
}

/**
 * The bearer token of a request: `Authorization: Bearer T`, or `?token=T` for a WebSocket,
 * which a browser cannot give headers to.
 */
export function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || undefined;
  const query = req.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' && query.token !== '' ? query.token : undefined;
}

/**
 * A route's guard: 401 `UNAUTHENTICATED` without an open session, 403 `FORBIDDEN` for a role
 * not listed. Every route but sign-in, health and metrics has one.
 *
 * @example app.get('/api/customers', { preHandler: requireRole('admin', 'supervisor', 'operator') }, list)
 */
export function requireRole(...roles: Role[]): preHandlerAsyncHookHandler {
  return async function guard(req: FastifyRequest) {
    const token = bearerToken(req);
    const user = token === undefined ? undefined : await req.server.userForToken(token);
    if (!user) throw new ApiError(401, 'UNAUTHENTICATED', 'sign in first: POST /api/session, then send Authorization: Bearer TOKEN');
    if (!roles.includes(user.role)) throw new ApiError(403, 'FORBIDDEN', `role ${user.role} may not ${req.method} ${req.routeOptions.url ?? req.url}`);
    req.user = user;
  };
}

/** The signed-in user of a guarded route (a route without `requireRole` calling it is a bug). */
export function currentUser(req: FastifyRequest): SessionUser {
  if (!req.user) throw new Error(`route ${req.routeOptions.url ?? req.url} has no requireRole guard`);
  return req.user;
}
