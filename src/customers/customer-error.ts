/** The stable codes of a refused customer change; routes map them to HTTP, `arc import` prints them. */
export const CUSTOMER_ERROR_CODES = {
  CUSTOMER_NOT_FOUND: 'no customer has this id',
  ACCOUNT_TAKEN: 'the account belongs to another customer',
  ACCOUNTS_SPLIT: '(import) the row names accounts of two different customers',
  NO_PASSCODE: 'the customer has no passcode to check against',
} as const;

export type CustomerErrorCode = keyof typeof CUSTOMER_ERROR_CODES;

export class CustomerError extends Error {
  constructor(
    readonly code: CustomerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CustomerError';
  }
}
