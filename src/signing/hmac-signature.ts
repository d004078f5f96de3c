import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How both ends of a machine link (the 110 uplink, the callback dialler's voice gateway) sign
 * what they send: HMAC-SHA256, with the link's shared secret, over `keyId.timestamp.body` (the
 * exact body bytes), hex in `X-Arc-Signature`. The key id names the secret (so it can be
 * rotated), the timestamp (unix seconds) bounds a replay to ±5 minutes. Pure: no clock, no I/O;
 * the secret never leaves these functions.
 */
export const SIGNATURE_HEADERS = { keyId: 'x-arc-key-id', timestamp: 'x-arc-timestamp', signature: 'x-arc-signature' } as const;

/** How far a signed timestamp may be from the receiver's clock, either way. */
export const MAX_CLOCK_SKEW_S = 300;

export interface SigningKey {
  keyId: string;
  secret: string;
}

/**
 * Why a signature is refused. Each link answers 401 with its own stable code for the fault,
 * `<LINK>_<FAULT>` (signatureErrorCode): `UPLINK_BAD_SIGNATURE`, `DIALLER_BAD_SIGNATURE`.
 */
export const SIGNATURE_FAULTS = {
  SIGNATURE_MISSING: 'the request carries no X-Arc-Key-Id, X-Arc-Timestamp and X-Arc-Signature',
  UNKNOWN_KEY: 'the key id is not one this side knows',
  STALE_TIMESTAMP: 'the signed timestamp is more than 5 minutes from this clock',
  BAD_SIGNATURE: 'the signature does not match the body',
} as const;

export type SignatureFault = keyof typeof SIGNATURE_FAULTS;

export type SignatureCheck = { ok: true; keyId: string } | { ok: false; fault: SignatureFault; message: string };

/** A link's stable code for a refused signature, e.g. `signatureErrorCode('UPLINK', 'BAD_SIGNATURE')` is `UPLINK_BAD_SIGNATURE`. */
export function signatureErrorCode(link: string, fault: SignatureFault): string {
  return `${link}_${fault}`;
}

/** The hex HMAC of a body at a timestamp. */
export function signature(key: SigningKey, timestampS: number, body: Buffer | string): string {
  return createHmac('sha256', key.secret).update(`${key.keyId}.${timestampS}.`).update(body).digest('hex');
}

/**
 * The headers that sign `body` at `nowMs`.
 *
 * @example fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signedHeaders(key, body, Date.now()) } })
 */
export function signedHeaders(key: SigningKey, body: Buffer | string, nowMs: number): Record<string, string> {
  const timestampS = Math.floor(nowMs / 1000);
  return {
    [SIGNATURE_HEADERS.keyId]: key.keyId,
    [SIGNATURE_HEADERS.timestamp]: String(timestampS),
    [SIGNATURE_HEADERS.signature]: signature(key, timestampS, body),
  };
}

/**
 * Checks the signature headers of a request against its exact body. `secretFor` gives the secret
 * of a key id (undefined: unknown key). Refuses a timestamp more than MAX_CLOCK_SKEW_S away.
 */
export function verifySignature(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer | string,
  secretFor: (keyId: string) => string | undefined,
  nowMs: number,
): SignatureCheck {
  const keyId = single(headers[SIGNATURE_HEADERS.keyId]);
  const timestamp = single(headers[SIGNATURE_HEADERS.timestamp]);
  const given = single(headers[SIGNATURE_HEADERS.signature]);
  if (keyId === undefined || timestamp === undefined || given === undefined) return refused('SIGNATURE_MISSING');
  const secret = secretFor(keyId);
  if (secret === undefined) return refused('UNKNOWN_KEY');
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Number(timestamp) - nowMs / 1000) > MAX_CLOCK_SKEW_S) return refused('STALE_TIMESTAMP');
  const expected = Buffer.from(signature({ keyId, secret }, Number(timestamp), body), 'hex');
  const actual = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  // Constant time, so that the signature cannot be guessed byte by byte from response times.
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return refused('BAD_SIGNATURE');
  return { ok: true, keyId };
}

function single(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === '' ? undefined : v;
}

function refused(fault: SignatureFault): SignatureCheck {
  return { ok: false, fault, message: SIGNATURE_FAULTS[fault] };
}
