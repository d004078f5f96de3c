/** The stable codes of failover's refusals (the API answers 409 with them). */
export type FailoverErrorCode = 'SINGLE_NODE' | 'UNKNOWN_NODE' | 'NODE_NOT_ALIVE' | 'ALREADY_LEADER' | 'NO_LEADER' | 'KEEPER_STOPPED';

/** A switchover that cannot be done as asked. */
export class FailoverError extends Error {
  constructor(
    readonly code: FailoverErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FailoverError';
  }
}
