import type { AddressInfo } from 'node:net';
import type { PressgateConfig } from '@pressgate/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { SignatureLedger } from './core/directives/signature-ledger.js';
import { PressgateRelayCore } from './core/relay-core.js';
import type { Clock } from './core/shared/clock.js';
import { buildApp } from './http/build-app.js';
import { createDirectiveHandler } from './http/directive-handler.js';
import type { ServerLimits } from './http/server-limits.js';
import { WireErrorCounts } from './http/wire-error-counts.js';
import { createMqttTransport } from './mqtt/relay-hook.js';
import { statusPagePlugin } from './status-page/plugin.js';

export type RelayOptions = {
  config: PressgateConfig;
  /** Build it with createRelayLogger (or pass REDACT yourself) so secrets are redacted. */
  logger: Logger;
  gatewayRequestTimeoutMs?: number;
  lwaRequestTimeoutMs?: number;
  /** How long stop() waits for sends in flight; default 5 s. */
  stopDrainMs?: number;
  clock?: Clock;
  /** SSE heartbeat interval; default 15 s. */
  heartbeatMs?: number;
  /** HTTP connection and slow-request limits; the defaults suit a home box. */
  serverLimits?: Partial<ServerLimits>;
};

export type Relay = {
  /**
   * The HTTP face. Routes a program adds (the demo's press route) are registered on it before
   * `start`, which listens.
   */
  readonly app: FastifyInstance;
  readonly core: PressgateRelayCore;
  /**
   * Unreadable lines per remote and wire error code: a listener in the same process records
   * here; /v1/status shows `wireErrors`, and /metrics reads `wireErrors.counts()`.
   */
  readonly wireErrors: WireErrorCounts;
  /** http://host:port once started; undefined before. */
  readonly url: string | undefined;
  /**
   * Opens the signature ledger, starts the core (token store, outbox, pending events), then
   * listens on relay.host:relay.port.
   */
  start(signal?: AbortSignal): Promise<string>;
  /** Closes the app; its onClose hook stops the core (flushing the outbox). Idempotent. */
  stop(): Promise<void>;
  /** New remotes/mappings take effect at once; relay.*, directives.* and alexa.* need a restart. */
  updateConfig(config: PressgateConfig): Promise<void>;
};

/** The relay as `pressgate run` runs it: the core plus its HTTP face on the configured address. */
export function createRelay(options: RelayOptions): Relay {
  const { config, logger } = options;
  const log = logger.child({ component: 'relay' });
  const core = createCore(options);
  const nowMs = (): number => options.clock?.now() ?? Date.now();
  // Accepted directive signatures, on disk before a directive is processed: a restart does
  // not reopen the replay window.
  const signatures = new SignatureLedger({ dataDir: config.relay.dataDir, logger });
  // One handler (one replay memory) for POST /alexa/directive and, with transport mqtt, the broker.
  const directiveHandler = createDirectiveHandler({
    core,
    logger,
    directiveSecret: config.directives.secret,
    discovery: () => core.discoveryEndpoints(),
    connectivity: (endpointId) => core.connectivity(endpointId),
    nowMs,
    signatures,
  });
  const mqtt = createMqttTransport(config.directives, directiveHandler, logger);
  const wireErrors = new WireErrorCounts();
  const app = createApp(options, core, signatures, directiveHandler, mqtt, wireErrors);
  let current = config;
  void app.register(statusPagePlugin, { config: () => current });
  let url: string | undefined;
  let stopping: Promise<void> | undefined;

  const start = async (signal?: AbortSignal): Promise<string> => {
    if (url !== undefined) return url;
    url = await startParts({ config, core, signatures, app, nowMs, signal });
    await mqtt?.transport.start(signal).catch(async (error: unknown) => {
      await app.close();
      throw error;
    });
    log.info({ url }, 'relay listening');
    return url;
  };

  const stop = (): Promise<void> => {
    stopping ??= app.close().then(() => log.info('relay stopped'));
    return stopping;
  };

  const updateConfig = async (next: PressgateConfig): Promise<void> => {
    if (needsRestart(current, next)) {
      log.warn('relay, alexa or directives settings changed: they take effect after a restart');
    }
    current = next;
    await core.updateConfig(next);
  };

  return {
    app,
    core,
    wireErrors,
    get url() {
      return url;
    },
    start,
    stop,
    updateConfig,
  };
}

function createCore(options: RelayOptions): PressgateRelayCore {
  return new PressgateRelayCore({
    config: options.config,
    logger: options.logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.gatewayRequestTimeoutMs === undefined
      ? {}
      : { gatewayRequestTimeoutMs: options.gatewayRequestTimeoutMs }),
    ...(options.lwaRequestTimeoutMs === undefined
      ? {}
      : { lwaRequestTimeoutMs: options.lwaRequestTimeoutMs }),
    ...(options.stopDrainMs === undefined ? {} : { stopDrainMs: options.stopDrainMs }),
  });
}

/** The HTTP face over the core; closing it stops the core (flushing the outbox) and the ledger. */
function createApp(
  options: RelayOptions,
  core: PressgateRelayCore,
  signatures: SignatureLedger,
  directiveHandler: ReturnType<typeof createDirectiveHandler>,
  mqtt: ReturnType<typeof createMqttTransport>,
  wireErrors: WireErrorCounts,
): FastifyInstance {
  const { config } = options;
  const app = buildApp({
    core,
    logger: options.logger,
    signatures,
    directiveHandler,
    ...(mqtt === undefined ? {} : { directiveTransport: mqtt.report }),
    directiveSecret: config.directives.secret,
    apiToken: config.relay.apiToken,
    configuredHost: config.relay.host,
    wireErrors,
    discovery: () => core.discoveryEndpoints(),
    connectivity: (endpointId) => core.connectivity(endpointId),
    ...(options.clock === undefined ? {} : { nowMs: options.clock.now }),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.serverLimits === undefined ? {} : { serverLimits: options.serverLimits }),
  });
  app.addHook('onClose', async () => {
    await mqtt?.transport.stop();
    await core.stop();
    await signatures.close();
  });
  return app;
}

function listeningUrl(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** relay.*, alexa.* and directives.* are read once, at start. */
function needsRestart(current: PressgateConfig, next: PressgateConfig): boolean {
  return (
    JSON.stringify(next.relay) !== JSON.stringify(current.relay) ||
    JSON.stringify(next.alexa) !== JSON.stringify(current.alexa) ||
    JSON.stringify(next.directives) !== JSON.stringify(current.directives)
  );
}

/**
 * Opens the signature ledger, starts the core, then listens; undoes what it started when a later
 * step fails. Resolves with the URL it listens on.
 */
async function startParts(parts: {
  config: PressgateConfig;
  core: PressgateRelayCore;
  signatures: SignatureLedger;
  app: FastifyInstance;
  nowMs: () => number;
  signal: AbortSignal | undefined;
}): Promise<string> {
  const { core, signatures, app, signal } = parts;
  await signatures.open(Math.floor(parts.nowMs() / 1000));
  try {
    signal?.throwIfAborted();
    await core.start(signal);
  } catch (error) {
    await signatures.close().catch(() => undefined);
    throw error;
  }
  try {
    signal?.throwIfAborted();
    const { host, port } = parts.config.relay;
    await app.listen({ host, port, ...(signal === undefined ? {} : { signal }) });
  } catch (error) {
    await core.stop().catch(() => undefined);
    await signatures.close().catch(() => undefined);
    throw error;
  }
  return listeningUrl(app);
}
