/**
 * How an account's alarms are verified, one section per route. The shell picks one per account
 * (a preset, possibly with overrides) and hands it to every decision.
 */
export interface VerificationPolicy {
  preset: string;
  burglary: {
    /** 防区联动: a second zone within this many minutes confirms (BS 8243: 30–60). */
    linkedZoneWindowMin: number;
    /**
     * `different_detector`: any other zone (BS 8243 "two separate detectors");
     * `adjacent_or_different_principle`: another zone of the same linked group, or of another
     * detection principle (the Shanghai rule).
     */
    linkedZoneRule: 'different_detector' | 'adjacent_or_different_principle';
    /** Numbers that must go unanswered before a guard is sent (ECV: 2). */
    callsBeforeGuard: number;
    /** How long a started call may go without an outcome before it counts as not answered. */
    callAnswerS: number;
    /** A wrong code or a refusal: `confirm` forwards to 110 at once; `dispatch` sends a guard to look. */
    onSuspicious: 'confirm' | 'dispatch';
    /** Send a guard too when a burglary is confirmed (to meet the police, secure the premises). */
    dispatchOnConfirm: boolean;
  };
  fire: {
    /** `callback_first` (residential): call the premises, dispatch and forward on no answer or at the deadline; `dispatch_first` (commercial): at once. */
    mode: 'callback_first' | 'dispatch_first';
    callbackS: number;
    forward: boolean;
  };
  medical: { forward: boolean; dispatchGuard: boolean };
  schedule: {
    /** Minutes either side of a window in which an opening or closing is still on time. */
    graceMin: number;
    /** The centre's local time, in which schedules are written (China: +480). */
    utcOffsetMin: number;
  };
}

const STANDARD: VerificationPolicy = {
  preset: 'standard',
  burglary: { linkedZoneWindowMin: 30, linkedZoneRule: 'different_detector', callsBeforeGuard: 2, callAnswerS: 120, onSuspicious: 'dispatch', dispatchOnConfirm: true },
  fire: { mode: 'callback_first', callbackS: 90, forward: true },
  medical: { forward: true, dispatchGuard: false },
  schedule: { graceMin: 15, utcOffsetMin: 480 },
};

/** The named presets; `standard` is BS 8243 (30 min) with ECV (2 numbers) and the residential fire rule. */
export const VERIFICATION_PRESETS = {
  standard: STANDARD,
  bs8243_60: { ...STANDARD, preset: 'bs8243_60', burglary: { ...STANDARD.burglary, linkedZoneWindowMin: 60 } },
  shanghai: { ...STANDARD, preset: 'shanghai', burglary: { ...STANDARD.burglary, linkedZoneRule: 'adjacent_or_different_principle' } },
  strict_callback: { ...STANDARD, preset: 'strict_callback', burglary: { ...STANDARD.burglary, onSuspicious: 'confirm' } },
  commercial_fire: { ...STANDARD, preset: 'commercial_fire', fire: { ...STANDARD.fire, mode: 'dispatch_first' } },
} as const satisfies Record<string, VerificationPolicy>;

export type VerificationPresetName = keyof typeof VERIFICATION_PRESETS;

export const DEFAULT_VERIFICATION_POLICY: VerificationPolicy = VERIFICATION_PRESETS.standard;

export type VerificationPolicyErrorCode = 'LINKED_WINDOW_OUT_OF_RANGE' | 'CALLS_BEFORE_GUARD_OUT_OF_RANGE' | 'TIMEOUT_OUT_OF_RANGE' | 'UNKNOWN_PRESET';

export class VerificationPolicyError extends Error {
  constructor(readonly code: VerificationPolicyErrorCode, message: string) {
    super(message);
    this.name = 'VerificationPolicyError';
  }
}

export interface PolicyOverrides {
  burglary?: Partial<VerificationPolicy['burglary']>;
  fire?: Partial<VerificationPolicy['fire']>;
  medical?: Partial<VerificationPolicy['medical']>;
  schedule?: Partial<VerificationPolicy['schedule']>;
}

/** A preset with an account's overrides, checked: a policy the engine cannot honour is refused here, not at the next alarm. */
export function verificationPolicy(preset: string, overrides: PolicyOverrides = {}): VerificationPolicy {
  if (!Object.hasOwn(VERIFICATION_PRESETS, preset)) throw new VerificationPolicyError('UNKNOWN_PRESET', `no verification preset '${preset}' (known: ${Object.keys(VERIFICATION_PRESETS).join(', ')})`);
  const base: VerificationPolicy = VERIFICATION_PRESETS[preset as VerificationPresetName];
  const policy: VerificationPolicy = {
    preset,
    burglary: { ...base.burglary, ...overrides.burglary },
    fire: { ...base.fire, ...overrides.fire },
    medical: { ...base.medical, ...overrides.medical },
    schedule: { ...base.schedule, ...overrides.schedule },
  };
  const { linkedZoneWindowMin, callsBeforeGuard, callAnswerS } = policy.burglary;
  if (!(linkedZoneWindowMin >= 30 && linkedZoneWindowMin <= 60)) throw new VerificationPolicyError('LINKED_WINDOW_OUT_OF_RANGE', `the linked-zone window must be 30–60 minutes (BS 8243), not ${linkedZoneWindowMin}`);
  if (!(Number.isInteger(callsBeforeGuard) && callsBeforeGuard >= 1 && callsBeforeGuard <= 10)) throw new VerificationPolicyError('CALLS_BEFORE_GUARD_OUT_OF_RANGE', `calls before a guard must be a whole number 1–10, not ${callsBeforeGuard}`);
  for (const [name, s] of [['callAnswerS', callAnswerS], ['fire.callbackS', policy.fire.callbackS]] as const) {
    if (!(s >= 10 && s <= 600)) throw new VerificationPolicyError('TIMEOUT_OUT_OF_RANGE', `${name} must be 10–600 seconds, not ${s}`);
  }
  return policy;
}
