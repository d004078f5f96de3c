import type { VerificationCallResult } from './verification-input.js';

/**
 * What a confirmation rests on, as the 110 forward carries it and the statistics count it:
 * which zones, which call, which guard report, which operator.
 */
export type Evidence =
  | AlarmEvidence
  | { kind: 'callback'; at: number; contact: string; phone: string; result: VerificationCallResult; timedOut: boolean }
  | { kind: 'guard_report'; at: number; guardId: string; finding: GuardFinding; note: string }
  | { kind: 'operator'; at: number; operator: string; note: string }
  | { kind: 'no_verification_in_time'; at: number; waitedS: number };

export type GuardFinding = 'real' | 'false' | 'no_access';

/**
 * An alarm: one, or a zone's alarms in the incident (`count` of them since `firstAt`, present
 * when more than one; `at`, `code` and `description` are of the latest).
 */
export interface AlarmEvidence {
  kind: 'alarm';
  at: number;
  zone: number | null;
  zoneName: string | null;
  principle: string | null;
  code: string;
  description: string;
  count?: number;
  firstAt?: number;
}
