import {
  buildAddOrUpdateReport,
  buildChangeReport,
  buildDeleteReport,
  buildSimpleEvent,
  type Connectivity,
  type DiscoveryEndpoint,
  GATEWAY_URLS,
  type GatewayMessage,
  LWA_TOKEN_URL,
  newMessageId,
  type PressgateConfig,
  PressgateError,
  type RemoteConfig,
  resolveGesture,
  withScopeToken,
} from '@pressgate/protocol';
import type { Logger } from 'pino';
import type {
  DeliveryRecord,
  GestureInput,
  IngestResult,
  OutboxCounts,
  RelayCore,
  RelayEvent,
  RemoteStatus,
} from '../ports.js';
import { type Clock, systemClock } from './clock.js';
import { Delivery } from './delivery.js';
import { GatewayClient } from './gateway-client.js';
import { LwaClient } from './lwa-client.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { remoteToEndpoint } from './remote-endpoint.js';
import { TokenManager } from './token-manager.js';

export type RelayCoreOptions = {
  config: PressgateConfig;
  logger: Logger;
  clock?: Clock;
  /** How a remote is announced to Alexa; default `remoteToEndpoint`. */
  endpointOf?: (remote: RemoteConfig) => DiscoveryEndpoint;
  gatewayRequestTimeoutMs?: number;
  lwaRequestTimeoutMs?: number;
  /** How long stop() waits for sends in flight; default 5 s. */
  stopDrainMs?: number;
};

export type RemoteUpdate = { connected: boolean; deviceId?: string; firmware?: string };

/** How far ahead of the relay's clock a gesture's `at` may be (clock skew between hosts). */
export const MAX_FUTURE_SKEW_MS = 5_000;

/** Discovery reports share one delivery queue, so they reach Alexa in order. */
const DISCOVERY_QUEUE = 'alexa-discovery';

/**
 * The relay's core: maps gestures to events, keeps them in the durable outbox,
 * delivers them with the token manager's tokens, and tells subscribers.
 */
export class PressgateRelayCore implements RelayCore {
  readonly tokens: TokenManager;
  readonly #options: RelayCoreOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #outbox: Outbox;
  readonly #gateway: GatewayClient;
  readonly #delivery: Delivery;
  readonly #listeners = new Set<(event: RelayEvent) => void>();
  readonly #remotes = new Map<string, RemoteStatus>();
  /** Connectivity last reported to Alexa, per endpointId. */
  readonly #reported = new Map<string, Connectivity>();
  #config: PressgateConfig;
  #endpoints: Map<string, DiscoveryEndpoint>;
  #running = false;
  #unsubscribeLink: (() => void) | undefined;

