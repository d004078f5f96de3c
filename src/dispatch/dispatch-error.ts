import { refusalError } from '../console/api-error.js';

/**
 * Why dispatch refused; stable, a guard's phone and the console read the code. `status` is the
 * HTTP answer: 403 for another guard's order, 404 for what does not exist, 409 for the order's
 * or guard's state, 422 for what the request lacks.
 */
export const DISPATCH_REFUSALS = {
  ORDER_NOT_FOUND: { status: 404, message: 'no such dispatch order' },
  ORDER_NOT_ASSIGNED_TO_YOU: { status: 403, message: 'the order is not (or no longer) assigned to you' },
  INVALID_TRANSITION: { status: 409, message: 'the order cannot do that from where it stands' },
  ORDER_CLOSED: { status: 409, message: 'the order is closed' },
  ALREADY_ASSIGNED: { status: 409, message: 'the order is already assigned to that guard' },
  INCIDENT_NOT_FOUND: { status: 404, message: 'no such incident' },
  INCIDENT_CLOSED: { status: 409, message: 'the incident is closed: no guard is sent for it' },
  GUARD_NOT_FOUND: { status: 404, message: 'no such guard (register the user with POST /api/guards)' },
  GUARD_OFF_DUTY: { status: 409, message: 'the guard is off duty' },
  GUARD_HAS_OPEN_ORDER: { status: 409, message: 'the guard holds an order: decline it or report it first' },
  GUARD_EXISTS: { status: 409, message: 'the user is already registered as a guard' },
  NOT_A_GUARD_USER: { status: 422, message: 'only an enabled user with role guard can be registered as a guard' },
  CUSTOMER_NOT_FOUND: { status: 404, message: 'no such customer' },
  GUARD_NOT_REGISTERED: { status: 403, message: 'you are not registered as a guard: a supervisor registers you with POST /api/guards' },
} as const;

export type DispatchRefusalCode = keyof typeof DISPATCH_REFUSALS;

/** A dispatch refusal, thrown: the API error handler answers it with its status and code. */
export class DispatchError extends refusalError('DispatchError', DISPATCH_REFUSALS) {}
