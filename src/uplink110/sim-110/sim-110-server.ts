import Fastify from 'fastify';
import { POLICE_STATUSES, type PoliceStatus } from '../../incidents/incident-action.js';
import { registerApiErrorHandler } from '../../console/api-error.js';
import { ApiError } from '../../console/api-error.js';
import { acceptSignedJson, requireSignature } from '../../signing/signed-json.js';
import { UPLINK_LINK, uplinkPayloadSchema } from '../uplink-wire.js';
import { PoliceCases, SIM_MODES, type PoliceCase, type ReceivedMessage, type SimMode } from './police-cases.js';
import { dispositionSteps, sendPoliceUpdate, type DispositionPlan } from './police-updates.js';
import { sim110Page } from './sim-110-page.js';

/** The dev secret both ends use when none is given: documented, for tests and demos only. */
export const DEV_UPLINK110_SECRET = 'arc-dev-uplink110-secret-not-for-production';
export const DEV_UPLINK110_KEY_ID = 'arc';

export interface Sim110Options {
  port?: number;
  host?: string;
  secret?: string;
  keyId?: string;
  mode?: SimMode;
  rejectAccounts?: Iterable<string>;
  /** arc's base URL: case updates go there, signed; without it none are sent. */
  arcUrl?: string;
  /** Sends dispatched, on scene and closed for each new case (needs arcUrl). */
  dispositions?: DispositionPlan;
  now?: () => number;
}

export interface Sim110 {
  /** e.g. `http://127.0.0.1:8110`; messages go to `${url}/api/incidents`. */
  url: string;
  received(): ReceivedMessage[];
  cases(): PoliceCase[];
  setMode(mode: SimMode, rejectAccounts?: Iterable<string>): void;
  /** Reports a case's status to arc now (needs arcUrl); resolves to arc's HTTP status. */
  report(caseNumber: string, status: PoliceStatus, disposition?: string | null): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The simulated police 110 centre (`arc sim-110`): its own HTTP server. `POST /api/incidents`
 * checks the link's signature and answers as configured (accepted with a case number, rejected
 * with a reason, or 503 when down), the same answer to a repeat; a cancel on a case withdraws it
 * (status `withdrawn`, no further planned reports); `GET /api/received` lists what
 * it got, `GET /api/cases` its cases, `POST /api/control` switches the mode, `GET /` is the
 * liaison's page. It never reads arc: it only pushes its case updates to arc.
 *
 * @example const sim = await startSim110({ port: 0 }); // sim.url, sim.received(), sim.setMode('down')
 */
