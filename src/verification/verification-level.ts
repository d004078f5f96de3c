/**
 * Why arc forwards an incident to 110: the verification level the police receive with it. Four
 * are a threat to life (TMA-AVS-01 level 4: hold-up, a duress code given on a callback, fire,
 * medical); the others confirm a threat to property, each on its own evidence.
 */
export const VERIFICATION_LEVELS = [
  'emergency', 'callback_duress', 'fire', 'medical',
  'linked_zones', 'callback_failed', 'guard_confirmed', 'operator_confirmed',
] as const;

export type VerificationLevel = (typeof VERIFICATION_LEVELS)[number];

const LIFE_THREATS: ReadonlySet<VerificationLevel> = new Set(['emergency', 'callback_duress', 'fire', 'medical']);

export function threatensLife(level: VerificationLevel): boolean {
  return LIFE_THREATS.has(level);
}

/** The only levels on which a burglary may reach 110: each names the evidence that verified it. */
export const BURGLARY_LEVELS: readonly VerificationLevel[] = ['linked_zones', 'callback_duress', 'callback_failed', 'guard_confirmed', 'operator_confirmed'];
