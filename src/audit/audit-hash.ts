import { createHash } from 'node:crypto';
import { canonicalJson, rawJson } from './canonical-json.js';

/** The hash the first row chains to. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an audit row says, as the chain covers it. */
export interface AuditFacts {
  seq: string;
  at: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  detail: object;
}

/** sha256 over the previous hash and every fact of the row: change either and the chain breaks here. */
export function auditHash(prevHash: string, facts: AuditFacts): string {
  return auditHashOver(prevHash, facts, canonicalJson(facts.detail));
}

/**
 * The same hash, over `detailText`: the detail's canonicalJson, which the writer stores in the
 * row as well. One reading of the detail then makes both, so what the row holds is what was
 * hashed (the verifier, reading it back, hashes it with auditHash and gets the same).
 */
export function auditHashOver(prevHash: string, facts: Omit<AuditFacts, 'detail'>, detailText: string): string {
  const text = canonicalJson({
    prev: prevHash,
    seq: facts.seq,
    at: facts.at.toISOString(),
    actor: facts.actor,
    action: facts.action,
    subjectType: facts.subjectType,
    subjectId: facts.subjectId,
    detail: rawJson(detailText),
  });
  return createHash('sha256').update(text).digest('hex');
}