  constructor(options: RelayCoreOptions) {
    const { config, logger } = options;
    this.#options = options;
    this.#config = config;
    this.#logger = logger.child({ component: 'relay-core' });
    this.#clock = options.clock ?? systemClock;
    const clock = options.clock === undefined ? {} : { clock: options.clock };
    this.tokens = new TokenManager({
      dataDir: config.relay.dataDir,
      logger,
      ...clock,
      lwa: new LwaClient({
        tokenUrl: config.alexa.lwaTokenUrl ?? LWA_TOKEN_URL,
        clientId: config.alexa.clientId,
        clientSecret: config.alexa.clientSecret,
        ...(options.lwaRequestTimeoutMs === undefined
          ? {}
          : { requestTimeoutMs: options.lwaRequestTimeoutMs }),
      }),
    });
    this.#outbox = new Outbox({
      dataDir: config.relay.dataDir,
      logger: logger.child({ component: 'outbox' }),
    });
    this.#gateway = new GatewayClient({
      url: config.alexa.gatewayUrl ?? GATEWAY_URLS[config.alexa.region],
      ...(options.gatewayRequestTimeoutMs === undefined
        ? {}
        : { requestTimeoutMs: options.gatewayRequestTimeoutMs }),
    });
    this.#delivery = new Delivery({
      outbox: this.#outbox,
      tokens: this.tokens,
      gateway: this.#gateway,
      withScopeToken: scopedCopy,
      maxEventAgeMs: config.alexa.maxEventAgeMs,
      logger,
      ...clock,
      onRecord: (record) => this.#emit({ type: 'delivery', record }),
    });
    this.#endpoints = this.#endpointsOf(config);
    this.#resetRemotes(config);
  }

  /** Opens the token store and the outbox, then resumes pending events. Undoes itself on failure. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#running) return;
    try {
      await this.tokens.start(signal);
      signal?.throwIfAborted();
      await this.#outbox.open();
      signal?.throwIfAborted();
    } catch (error) {
      await this.#outbox.close().catch(() => undefined);
      await this.tokens.stop().catch(() => undefined);
      throw error;
    }
    this.#unsubscribeLink = this.tokens.onLinkChange((status) => {
      this.#emit({ type: 'link', status });
      if (status.state === 'linked') {
        this.#reportAllConnectivity().catch((error: unknown) => {
          this.#logger.error({ err: error }, 'could not queue the connectivity reports after linking');
        });
      }
    });
    this.#delivery.start();
    this.#running = true;
    this.#logger.info(
      {
        gateway: this.#gateway.url,
        link: this.tokens.status().state,
        pending: this.#outbox.counts().pending,
      },
      'relay core started',
    );
  }

  /** Stops intake, waits (bounded) for sends in flight, flushes the outbox file. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    await this.#delivery.stop(this.#options.stopDrainMs ?? 5_000);
    await this.#gateway.close();
    await this.#outbox.close();
    this.#unsubscribeLink?.();
    await this.tokens.stop();
    this.#logger.info('relay core stopped; outbox flushed');
  }

  async ingest(input: GestureInput): Promise<IngestResult> {
    this.#requireRunning();
    const receivedAt = this.#clock.now();
    const deviceAt = input.at === undefined ? receivedAt : Date.parse(input.at);
    if (!Number.isFinite(deviceAt)) {
      return {
        ok: false,
        code: 'ERR_INGEST_BAD_TIME',
        message: `expected at as a UTC ISO 8601 time ending in Z, got ${JSON.stringify(input.at)}; omit it to use the relay's time`,
      };
    }
    if (deviceAt - receivedAt > MAX_FUTURE_SKEW_MS) {
      return {
        ok: false,
        code: 'ERR_INGEST_FUTURE_TIME',
        message: `at ${input.at} is ${Math.round(deviceAt - receivedAt)} ms ahead of the relay's clock (${new Date(receivedAt).toISOString()}); at most ${MAX_FUTURE_SKEW_MS} ms of skew is accepted: run NTP on the listener and relay hosts`,
      };
    }
    // The event's age counts from min(at, receipt): a slightly fast listener clock can neither
    // push the delivery deadline out nor give Amazon a timestamp from the future.
    const at = new Date(Math.min(deviceAt, receivedAt)).toISOString();
    const target = resolveGesture(this.#config, input.remoteId, input.button, input.gesture);
    const gestureEvent = {
      type: 'gesture',
      remoteId: input.remoteId,
      button: input.button,
      gesture: input.gesture,
      at,
    } as const;
    if (target === undefined) {
      this.#emit({ ...gestureEvent, mapped: false });
      const known = this.#config.remotes.some((remote) => remote.id === input.remoteId);
      return known
        ? {
            ok: false,
            code: 'ERR_INGEST_UNMAPPED',
            message: `remote ${input.remoteId} has no ${input.gesture} mapped on button ${input.button}; add it under buttons[].gestures in the config`,
          }
        : {
            ok: false,
            code: 'ERR_INGEST_UNKNOWN_REMOTE',
            message: `no remote with id ${JSON.stringify(input.remoteId)} in the config; expected one of: ${this.#config.remotes.map((remote) => remote.id).join(', ') || '(none)'}`,
          };
    }
    const messageId = newMessageId();
    const message = buildSimpleEvent({ ...target, timestamp: at, messageId });
    await this.#enqueue({
      messageId,
      endpointId: target.endpointId,
      eventId: target.eventId,
      createdAt: new Date(Date.parse(message.event.payload.timestamp)).toISOString(),
      message,
    });
    this.#emit({ ...gestureEvent, mapped: true, eventId: target.eventId });
    return { ok: true, messageId, endpointId: target.endpointId, eventId: target.eventId };
  }

  outboxCounts(): OutboxCounts {
    return this.#outbox.counts();
  }

  recentDeliveries(): readonly DeliveryRecord[] {
    return this.#outbox.records();
  }

  recentFailures(): readonly DeliveryRecord[] {
    return this.#outbox.failures();
  }

  remotes(): readonly RemoteStatus[] {
    return [...this.#remotes.values()];
  }

  subscribe(listener: (event: RelayEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The endpoints as Alexa discovers them (Discover.Response). */
  discoveryEndpoints(): DiscoveryEndpoint[] {
    return [...this.#endpoints.values()];
  }

  /** Connectivity for ReportState; undefined for an endpoint not in the config. */
  connectivity(endpointId: string): Connectivity | undefined {
    for (const remote of this.#remotes.values()) {
      if (remote.endpointId === endpointId) return remote.connected ? 'OK' : 'UNREACHABLE';
    }
    return undefined;
  }

  /** A listener's view of a remote; a connectivity change goes to Alexa as a ChangeReport (when linked). */
  async setRemoteStatus(remoteId: string, update: RemoteUpdate): Promise<void> {
    const current = this.#remotes.get(remoteId);
    if (current === undefined) {
      this.#logger.warn({ remoteId }, 'status for a remote not in the config ignored');
      return;
    }
    const next: RemoteStatus = { ...current, connected: update.connected };
    if (update.deviceId !== undefined) next.deviceId = update.deviceId;
    if (update.firmware !== undefined) next.firmware = update.firmware;
    const now = this.#clock.now();
    next.lastSeenAt = new Date(now).toISOString();
    this.#remotes.set(remoteId, next);
    this.#emit({ type: 'remote', remote: next });
    const connectivity: Connectivity = update.connected ? 'OK' : 'UNREACHABLE';
    if (this.#reported.get(next.endpointId) === connectivity) return;
    // While unlinked a change is not sent; the next transition to linked reports the state.
    if (!this.#running || this.tokens.status().state !== 'linked') return;
    this.#logger.info({ remoteId, endpointId: next.endpointId, connectivity }, 'connectivity changed');
    await this.#reportConnectivity(next.endpointId, connectivity, now);
  }

  /**
   * On every transition to linked (AcceptGrant, relink): one ChangeReport per endpoint whose
   * connectivity a listener has reported, so Alexa has the current state, including changes
   * made while unlinked or relink_required.
   */
  async #reportAllConnectivity(): Promise<void> {
    if (!this.#running) return;
    const now = this.#clock.now();
    for (const remote of this.#remotes.values()) {
      if (remote.lastSeenAt === undefined) continue;
      const connectivity: Connectivity = remote.connected ? 'OK' : 'UNREACHABLE';
      this.#logger.info(
        { remoteId: remote.id, endpointId: remote.endpointId, connectivity },
        'linked: reporting current connectivity',
      );
      await this.#reportConnectivity(remote.endpointId, connectivity, now);
    }
  }

  async #reportConnectivity(endpointId: string, connectivity: Connectivity, now: number): Promise<void> {
    this.#reported.set(endpointId, connectivity);
    const messageId = newMessageId();
    const message = buildChangeReport({ endpointId, connectivity, timeOfSample: now, messageId });
    await this.#enqueue({
      messageId,
      endpointId,
      eventId: 'ChangeReport',
      createdAt: new Date(now).toISOString(),
      message,
    });
  }

  /** Takes a new config: AddOrUpdateReport for new/changed endpoints, DeleteReport for removed ones (when linked). */
  async updateConfig(config: PressgateConfig): Promise<void> {
    const before = this.#endpoints;
    const after = this.#endpointsOf(config);
    const changed = [...after.values()].filter(
      (endpoint) => JSON.stringify(before.get(endpoint.endpointId)) !== JSON.stringify(endpoint),
    );
    const removed = [...before.keys()].filter((endpointId) => !after.has(endpointId));
    this.#config = config;
    this.#endpoints = after;
    this.#resetRemotes(config);
    for (const endpointId of removed) this.#reported.delete(endpointId);
    this.#logger.info({ changed: changed.length, removed: removed.length }, 'config updated');
    if (!this.#running || this.tokens.status().state !== 'linked') return;
    const now = new Date(this.#clock.now()).toISOString();
    if (changed.length > 0) {
      const messageId = newMessageId();
      await this.#enqueue({
        messageId,
        endpointId: changed.map((endpoint) => endpoint.endpointId).join(','),
        eventId: 'AddOrUpdateReport',
        createdAt: now,
        queue: DISCOVERY_QUEUE,
        message: buildAddOrUpdateReport(changed, undefined, { messageId }),
      });
    }
    if (removed.length > 0) {
      const messageId = newMessageId();
      await this.#enqueue({
        messageId,
        endpointId: removed.join(','),
        eventId: 'DeleteReport',
        createdAt: now,
        queue: DISCOVERY_QUEUE,
        message: buildDeleteReport(removed, undefined, { messageId }),
      });
    }
  }

  async #enqueue(
    entry: Omit<OutboxEntry, 'enqueuedAt' | 'message'> & { message: GatewayMessage },
  ): Promise<void> {
    await this.#delivery.enqueue({
      ...entry,
      enqueuedAt: new Date(this.#clock.now()).toISOString(),
      message: entry.message as unknown as Record<string, unknown>,
    });
  }

  #endpointsOf(config: PressgateConfig): Map<string, DiscoveryEndpoint> {
    const endpointOf = this.#options.endpointOf ?? remoteToEndpoint;
    return new Map(config.remotes.map((remote) => [remote.endpoint.endpointId, endpointOf(remote)]));
  }

  #resetRemotes(config: PressgateConfig): void {
    const previous = new Map(this.#remotes);
    this.#remotes.clear();
    for (const remote of config.remotes) {
      const known = previous.get(remote.id);
      this.#remotes.set(
        remote.id,
        known === undefined
          ? { id: remote.id, endpointId: remote.endpoint.endpointId, connected: false }
          : { ...known, endpointId: remote.endpoint.endpointId },
      );
    }
  }

  #emit(event: RelayEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.error({ err: error }, 'relay subscriber threw');
      }
    }
  }

  #requireRunning(): void {
    if (!this.#running) {
      throw new PressgateError(
        'ERR_RELAY_STOPPED',
        'the relay is not running; start it (or wait for the restart) and retry',
      );
    }
  }
}

/**
 * The stored message with the access token as its scope, for one send. An event with an
 * endpoint (SimpleEvent, ChangeReport) gets a copy of just the path to its scope, not a deep
 * clone of the whole message (the input is not changed either way); discovery reports go
 * through the protocol's `withScopeToken`.
 */
function scopedCopy(message: Record<string, unknown>, token: string): unknown {
  const event = message.event as { endpoint?: Record<string, unknown> } | undefined;
  if (token.length === 0 || event?.endpoint === undefined) {
    return withScopeToken(message as unknown as GatewayMessage, token);
  }
  const scope = { type: 'BearerToken', token };
  return { ...message, event: { ...event, endpoint: { ...event.endpoint, scope } } };
}
