import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginCallback } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Counter, type Registry } from 'prom-client';
import { registerSessionAuth } from '../auth/session-auth.js';
import { registerSessionRoutes } from '../auth/session-routes.js';
import { registerUserRoutes } from '../auth/user-routes.js';
import { createDiallerMetrics, type DiallerMetrics } from '../callback-dialler/dialler-metrics.js';
import { registerDiallerRoutes } from '../callback-dialler/dialler-routes.js';
import type { Config } from '../config/config.js';
import { findCustomerCard } from '../customers/customer-lookup.js';
import { registerCustomerRoutes } from '../customers/customer-routes.js';
import { IncidentBus } from '../incidents/incident-bus.js';
import { createIncidentMetrics, type IncidentMetrics } from '../incidents/incident-metrics.js';
import { registerIncidentRoutes } from '../incidents/incident-routes.js';
import { registerDispatchRoutes } from '../dispatch/dispatch-routes.js';
import { registerComplaintRoutes } from '../complaints/complaint-routes.js';
import { registerMaintenanceRoutes } from '../maintenance/maintenance-routes.js';
import type { MaintenanceService } from '../maintenance/maintenance-service.js';
import type { DispatchService } from '../dispatch/dispatch-service.js';
import { registerFailoverRoutes } from '../failover/failover-routes.js';
import type { LeaseKeeper } from '../failover/lease-keeper.js';
import { createForwardHook } from '../uplink110/forward-hook.js';
import { registerUplinkRoutes } from '../uplink110/uplink-routes.js';
import type { SigningKey } from '../signing/hmac-signature.js';
import { registerVerificationRoutes } from '../verification/shell/verification-routes.js';
import type { VerificationService } from '../verification/shell/verification-service.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/database.js';
import { registerReportRoutes } from '../report/report-routes.js';
import { registerSupervisionRoutes } from '../supervision/supervision-routes.js';
import type { SupervisionService } from '../supervision/supervision-service.js';
import { registerApiErrorHandler } from './api-error.js';
import { registerHealthRoute } from './health-route.js';
import { registerLiveFeed, type LiveFeedDeps } from './live-feed.js';
import { createLiveMetrics } from './live-metrics.js';
import { registerMetricsRoute } from './metrics-route.js';
import { registerStaticRoutes } from './static-routes.js';

export interface HttpServerDeps {
  config: Pick<Config, 'nodeId'>;
  store: Pick<Store, 'db' | 'kind'>;
  metrics: Registry;
  logger: Logger;
  /** How long /healthz waits for the database before it answers 503. */
  healthTimeoutMs?: number;
  /** The clock sessions and audit rows are stamped with. */
  now?: () => Date;
  /** How long a sign-in lasts (ARC_SESSION_TTL_S). */
  sessionTtlMs?: number;
  /** Called after an account's settings changed through the API: receivers must reload them. */
  onAccountsChanged?: () => Promise<void>;
  /** Told of every incident action committed here (the console's live view); a new bus if absent. */
  incidentBus?: IncidentBus;
  /** Shared with the incidents consumer when it runs in this process; created on `metrics` if absent. */
  incidentMetrics?: IncidentMetrics;
  /** The live console feed's limits (tests shorten them). */
  liveFeed?: Pick<LiveFeedDeps, 'pingIntervalMs' | 'maxBufferedBytes' | 'drainTimeoutMs' | 'pageSize'>;
  /** Heartbeat supervision, when it runs in this process (GET /api/supervision answers 503 without). */
  supervision?: SupervisionService;
  /** The verification engine: operators' verdicts, callbacks and closes feed it (absent: not wired). */
  verification?: VerificationService;
  /** Guard dispatch (src/dispatch): the operator's `dispatch_guard` creates its order; guards have their API. */
  dispatch?: DispatchService;
  /** The key 110 signs its case updates with; null or absent when the uplink is off. */
  uplinkKey?: SigningKey | null;
  /** The key the voice gateway signs its call results with; null or absent when no gateway is configured. */
  diallerKey?: SigningKey | null;
  /** Shared with the callback dialler when it runs in this process; created on `metrics` if absent. */
  diallerMetrics?: DiallerMetrics;
  /** This node's lease: GET /api/failover and the switchover. */
  failover?: LeaseKeeper;
  /** Receptions in this node's local spool (GET /api/failover). */
  spoolDepth?: () => number;
  /** Maintenance tickets (维保工单): opening by hand and the steps. */
  maintenance?: MaintenanceService;
}

const HEALTH_TIMEOUT_MS = 2_000; // under a typical probe timeout, so the probe sees our 503
const DEFAULT_SESSION_TTL_MS = 12 * 3600_000; // one shift

