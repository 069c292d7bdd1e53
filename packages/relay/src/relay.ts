import type { AddressInfo } from 'node:net';
import type { PressgateConfig } from '@pressgate/protocol';
import type { FastifyInstance } from 'fastify';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { Clock } from './core/clock.js';
import { REDACT } from './core/redact.js';
import { PressgateRelayCore } from './core/relay-core.js';
import { SignatureLedger } from './core/signature-ledger.js';
import { buildApp } from './http/build-app.js';
import { createDirectiveHandler } from './http/directive-handler.js';
import { createMqttTransport } from './mqtt/relay-hook.js';
import { statusPagePlugin, type VirtualRemoteControl } from './status-page/index.js';

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
  /** The demo's simulated remote, pressable from the status page (loopback only). */
  virtualRemote?: VirtualRemoteControl;
};

export type Relay = {
  readonly app: FastifyInstance;
  readonly core: PressgateRelayCore;
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

/** A pino logger that redacts every path the relay knows may carry a secret. */
export function createRelayLogger(destination?: DestinationStream, level = 'info'): Logger {
  return destination === undefined
    ? pino({ level, redact: REDACT })
    : pino({ level, redact: REDACT }, destination);
}

/** The relay as `pressgate run` runs it: the core plus its HTTP face on the configured address. */
export function createRelay(options: RelayOptions): Relay {
  const { config, logger } = options;
  const log = logger.child({ component: 'relay' });
  const core = new PressgateRelayCore({
    config,
    logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.gatewayRequestTimeoutMs === undefined
      ? {}
      : { gatewayRequestTimeoutMs: options.gatewayRequestTimeoutMs }),
    ...(options.lwaRequestTimeoutMs === undefined
      ? {}
      : { lwaRequestTimeoutMs: options.lwaRequestTimeoutMs }),
    ...(options.stopDrainMs === undefined ? {} : { stopDrainMs: options.stopDrainMs }),
  });
  const { clock } = options;
  const nowMs = (): number => clock?.now() ?? Date.now();
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
  const app = buildApp({
    core,
    logger,
    signatures,
    directiveHandler,
    ...(mqtt === undefined ? {} : { directiveTransport: mqtt.report }),
    directiveSecret: config.directives.secret,
    apiToken: config.relay.apiToken,
    discovery: () => core.discoveryEndpoints(),
    connectivity: (endpointId) => core.connectivity(endpointId),
    ...(options.clock === undefined ? {} : { nowMs: options.clock.now }),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
  });
  app.addHook('onClose', async () => {
    await mqtt?.transport.stop();
    await core.stop();
    await signatures.close();
  });

  let current = config;
  void app.register(statusPagePlugin, { config: () => current, virtualRemote: options.virtualRemote });
  let url: string | undefined;
  let stopping: Promise<void> | undefined;

  const start = async (signal?: AbortSignal): Promise<string> => {
    if (url !== undefined) return url;
    await signatures.open(Math.floor(nowMs() / 1000));
    try {
      signal?.throwIfAborted();
      await core.start(signal);
    } catch (error) {
      await signatures.close().catch(() => undefined);
      throw error;
    }
    try {
      signal?.throwIfAborted();
      await app.listen({
        host: config.relay.host,
        port: config.relay.port,
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      await core.stop().catch(() => undefined);
      await signatures.close().catch(() => undefined);
      throw error;
    }
    await mqtt?.transport.start(signal).catch(async (error: unknown) => {
      await app.close();
      throw error;
    });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    url = `http://${host}:${address.port}`;
    log.info({ url }, 'relay listening');
    return url;
  };

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await app.close();
      log.info('relay stopped');
    })();
    return stopping;
  };

  const updateConfig = async (next: PressgateConfig): Promise<void> => {
    const needsRestart =
      JSON.stringify(next.relay) !== JSON.stringify(current.relay) ||
      JSON.stringify(next.alexa) !== JSON.stringify(current.alexa) ||
      JSON.stringify(next.directives) !== JSON.stringify(current.directives);
    if (needsRestart) {
      log.warn('relay, alexa or directives settings changed: they take effect after a restart');
    }
    current = next;
    await core.updateConfig(next);
  };

  return {
    app,
    core,
    get url() {
      return url;
    },
    start,
    stop,
    updateConfig,
  };
}