export async function startSim110(options: Sim110Options = {}): Promise<Sim110> {
  const now = options.now ?? Date.now;
  const key = { keyId: options.keyId ?? DEV_UPLINK110_KEY_ID, secret: options.secret ?? DEV_UPLINK110_SECRET };
  const book = new PoliceCases(options.mode ?? 'accept', new Set(options.rejectAccounts ?? []));
  const timers = new Set<NodeJS.Timeout>();
  const sending = new Set<Promise<number>>();
  const inOrder = new Map<string, Promise<number>>();
  const app = Fastify({ logger: false });
  registerApiErrorHandler(app);

  const report = (caseNumber: string, status: PoliceStatus, disposition: string | null = null): Promise<number> => {
    const c = book.setStatus(caseNumber, status, disposition);
    if (!c) return Promise.reject(new ApiError(404, 'CASE_NOT_FOUND', `no case ${caseNumber}`));
    if (options.arcUrl === undefined) return Promise.resolve(0);
    const arcUrl = options.arcUrl;
    const update = { incidentId: c.incidentId, caseNumber, status, disposition, at: new Date(now()).toISOString() };
    // One case's updates go in order: each after the one before has been answered.
    const p = (inOrder.get(caseNumber) ?? Promise.resolve(0)).then(() => sendPoliceUpdate(arcUrl, key, update, now));
    inOrder.set(caseNumber, p);
    sending.add(p);
    void p.finally(() => sending.delete(p));
    return p;
  };

  void app.register((signed, _o, done) => {
    acceptSignedJson(signed);
    signed.post(
      '/api/incidents',
      {
        preValidation: async (req, reply) => {
          if (book.mode === 'down') {
            book.refused('down', 'down (simulated)', req.body, now());
            return reply.code(503).send({ error: { code: 'UNAVAILABLE', message: 'the 110 centre is down (simulated)' } });
          }
          try {
            await requireSignature((id) => (id === key.keyId ? key.secret : undefined), now, UPLINK_LINK)(req);
          } catch (err) {
            book.refused('refused', (err as ApiError).code, null, now());
            throw err;
          }
        },
      },
      async (req, reply) => {
        const parsed = uplinkPayloadSchema.safeParse(req.body);
        if (!parsed.success) {
          book.refused('refused', 'BAD_REQUEST', req.body, now());
          throw new ApiError(400, 'BAD_REQUEST', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        }
        const { answer, opened } = book.answer(parsed.data, now());
        if (opened && options.dispositions && options.arcUrl !== undefined) {
          for (const step of dispositionSteps(options.dispositions)) {
            const timer = setTimeout(() => {
              timers.delete(timer);
              if (book.withdrawn(opened.caseNumber)) return; // stood down: the centre cancelled its report
              void report(opened.caseNumber, step.status, step.disposition).catch(() => undefined);
            }, step.afterMs);
            timers.add(timer);
          }
        }
        return reply.code(answer.status === 'accepted' ? 200 : 422).send(answer);
      },
    );
    done();
  });

  app.get('/api/received', () => ({ messages: book.received() }));
  app.get('/api/cases', () => ({ cases: book.cases() }));
  app.post('/api/control', (req) => {
    const body = (req.body ?? {}) as { mode?: unknown; rejectAccounts?: unknown };
    if (body.mode !== undefined && !SIM_MODES.includes(body.mode as SimMode)) throw new ApiError(400, 'BAD_REQUEST', `mode is one of ${SIM_MODES.join(', ')}`);
    if (body.rejectAccounts !== undefined && !(Array.isArray(body.rejectAccounts) && body.rejectAccounts.every((a) => typeof a === 'string'))) throw new ApiError(400, 'BAD_REQUEST', 'rejectAccounts is an array of account numbers');
    if (body.mode !== undefined) book.mode = body.mode as SimMode;
    if (body.rejectAccounts !== undefined) book.rejectAccounts = new Set(body.rejectAccounts);
    return { mode: book.mode, rejectAccounts: [...book.rejectAccounts] };
  });
  app.post<{ Params: { caseNumber: string } }>('/api/cases/:caseNumber/updates', async (req) => {
    const body = (req.body ?? {}) as { status?: unknown; disposition?: unknown };
    if (!POLICE_STATUSES.includes(body.status as PoliceStatus)) throw new ApiError(400, 'BAD_REQUEST', `status is one of ${POLICE_STATUSES.join(', ')}`);
    const disposition = typeof body.disposition === 'string' ? body.disposition : null;
    const arcStatus = await report(req.params.caseNumber, body.status as PoliceStatus, disposition);
    return { caseNumber: req.params.caseNumber, status: body.status, arcStatus };
  });
  app.get('/', (_req, reply) => reply.type('text/html; charset=utf-8').send(sim110Page(book.mode, book.cases(), book.received())));

  const address = await app.listen({ port: options.port ?? 8110, host: options.host ?? '127.0.0.1' });
  return {
    url: address,
    received: () => book.received(),
    cases: () => book.cases(),
    setMode(mode, rejectAccounts) {
      book.mode = mode;
      if (rejectAccounts !== undefined) book.rejectAccounts = new Set(rejectAccounts);
    },
    report,
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await app.close();
      await Promise.allSettled([...sending]);
    },
  };
}
