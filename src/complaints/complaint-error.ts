import { ApiError } from '../console/api-error.js';

/** Why a complaint step was refused; stable codes the console reads. */
export const COMPLAINT_REFUSALS = {
  COMPLAINT_NOT_FOUND: { status: 404, message: 'no such complaint' },
  COMPLAINT_REPLIED: { status: 409, message: 'the complaint has had its reply: it is closed' },
  CUSTOMER_NOT_FOUND: { status: 404, message: 'no such customer' },
} as const;

export type ComplaintRefusalCode = keyof typeof COMPLAINT_REFUSALS;

export class ComplaintError extends ApiError {
  declare readonly code: ComplaintRefusalCode;

  constructor(code: ComplaintRefusalCode, message: string = COMPLAINT_REFUSALS[code].message) {
    super(COMPLAINT_REFUSALS[code].status, code, message);
    this.name = 'ComplaintError';
  }
}
