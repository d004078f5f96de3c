import type { CallAnswer, CallerReply } from '../../verification/shell/record-call-outcome.js';

/** How the simulated gateway answers arc: `up` takes calls, `down` answers 503 to everything. */
export const GATEWAY_MODES = ['up', 'down'] as const;
export type GatewayMode = (typeof GATEWAY_MODES)[number];

/** Every request as it arrived, repeats and refusals included (`GET /api/received`). */
export interface ReceivedRequest {
  at: string;
  kind: 'call' | 'cancel';
  incidentId: string | null;
  callId: string | null;
  contact: string | null;
  phone: string | null;
  prompt: string | null;
  /** `accepted`: taken; `down`: 503 (simulated outage); `refused`: a bad signature or body (`error` says which). */
  answer: 'accepted' | 'down' | 'refused';
  error: string | null;
}

/** A result the gateway reported to arc, and arc's answer. Whether a code was keyed in, never the code. */
export interface ReportedResult {
  at: string;
  incidentId: string;
  callId: string;
  phone: string;
  answer: CallAnswer;
  codeGiven: boolean;
  /** arc's HTTP status (0: arc was never reached). */
  arcStatus: number;
  reply: CallerReply;
}

const MAX_KEPT = 10_000;

/**
 * The simulated gateway's book: what it received, the calls it is ringing, what it reported.
 * A call is rung once however often it is sent (arc retries what timed out); a cancel stops a
 * call still ringing, and a call whose cancel came first is never rung. Pure but for its memory.
 */
export class GatewayCalls {
  readonly #received: ReceivedRequest[] = [];
  readonly #reported: ReportedResult[] = [];
  readonly #calls = new Map<string, 'ringing' | 'cancelled' | 'reported'>();

  constructor(public mode: GatewayMode = 'up') {}

  received(request: ReceivedRequest): void {
    keep(this.#received, request);
  }

  /** A call taken: true when it is to be rung now (not a repeat, not cancelled already). */
  take(callId: string): boolean {
    if (this.#calls.has(callId)) return false;
    this.#calls.set(callId, 'ringing');
    return true;
  }

  /** A cancel: no result will be reported for the call (true: it was ringing). */
  cancel(callId: string): boolean {
    const was = this.#calls.get(callId);
    if (was === 'reported') return false;
    this.#calls.set(callId, 'cancelled');
    return was === 'ringing';
  }

  /** The call's result is due: true when it is still to be reported (it was not cancelled meanwhile). */
  due(callId: string): boolean {
    if (this.#calls.get(callId) !== 'ringing') return false;
    this.#calls.set(callId, 'reported');
    return true;
  }

  reported(result: ReportedResult): void {
    keep(this.#reported, result);
  }

  list(): { requests: ReceivedRequest[]; results: ReportedResult[] } {
    return { requests: [...this.#received], results: [...this.#reported] };
  }
}

function keep<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_KEPT) list.shift();
}
