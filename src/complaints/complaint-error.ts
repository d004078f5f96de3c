import { refusalError } from '../console/api-error.js';

/** Why a complaint step was refused; stable codes the console reads. */
export const COMPLAINT_REFUSALS = {
  COMPLAINT_NOT_FOUND: { status: 404, message: 'no such complaint' },
  COMPLAINT_REPLIED: { status: 409, message: 'the complaint has had its reply: it is closed' },
  CUSTOMER_NOT_FOUND: { status: 404, message: 'no such customer' },
} as const;

export type ComplaintRefusalCode = keyof typeof COMPLAINT_REFUSALS;

export class ComplaintError extends refusalError('ComplaintError', COMPLAINT_REFUSALS) {}
