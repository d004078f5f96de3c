import { signedHeaders, type SigningKey } from '../signing/hmac-signature.js';

/**
 * What one request to the gateway came to. `delivered`: any 2xx. `refused`: a 4xx the gateway
 * means (a bad key, a body it will not take), not worth repeating within a call's few seconds.
 * The rest (no connection, timeout, 5xx, 408, 429) may go better on the next attempt.
 */
export type GatewayOutcome =
  | { result: 'delivered'; httpStatus: number }
  | { result: 'refused' | 'http_error'; httpStatus: number; error: string }
  | { result: 'network_error' | 'timeout'; httpStatus: null; error: string };

export type GatewayResult = GatewayOutcome['result'];

/** Worth another attempt. */
export function retryable(outcome: GatewayOutcome): boolean {
  return outcome.result === 'http_error' || outcome.result === 'network_error' || outcome.result === 'timeout';
}

/**
 * POSTs `payload` to `url`, signed with `key`, and classifies the answer. Never throws. `error`
 * is for the log: a status or a system error code, never the URL (it may carry credentials),
 * the headers or the body.
 */
export async function postToGateway(url: string, key: SigningKey, payload: object, opts: { now: () => number; timeoutMs: number; fetch: typeof fetch }): Promise<GatewayOutcome> {
  const body = JSON.stringify(payload);
  let res: Response;
  try {
    res = await opts.fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...signedHeaders(key, body, opts.now()) },
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { result: 'timeout', httpStatus: null, error: `no answer within ${opts.timeoutMs} ms` };
    const e = err as Error & { cause?: { code?: string } };
    return { result: 'network_error', httpStatus: null, error: e.cause?.code ?? e.name };
  }
  await res.body?.cancel().catch(() => undefined);
  const status = res.status;
  if (status >= 200 && status <= 299) return { result: 'delivered', httpStatus: status };
  const refused = status >= 400 && status <= 499 && status !== 408 && status !== 429;
  return { result: refused ? 'refused' : 'http_error', httpStatus: status, error: `HTTP ${status}` };
}