/**
 * The HTTP face of arc, built but not listening: `serve` calls `listen`, tests call `inject`.
 * API routes validate with zod and are described, from the same schemas, at `/docs` (OpenAPI).
 * Each domain registers its routes as a plugin, after swagger, so that every route is documented.
 *
 * @example const app = buildHttpServer({ config, store, metrics, logger }); await app.listen({ port: 8080 });
 */
export function buildHttpServer(deps: HttpServerDeps): FastifyInstance {
  const { config, store, metrics, logger, healthTimeoutMs = HEALTH_TIMEOUT_MS, now = () => new Date(), sessionTtlMs = DEFAULT_SESSION_TTL_MS } = deps;
  // Widened to fastify's logger type, so that routes are registered on a plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({ loggerInstance });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerApiErrorHandler(app);
  void app.register(swagger, {
    openapi: {
      info: { title: 'arc', description: 'The API of the arc alarm receiving and monitoring centre', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
  void app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  registerHealthRoute(app, { config, store, timeoutMs: healthTimeoutMs });
  registerMetricsRoute(app, metrics);
  registerSessionAuth(app, { db: store.db, now });
  const signInFailures = new Counter({ name: 'arc_sign_in_failures_total', help: 'Sign-ins refused, by reason', labelNames: ['reason'] as const, registers: [metrics] });
  void app.register(routes((scope) => registerSessionRoutes(scope, { db: store.db, now, sessionTtlMs, signInFailures })));
  void app.register(routes((scope) => registerUserRoutes(scope, { db: store.db, now })));
  void app.register(routes((scope) => registerCustomerRoutes(scope, { db: store.db, now, onAccountsChanged: deps.onAccountsChanged ?? (() => Promise.resolve()) })));
  const incidentBus = deps.incidentBus ?? new IncidentBus();
  const verification = deps.verification;
  void app.register(
    routes((scope) =>
      registerIncidentRoutes(scope, {
        db: store.db,
        now,
        findCustomerCard,
        bus: incidentBus,
        metrics: deps.incidentMetrics ?? createIncidentMetrics(metrics),
        onForwardRequested: createForwardHook(),
        ...(deps.dispatch && { onDispatchRequested: deps.dispatch.onDispatchRequested }),
        ...(verification && { onOperatorActions: (trx, state, stored) => verification.afterOperatorActions(trx, state, stored) }),
      }),
    ),
  );
  const dispatch = deps.dispatch;
  if (dispatch) void app.register(routes((scope) => registerDispatchRoutes(scope, { db: store.db, service: dispatch, now, incidentBus, ...(deps.onAccountsChanged && { onCustomersChanged: deps.onAccountsChanged }) })));
  if (verification) {
    void app.register(routes((scope) => registerVerificationRoutes(scope, { db: store.db, verification, now })));
    const diallerMetrics = deps.diallerMetrics ?? createDiallerMetrics(metrics);
    void app.register(routes((scope) => registerDiallerRoutes(scope, { db: store.db, verification, key: deps.diallerKey ?? null, now, metrics: diallerMetrics })));
  }
  void app.register(routes((scope) => registerUplinkRoutes(scope, { db: store.db, key: deps.uplinkKey ?? null, now, bus: incidentBus })));
  if (deps.maintenance) {
    const service = deps.maintenance;
    void app.register(routes((scope) => registerMaintenanceRoutes(scope, { db: store.db, service, now })));
  }
  void app.register(routes((scope) => registerComplaintRoutes(scope, { db: store.db, now })));
  if (deps.failover) {
    const keeper = deps.failover;
    void app.register(routes((scope) => registerFailoverRoutes(scope, { db: store.db, database: store.kind, keeper, now, ...(deps.spoolDepth && { spoolDepth: deps.spoolDepth }) })));
  }
  const pushSeconds = createLiveMetrics(metrics);
  void app.register(routes((scope) => registerLiveFeed(scope, { db: store.db, bus: incidentBus, pushSeconds, now: () => now().getTime(), ...deps.liveFeed })));
  void app.register(routes((scope) => registerSupervisionRoutes(scope, { db: store.db, now, supervision: deps.supervision })));
  void app.register(routes((scope) => registerReportRoutes(scope, { db: store.db, now })));
  registerStaticRoutes(app);
  return app;
}

/**
 * A domain's routes as a plugin: registered after swagger (so they are documented) and in their
 * own scope.
 */
function routes(register: (scope: FastifyInstance) => void): FastifyPluginCallback {
  return (scope, _options, done) => {
    register(scope);
    done();
  };
}
