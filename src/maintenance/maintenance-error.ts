import { refusalError } from '../console/api-error.js';

/**
 * Why a ticket step was refused; stable, the console reads the code. `status` is the HTTP
 * answer: 404 for what does not exist, 409 for the ticket's state, 422 for what the request lacks.
 */
export const MAINTENANCE_REFUSALS = {
  TICKET_NOT_FOUND: { status: 404, message: 'no such maintenance ticket' },
  TICKET_ARCHIVED: { status: 409, message: 'the ticket is archived: nothing more is recorded on it' },
  INVALID_TRANSITION: { status: 409, message: 'the ticket cannot take that step from where it stands' },
  LEVEL_UNCHANGED: { status: 409, message: 'the ticket already has that level' },
  ACCOUNT_NOT_FOUND: { status: 404, message: 'no such account' },
} as const;

export type MaintenanceRefusalCode = keyof typeof MAINTENANCE_REFUSALS;

/** A maintenance refusal, thrown: the API error handler answers it with its status and code. */
export class MaintenanceError extends refusalError('MaintenanceError', MAINTENANCE_REFUSALS) {}
