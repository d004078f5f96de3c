import Fastify, { type FastifyRequest } from 'fastify';
import { ApiError, registerApiErrorHandler } from '../../console/api-error.js';
import { acceptSignedJson, requireSignature } from '../../signing/signed-json.js';
import { DIALLER_KEY_ID, DIALLER_LINK, diallerCallSchema, diallerCancelSchema } from '../dialler-wire.js';
import { diallerScriptSchema, scriptedCall, type DiallerScript } from './dialler-script.js';
import { GATEWAY_MODES, GatewayCalls, type GatewayMode, type ReceivedRequest, type ReportedResult } from './gateway-calls.js';
import { reportResult } from './report-result.js';

/** The dev secret both ends use when none is given: documented, for tests and demos only. */
export const DEV_DIALLER_SECRET = 'arc-dev-dialler-secret-not-for-production';

export interface SimDiallerOptions {
  port?: number;
  host?: string;
  secret?: string;
  /** arc's base URL, where results go (e.g. `http://127.0.0.1:8080`); without it calls are only kept. */
  target?: string;
  /** What each number does; by default nobody answers. */
  script?: DiallerScript;
  /** From a call taken to its result, in ms (the ringing and the keying in). */
  answerAfterMs?: number;
  mode?: GatewayMode;
  now?: () => number;
}

export interface SimDialler {
  /** e.g. `http://127.0.0.1:8120`: what ARC_CALLBACK_DIALLER_URL points at. */
  url: string;
  received(): { requests: ReceivedRequest[]; results: ReportedResult[] };
  setMode(mode: GatewayMode): void;
  /** Replaces the script for the calls taken from now on. */
  setScript(script: DiallerScript): void;
  /** Where results go from now on (a test starts arc after the gateway it points at). */
  setTarget(arcUrl: string): void;
  stop(): Promise<void>;
}

/**
 * A simulated voice gateway (IVR) for the automated callback dialler (`arc sim-dialler`): its own
 * HTTP server. `POST /calls` checks the link's signature and takes the call; after
 * `answerAfterMs` it reports the call's scripted result to arc, signed, unless a
 * `POST /calls/:callId/cancel` came first. `GET /api/received` lists what it got and what it
 * reported (JSON), `POST /api/control {"mode","script"}` switches it while it runs.
 *
 * @example const gw = await startSimDialler({ port: 0, target: arc.address, script: { '025-8471-0001': { answer: 'answered', code: '2468' } } })
 */
export async function startSimDialler(options: SimDiallerOptions = {}): Promise<SimDialler> {
  const now = options.now ?? Date.now;
  const key = { keyId: DIALLER_KEY_ID, secret: options.secret ?? DEV_DIALLER_SECRET };
  const book = new GatewayCalls(options.mode ?? 'up');
  let script = options.script ?? {};
  let target = options.target;
  const answerAfterMs = options.answerAfterMs ?? 2_000;
  const timers = new Set<NodeJS.Timeout>();
  const reporting = new Set<Promise<void>>();
  const app = Fastify({ logger: false });
  registerApiErrorHandler(app);

  const request = (kind: ReceivedRequest['kind'], body: unknown, answer: ReceivedRequest['answer'], error: string | null): void => {
    const b = (body ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    book.received({ at: new Date(now()).toISOString(), kind, incidentId: text(b.incidentId), callId: text(b.callId), contact: text(b.contact), phone: text(b.phone), prompt: text(b.prompt), answer, error });
  };
  /** Down or unsigned: refused before the body is read as a request (and kept as such). */
  const admit = (kind: ReceivedRequest['kind']) => async (req: FastifyRequest) => {
    if (book.mode === 'down') {
      request(kind, req.body, 'down', null);
      throw new ApiError(503, 'UNAVAILABLE', 'the voice gateway is down (simulated)');
    }
    try {
      await requireSignature((id) => (id === key.keyId ? key.secret : undefined), now, DIALLER_LINK)(req);
    } catch (err) {
      request(kind, null, 'refused', (err as ApiError).code);
      throw err;
    }
  };

  const ring = (call: { incidentId: string; callId: string; phone: string; contact: string }) => {
    const how = scriptedCall(script, call.phone); // as the script stood when the call came in
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!book.due(call.callId) || target === undefined) return;
      const arcUrl = target;
      const p = reportResult(arcUrl, key, { ...call, answer: how.answer, ...(how.code !== undefined && { code: how.code }) }, now).then((arc) => {
        book.reported({ at: new Date(now()).toISOString(), incidentId: call.incidentId, callId: call.callId, phone: call.phone, answer: how.answer, codeGiven: how.code !== undefined, arcStatus: arc.status, reply: arc.reply });
      });
      reporting.add(p);
      void p.finally(() => reporting.delete(p));
    }, how.afterS === undefined ? answerAfterMs : how.afterS * 1000);
    timers.add(timer);
  };

  void app.register((signed, _o, done) => {
    acceptSignedJson(signed);
    signed.post('/calls', { preValidation: admit('call') }, async (req, reply) => {
      const parsed = diallerCallSchema.safeParse(req.body);
      if (!parsed.success) {
        request('call', req.body, 'refused', 'BAD_REQUEST');
        throw new ApiError(400, 'BAD_REQUEST', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      }
      request('call', parsed.data, 'accepted', null);
      const { incidentId, callId, phone, contact } = parsed.data;
      if (book.take(callId)) ring({ incidentId, callId, phone, contact });
      return reply.code(202).send({ callId, status: 'ringing' });
    });
    signed.post<{ Params: { callId: string } }>('/calls/:callId/cancel', { preValidation: admit('cancel') }, (req) => {
      const parsed = diallerCancelSchema.safeParse(req.body);
      if (!parsed.success || parsed.data.callId !== req.params.callId) {
        request('cancel', req.body, 'refused', 'BAD_REQUEST');
        throw new ApiError(400, 'BAD_REQUEST', 'the body is {incidentId, callId} of the call in the path');
      }
      request('cancel', parsed.data, 'accepted', null);
      return { callId: req.params.callId, status: book.cancel(req.params.callId) ? 'cancelled' : 'not_ringing' };
    });
    done();
  });

  app.get('/api/received', () => book.list());
  app.post('/api/control', (req) => {
    const body = (req.body ?? {}) as { mode?: unknown; script?: unknown };
    if (body.mode !== undefined && !GATEWAY_MODES.includes(body.mode as GatewayMode)) throw new ApiError(400, 'BAD_REQUEST', `mode is one of ${GATEWAY_MODES.join(', ')}`);
    const parsed = body.script === undefined ? undefined : diallerScriptSchema.safeParse(body.script);
    if (parsed && !parsed.success) throw new ApiError(400, 'BAD_REQUEST', 'script is {"<phone>": {"answer", "code"?}, "default"?: …}');
    if (body.mode !== undefined) book.mode = body.mode as GatewayMode;
    if (parsed?.success) script = parsed.data;
    return { mode: book.mode, numbers: Object.keys(script) };
  });

  const address = await app.listen({ port: options.port ?? 8120, host: options.host ?? '127.0.0.1' });
  return {
    url: address,
    received: () => book.list(),
    setMode: (mode) => (book.mode = mode),
    setScript: (s) => (script = s),
    setTarget: (arcUrl) => (target = arcUrl),
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await app.close();
      await Promise.allSettled([...reporting]);
    },
  };
}
