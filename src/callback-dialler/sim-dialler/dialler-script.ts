import { z } from 'zod';
import { CALL_ANSWERS } from '../../verification/shell/record-call-outcome.js';

/** How one scripted call goes: the answer, the code keyed in when answered, and how long it takes (else the gateway's delay). */
export const scriptedCallSchema = z
  .object({ answer: z.enum(CALL_ANSWERS), code: z.string().min(1).max(50).optional(), afterS: z.number().min(0).max(3600).optional() })
  .strict()
  .refine((c) => c.answer === 'answered' || c.code === undefined, { message: 'only an answered call gives a code' });
export type ScriptedCall = z.infer<typeof scriptedCallSchema>;

/**
 * What the simulated gateway's callees do, by phone number; `default` for any other number
 * (else nobody answers). A JSON file for `arc sim-dialler --script FILE`:
 *
 * @example {"025-8471-0001": {"answer": "answered", "code": "2468"}, "139-0000-0001": {"answer": "busy", "afterS": 10}, "default": {"answer": "no_answer"}}
 */
export const diallerScriptSchema = z.record(z.string().min(1).max(50), scriptedCallSchema);
export type DiallerScript = z.infer<typeof diallerScriptSchema>;

const NOBODY_ANSWERS: ScriptedCall = { answer: 'no_answer' };

/** How a call to `phone` goes under `script`. */
export function scriptedCall(script: DiallerScript, phone: string): ScriptedCall {
  return script[phone] ?? script.default ?? NOBODY_ANSWERS;
}

/** A script from JSON text, or the reason it is not one (for the command line's error). */
export function parseDiallerScript(text: string): { script: DiallerScript } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  const parsed = diallerScriptSchema.safeParse(json);
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ') };
  return { script: parsed.data };
}
