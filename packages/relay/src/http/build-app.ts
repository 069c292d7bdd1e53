import type { Connectivity, DiscoveryEndpoint } from '@pressgate/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { RelayCore } from '../ports.js';
import type { DirectiveHandler } from './directive-handler.js';
import { registerDirectiveRoute, type SignatureRecorder } from './directive-route.js';
import { DEFAULT_HEARTBEAT_MS, registerEventStream } from './event-stream.js';
import { registerGesturesRoute } from './gestures-route.js';
import { registerHostGuard } from './host-guard.js';
import { registerErrorHandling } from './http-errors.js';
import { METRICS_CONTENT_TYPE, RelayMetrics } from './metrics.js';
import { keepRawBody } from './raw-body.js';
import { RecentGestures } from './recent-gestures.js';
import { lazyRequestLogger } from './request-logger.js';
import { fastifyServerOptions, type ServerLimits, serverLimits } from './server-limits.js';
import type { WireErrorCounts } from './wire-error-counts.js';

/** Largest request body read; a directive or a gesture is far smaller. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

export type AppDeps = {
  core: RelayCore;
  logger: Logger;
  /** directives.secret, shared with the skill's forwarder. */
  directiveSecret: string;
  /** relay.host: accepted in Host and Origin besides loopback names and IP addresses. */
  configuredHost?: string | undefined;
  /** relay.apiToken: when set, POST /v1/gestures needs it as a Bearer token from every host. */
  apiToken?: string | undefined;
  /** The endpoints for Discover.Response, read at each Discover. */
  discovery: () => readonly DiscoveryEndpoint[];
  /** EndpointHealth for ReportState; undefined for an endpoint this relay does not have. */
  connectivity: (endpointId: string) => Connectivity | undefined;
  /** Clock for signature timestamps and timeOfSample; default Date.now. */
  nowMs?: () => number;
  bodyLimitBytes?: number;
  /** Unreadable lines per remote, shown in /v1/status as `wireErrors`. */
  wireErrors?: WireErrorCounts;
  /** Connection and slow-request limits; DEFAULT_SERVER_LIMITS for what is not given. */
  serverLimits?: Partial<ServerLimits>;
  /** SSE heartbeat comment interval; default 15 s. */
  heartbeatMs?: number;
  /** Durable replay memory (survives a restart); without it replays are refused in memory only. */
  signatures?: SignatureRecorder;
  /** A directive handler shared with another transport (MQTT); built here when absent. */
  directiveHandler?: DirectiveHandler;
  /** The outbound directive transport, when there is one: its state in /v1/status and /metrics. */
  directiveTransport?: DirectiveTransportReport;
};

/** What an outbound directive transport (docs/mqtt.md) shows of itself. */
export type DirectiveTransportReport = {
  /** A JSON-safe summary, without credentials. */
  status(): object;
  /** Prometheus text lines (HELP, TYPE, samples), each ending in a newline. */
  metrics(): string;
};

/**
 * The relay's HTTP face, without listening: routes, one error handler, the
 * metrics subscription (ended in onClose). The caller listens, or injects.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const logger = deps.logger.child({ component: 'http' });
  const bodyLimitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const nowMs = deps.nowMs ?? Date.now;
  const heartbeatMs = deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const limits = serverLimits(deps.serverLimits, heartbeatMs);
  const app = Fastify({
    ...fastifyServerOptions(limits),
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request from the onResponse hook below: no headers, no bodies.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: bodyLimitBytes,
    forceCloseConnections: true,
    return503OnClosing: true,
  });
  app.server.maxConnections = limits.maxConnections;

  // Bodies stay text (every route parses JSON itself, so a bad body gets the relay's error
  // shape), and their bytes are kept: the directive signature covers the exact bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    keepRawBody(request, bytes);
    done(null, bytes.toString('utf8'));
  });
  registerErrorHandling(app, logger, bodyLimitBytes);
  // See host-guard.ts: only this box's pages (or a Bearer-token client) drive the relay.
  registerHostGuard(app, { configuredHost: deps.configuredHost, apiToken: deps.apiToken });

  logRequests(app, logger);

  const metrics = new RelayMetrics(deps.core, deps.wireErrors);
  metrics.start();
  const gestures = new RecentGestures(deps.core);
  gestures.start();
  app.addHook('onClose', async () => {
    metrics.stop();
    gestures.stop();
  });

  registerDirectiveRoute(app, {
    core: deps.core,
    logger,
    directiveSecret: deps.directiveSecret,
    discovery: deps.discovery,
    connectivity: deps.connectivity,
    nowMs,
    signatures: deps.signatures,
    handler: deps.directiveHandler,
  });
  registerGesturesRoute(app, { core: deps.core, apiToken: deps.apiToken });
  registerEventStream(app, {
    core: deps.core,
    logger,
    heartbeatMs,
  });

  app.get('/v1/status', async () => ({
    link: deps.core.tokens.status(),
    remotes: deps.core.remotes(),
    outbox: deps.core.outboxCounts(),
    deliveries: deps.core.recentDeliveries(),
    failures: deps.core.recentFailures(),
    gestures: gestures.list(),
    wireErrors: deps.wireErrors?.counts() ?? {},
    ...(deps.directiveTransport === undefined ? {} : { directives: deps.directiveTransport.status() }),
  }));
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/metrics', async (_request, reply) =>
    reply
      .type(METRICS_CONTENT_TYPE)
      .send((await metrics.render()) + (deps.directiveTransport?.metrics() ?? '')),
  );
  return app;
}

/**
 * One debug line per request from the onResponse hook: no headers, no bodies. The line's
 * fields are built only when debug is on (`routeOptions` is a new object at every read).
 */
function logRequests(app: FastifyInstance, logger: Logger): void {
  app.addHook('onResponse', (request, reply, done) => {
    if (!logger.isLevelEnabled('debug')) {
      done();
      return;
    }
    logger.debug(
      {
        method: request.method,
        url: request.routeOptions.url ?? 'unmatched',
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime),
      },
      'request done',
    );
    done();
  });
}
