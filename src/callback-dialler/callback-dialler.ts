import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../observability/logger.js';
import type { SigningKey } from '../signing/hmac-signature.js';
import type { CallbackProvider } from '../verification/shell/callback-provider.js';
import type { VerificationCommand } from '../verification/verification-command.js';
import { callPrompt } from './call-prompt.js';
import type { DiallerMetrics, GatewayRequest } from './dialler-metrics.js';
import { DIALLER_KEY_ID, type DiallerCall, type DiallerCancel } from './dialler-wire.js';
import { GATEWAY_RETRY, nextAttempt, type GatewayRetry } from './gateway-retry.js';
import { postToGateway, retryable } from './post-to-gateway.js';

type StartCallback = Extract<VerificationCommand, { kind: 'start_callback' }>;

export interface CallbackDiallerDeps {
  /** The gateway's base URL (ARC_CALLBACK_DIALLER_URL) and the link's secret (ARC_CALLBACK_DIALLER_SECRET). */
  gateway: { url: string; secret: string };
  now: () => number;
  logger: Logger;
  metrics: DiallerMetrics;
  retry?: GatewayRetry;
  fetch?: typeof fetch;
  /** Told of a call the gateway never took, after its retries: the console's notice (noteCallNotPlaced). */
  onNotPlaced?: (call: StartCallback) => Promise<void>;
}

export interface CallbackDialler extends CallbackProvider {
  /** Stops retrying, and waits for the requests on the wire (each bounded by its timeout). */
  stop(): Promise<void>;
}

/**
 * The automated callback dialler (语音自动复核): places the engine's password callbacks through a
 * voice gateway (IVR) that rings the number, says the prompt and collects the code as DTMF; the
 * gateway reports each result to arc's webhook (dialler-routes.ts), which feeds the engine.
 *
 * The shell tells it after commit, from the committing step (the incidents consumer's batch, a
 * route, the timer loop): `start` and `cancel` return at once and never throw. Each request is
 * retried a few times within seconds (GATEWAY_RETRY), every attempt counted; a call the gateway
 * never took is logged and put before the operators (`onNotPlaced`), and the engine's own
 * `call_answer` timer, kept in its state, moves the case on as for any unanswered call.
 * A cancel always goes, after its call's attempt on the wire (so the gateway never sees the
 * cancel first), and stops the call's further attempts. `answer` does nothing: the gateway hears
 * the reply in the webhook's response, at once.
 *
 * @example const dialler = createCallbackDialler({ gateway: { url, secret }, now: Date.now, logger, metrics })
 */
export function createCallbackDialler(deps: CallbackDiallerDeps): CallbackDialler {
  const retry = deps.retry ?? GATEWAY_RETRY;
  const key: SigningKey = { keyId: DIALLER_KEY_ID, secret: deps.gateway.secret };
  const base = deps.gateway.url.replace(/\/+$/, '');
  const shutdown = new AbortController();
  /** The calls still being given to the gateway, by call id: a cancel stops them and goes after. */
  const placing = new Map<string, { stop: AbortController; done: Promise<void> }>();
  const running = new Set<Promise<void>>();

  /** Runs `work` in the background; whatever goes wrong is logged, never thrown to the shell. */
  const background = (what: string, ids: object, work: () => Promise<void>): Promise<void> => {
    const p = work().catch((err: unknown) => deps.logger.error({ err, ...ids }, `callback dialler: ${what} failed`));
    running.add(p);
    void p.finally(() => running.delete(p));
    return p;
  };

  /** One request, retried; resolves to whether the gateway took it (false too when told to stop). */
  const deliver = async (request: GatewayRequest, url: string, payload: DiallerCall | DiallerCancel, stop: AbortSignal): Promise<boolean> => {
    const ids = { request, incidentId: payload.incidentId, callId: payload.callId };
    const began = deps.now();
    for (let failed = 0; ; failed += 1) {
      const next = nextAttempt(retry, failed, deps.now() - began);
      if (next === null) break;
      if (next.delayMs > 0) {
        try {
          await sleep(next.delayMs, undefined, { signal: stop });
        } catch {
          return false; // cancelled, or arc is stopping
        }
      }
      const outcome = await postToGateway(url, key, payload, { now: deps.now, timeoutMs: next.timeoutMs, fetch: deps.fetch ?? fetch });
      deps.metrics.attempts.inc({ request, result: outcome.result });
      if (outcome.result === 'delivered') return true;
      deps.logger.warn({ ...ids, attempt: failed + 1, result: outcome.result, httpStatus: outcome.httpStatus, error: outcome.error }, 'callback dialler: the voice gateway did not take a request');
      if (!retryable(outcome) || stop.aborted) break;
    }
    if (stop.aborted) return false;
    deps.metrics.failures.inc({ request });
    deps.logger.error(ids, `callback dialler: the voice gateway never took the ${request}; the engine's answer timer moves the case on`);
    return false;
  };

  return {
    start(call) {
      if (shutdown.signal.aborted) return;
      const stop = new AbortController();
      const signal = AbortSignal.any([stop.signal, shutdown.signal]);
      const payload: DiallerCall = { incidentId: call.incidentId, callId: call.callId, contact: call.contact, phone: call.phone, prompt: callPrompt(call) };
      const done = background('a call', { incidentId: call.incidentId, callId: call.callId }, async () => {
        const placed = await deliver('call', `${base}/calls`, payload, signal);
        if (!placed && !signal.aborted) await deps.onNotPlaced?.(call);
      });
      placing.set(call.callId, { stop, done });
      void done.finally(() => {
        if (placing.get(call.callId)?.done === done) placing.delete(call.callId);
      });
    },
    cancel(call) {
      if (shutdown.signal.aborted) return;
      const pending = placing.get(call.callId);
      pending?.stop.abort();
      const payload: DiallerCancel = { incidentId: call.incidentId, callId: call.callId };
      void background('a cancel', payload, async () => {
        await pending?.done;
        await deliver('cancel', `${base}/calls/${encodeURIComponent(call.callId)}/cancel`, payload, shutdown.signal);
      });
    },
    answer: () => undefined,
    async stop() {
      shutdown.abort();
      await Promise.allSettled([...running]);
    },
  };
}
