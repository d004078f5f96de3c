/**
 * How a request to the voice gateway is tried again: a few times, soon, and all of it well
 * inside the call's answer time. The shortest answer time a policy allows is 10 s
 * (verificationPolicy's TIMEOUT_OUT_OF_RANGE): a call the gateway takes late is a call the
 * engine has already given up on, so past `giveUpAfterMs` the engine's `call_answer` timer
 * moves the case on instead.
 */
export interface GatewayRetry {
  /** The longest one attempt may take. */
  requestTimeoutMs: number;
  /** The wait after the first failure; it doubles after each further one, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** No attempt starts, or lasts, later than this after the first began. */
  giveUpAfterMs: number;
  maxAttempts: number;
}

export const GATEWAY_RETRY: GatewayRetry = { requestTimeoutMs: 2_000, firstDelayMs: 250, maxDelayMs: 2_000, giveUpAfterMs: 8_000, maxAttempts: 5 };

/** An attempt shorter than this is not worth starting: it could not be answered in time. */
const MIN_ATTEMPT_MS = 100;

/**
 * The attempt after `failed` failed ones, `elapsedMs` after the first began: how long to wait
 * before it, and how long it may take; null: give up. The first attempt (failed 0) goes at once.
 *
 * @example nextAttempt(GATEWAY_RETRY, 1, 40) // { delayMs: 250, timeoutMs: 2000 }
 */
export function nextAttempt(retry: GatewayRetry, failed: number, elapsedMs: number): { delayMs: number; timeoutMs: number } | null {
  if (failed >= retry.maxAttempts) return null;
  const delayMs = failed === 0 ? 0 : Math.min(retry.maxDelayMs, retry.firstDelayMs * 2 ** Math.min(failed - 1, 30));
  const left = retry.giveUpAfterMs - (elapsedMs + delayMs);
  if (left < MIN_ATTEMPT_MS) return null;
  return { delayMs, timeoutMs: Math.min(retry.requestTimeoutMs, left) };
}
