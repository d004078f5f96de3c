import { Counter, type Registry } from 'prom-client';

/** Gateway requests: a call to place, or a cancel. */
export type GatewayRequest = 'call' | 'cancel';

export interface DiallerMetrics {
  /** Every attempt at a request to the gateway, by what came of it (delivered, refused, http_error, network_error, timeout). */
  attempts: Counter<'request' | 'result'>;
  /** Requests the gateway never took, after their retries (or at once when it refused them). */
  failures: Counter<'request'>;
  /** Results the gateway reported and the engine took, by answer. */
  results: Counter<'answer'>;
  /** Result reports refused for their signature (401), by code. */
  refused: Counter<'code'>;
}

/** Created once per registry (prom-client refuses a second metric of one name). */
export function createDiallerMetrics(registry: Registry): DiallerMetrics {
  return {
    attempts: new Counter({ name: 'arc_callback_dialler_attempts_total', help: 'Requests to the voice gateway, every attempt, by request (call, cancel) and result', labelNames: ['request', 'result'] as const, registers: [registry] }),
    failures: new Counter({ name: 'arc_callback_dialler_failures_total', help: 'Requests the voice gateway never took after their retries (the engine\'s answer timer moves the case on)', labelNames: ['request'] as const, registers: [registry] }),
    results: new Counter({ name: 'arc_callback_dialler_results_total', help: 'Call results the voice gateway reported and the verification engine took, by answer', labelNames: ['answer'] as const, registers: [registry] }),
    refused: new Counter({ name: 'arc_callback_dialler_refused_total', help: 'Result reports refused for a missing or bad signature, by code', labelNames: ['code'] as const, registers: [registry] }),
  };
}
