import { z } from 'zod';
import { callOutcomeFields } from '../verification/shell/record-call-outcome.js';

/**
 * The messages between arc and a voice gateway (IVR) that places the password callbacks
 * (口令复核) for it. JSON over HTTP, signed both ways (src/signing/hmac-signature.ts) with the
 * link's secret under the key id DIALLER_KEY_ID:
 * - arc → gateway: `POST {url}/calls` (a call to place: ring `phone`, say `prompt`, collect the
 *   code as DTMF) and `POST {url}/calls/{callId}/cancel` (stop it: answered elsewhere, timed
 *   out, or a hold-up); any 2xx is taken;
 * - gateway → arc: `POST /api/callback-dialler/results` with how the call went and the code
 *   given; arc answers at once with what to say to the person (`code_accepted` for the duress
 *   code as for the right passcode).
 */

/** The key id both ends of the gateway link sign with: one secret, ARC_CALLBACK_DIALLER_SECRET. */
export const DIALLER_KEY_ID = 'arc';

/** Who the gateway is on arc's records: the actor of its passcode checks (audit) and of its notices. */
export const DIALLER_ACTOR = 'callback-dialler';

/** The gateway link's signature refusals are `DIALLER_SIGNATURE_MISSING`, `DIALLER_BAD_SIGNATURE`… */
export const DIALLER_LINK = { name: 'DIALLER' } as const;

/** A call for the gateway to place. */
export const diallerCallSchema = z.object({
  incidentId: z.string().min(1).max(20),
  /** Quoted back with the result; the engine tells a late answer to a cancelled call apart by it. */
  callId: z.string().min(1).max(200),
  contact: z.string().min(1).max(200),
  phone: z.string().min(1).max(50),
  /** What the gateway says when the call is answered (text to speech), asking for the passcode. */
  prompt: z.string().min(1).max(1000),
});
export type DiallerCall = z.infer<typeof diallerCallSchema>;

/** A call arc no longer wants placed (or, when it rings already, wants ended). */
export const diallerCancelSchema = z.object({ incidentId: z.string().min(1).max(20), callId: z.string().min(1).max(200) });
export type DiallerCancel = z.infer<typeof diallerCancelSchema>;

/** How a call went, as the gateway reports it: `code` is the DTMF the person keyed in (answered only). */
export const diallerResultSchema = z.object({
  incidentId: z.string().regex(/^[1-9][0-9]{0,17}$/),
  callId: z.string().min(1).max(200),
  ...callOutcomeFields,
});
export type DiallerResult = z.infer<typeof diallerResultSchema>;
