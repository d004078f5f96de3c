import type { AttemptResult } from './uplink-tables.js';
import { signedHeaders, type SigningKey } from '../signing/hmac-signature.js';
import { uplinkAnswerSchema } from './uplink-wire.js';

export interface UplinkTarget extends SigningKey {
  /** The police centre's endpoint, e.g. `https://110.example/api/incidents`. */
  url: string;
}

/** What one POST to 110 came to: an answer (accepted, rejected) or a reason to try again. */
export type SendOutcome =
  | { result: 'accepted'; httpStatus: number; caseNumber: string }
  | { result: 'rejected'; httpStatus: number; reason: string }
  | { result: Exclude<AttemptResult, 'accepted' | 'rejected'>; httpStatus: number | null; error: string };

/**
 * POSTs a payload to 110, signed, and classifies the answer. Only a well-formed 2xx `accepted`
 * or 422 `rejected` is an answer; anything else (no connection, timeout, 5xx, 401 from a key
 * mismatch, a body that is not an answer) is retried: the operator hears of it by escalation.
 * Never throws; the secret is only used to sign.
 */
export async function sendMessage(target: UplinkTarget, payload: object, opts: { now: () => number; timeoutMs: number; fetch: typeof fetch }): Promise<SendOutcome> {
  const body = JSON.stringify(payload);
  let res: Response;
  try {
    res = await opts.fetch(target.url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...signedHeaders(target, body, opts.now()) },
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { result: 'timeout', httpStatus: null, error: `no answer within ${opts.timeoutMs} ms` };
    return { result: 'network_error', httpStatus: null, error: errorText(err) };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    return { result: 'network_error', httpStatus: res.status, error: errorText(err) };
  }
  if (res.status !== 422 && (res.status < 200 || res.status > 299)) return { result: 'http_error', httpStatus: res.status, error: `HTTP ${res.status}: ${text.slice(0, 200)}` };
  let answer;
  try {
    answer = uplinkAnswerSchema.safeParse(JSON.parse(text));
  } catch {
    answer = undefined;
  }
  if (!answer?.success) return { result: 'bad_answer', httpStatus: res.status, error: `not an answer: ${text.slice(0, 200)}` };
  const a = answer.data;
  if (a.status === 'accepted' && res.status !== 422) return { result: 'accepted', httpStatus: res.status, caseNumber: a.caseNumber };
  if (a.status === 'rejected' && res.status === 422) return { result: 'rejected', httpStatus: res.status, reason: a.reason };
  return { result: 'bad_answer', httpStatus: res.status, error: `HTTP ${res.status} with status ${a.status}` };
}

function errorText(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** The wait before attempt n+1 after n failed attempts: doubling from `initialMs`, capped at `maxMs`. */
export function retryDelay(attempts: number, retry: { initialMs: number; maxMs: number }): number {
  return Math.min(retry.maxMs, retry.initialMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}
