import { hexValue } from '../ascii.js';

/**
 * The inside of a `[…]` data block as DC-09 and the receivers' SIA outputs write it:
 * `#acct|payload`. Panels in the wild also send `acct|payload` (PROSEC, OPAX) and `|payload`
 * (no account), so the account is optional and its `#` too.
 */
export interface AccountBlock {
  account: string | null;
  payload: string;
}

export function parseAccountBlock(inner: string): AccountBlock {
  const bar = inner.indexOf('|');
  if (bar < 0) return { account: null, payload: inner };
  const from = inner[0] === '#' ? 1 : 0;
  // Only hex digits before the bar make an account; a bar inside SIA text does not.
  for (let i = from; i < bar; i++) if (hexValue(inner.charCodeAt(i)) < 0) return { account: null, payload: inner };
  return { account: bar === from ? null : inner.slice(from, bar), payload: inner.slice(bar + 1) };
}
