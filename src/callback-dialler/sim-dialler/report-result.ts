import { signedHeaders, type SigningKey } from '../../signing/hmac-signature.js';
import type { DiallerResult } from '../dialler-wire.js';

/** arc's answer to a reported result: its HTTP status (0: never reached) and what to say to the caller. */
export interface ArcAnswer {
  status: number;
  reply: 'code_accepted' | 'code_not_accepted' | null;
}

/**
 * Sends one signed call result to arc (`POST {arcUrl}/api/callback-dialler/results`), trying up
 * to three times half a second apart while arc cannot be reached or answers 5xx.
 */
export async function reportResult(arcUrl: string, key: SigningKey, result: DiallerResult, now: () => number, attempts = 3): Promise<ArcAnswer> {
  const body = JSON.stringify(result);
  let status = 0;
  for (let i = 0; i < attempts; i++) {
    try {
      const res = await fetch(new URL('/api/callback-dialler/results', arcUrl), {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...signedHeaders(key, body, now()) },
        signal: AbortSignal.timeout(5_000),
      });
      status = res.status;
      const answer = (await res.json().catch(() => null)) as { reply?: ArcAnswer['reply'] } | null;
      if (status < 500) return { status, reply: status === 200 ? (answer?.reply ?? null) : null };
    } catch {
      status = 0;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { status, reply: null };
}
