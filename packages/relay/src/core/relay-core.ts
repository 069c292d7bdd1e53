import {
  type Connectivity,
  type DiscoveryEndpoint,
  type GatewayRegion,
  LWA_TOKEN_URL,
  type PressgateConfig,
  PressgateError,
  type RemoteConfig,
  resolveGesture,
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
import { Delivery } from './delivery/delivery.js';
import { RegionGateway } from './delivery/region-gateway.js';
import { scopedCopy } from './delivery/scope-token.js';
import { eventTime } from './ingest/event-time.js';
import { simpleEventEntry, unmappedRefusal } from './ingest/gesture-entry.js';
import { Outbox } from './outbox/outbox.js';
import type { PendingEntry } from './outbox/outbox-file.js';
import { Announcer } from './reports/announcer.js';
import { remoteToEndpoint } from './reports/remote-endpoint.js';
import { connectivityOf, RemoteStatuses, type RemoteUpdate } from './reports/remote-statuses.js';
import { changeReportEntry, diffEndpoints } from './reports/report-entries.js';
import { type Clock, systemClock } from './shared/clock.js';
import { LwaClient } from './tokens/lwa-client.js';
import { TokenManager } from './tokens/token-manager.js';

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
  /** The gateway URL of each region for `alexa.region: auto`; default Amazon's (tests use local servers). */
  gatewayUrls?: Readonly<Record<GatewayRegion, string>>;
};

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
  readonly #gateway: RegionGateway;
  readonly #delivery: Delivery;
  readonly #listeners = new Set<(event: RelayEvent) => void>();
  readonly #remotes: RemoteStatuses;
  #config: PressgateConfig;
  #endpoints: Map<string, DiscoveryEndpoint>;
  /** AddOrUpdateReport/DeleteReport for what Alexa was not told yet, across restarts. */
  readonly #announcer: Announcer;
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
    this.#gateway = new RegionGateway({
      region: config.alexa.region,
      url: config.alexa.gatewayUrl,
      dataDir: config.relay.dataDir,
      logger: logger.child({ component: 'gateway' }),
      ...(options.gatewayUrls === undefined ? {} : { urls: options.gatewayUrls }),
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
      rateLimit: config.alexa.rateLimit,
      logger,
      ...clock,
      onRecord: (record) => this.#emit({ type: 'delivery', record }),
    });
    this.#endpoints = this.#endpointsOf(config);
    this.#remotes = new RemoteStatuses(config);
    this.#announcer = new Announcer({
      dataDir: config.relay.dataDir,
      logger: this.#logger,
      canReport: () => this.#running && this.tokens.status().state === 'linked',
      current: () => this.#endpoints,
      enqueue: (entry) => this.#enqueue(entry),
      now: () => this.#clock.now(),
    });
  }

  /** Opens the token store and the outbox, then resumes pending events. Undoes itself on failure. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#running) return;
    try {
      await this.tokens.start(signal);
      signal?.throwIfAborted();
      await this.#outbox.open();
      signal?.throwIfAborted();
      await this.#gateway.start();
      await this.#announcer.load();
    } catch (error) {
      await this.#outbox.close().catch(() => undefined);
      await this.tokens.stop().catch(() => undefined);
      throw error;
    }
    this.#unsubscribeLink = this.tokens.onLinkChange((status) => {
      this.#gateway.onLinkChange(status);
      this.#emit({ type: 'link', status });
      if (status.state === 'linked') {
        this.#reportAllConnectivity().catch((error: unknown) => {
          this.#logger.error({ err: error }, 'could not queue the connectivity reports after linking');
        });
        void this.#announcer.announce();
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
    // Config edited while the relay was down: tell Alexa now.
    await this.#announcer.announce();
  }

  /** Stops intake, waits (bounded) for sends in flight, flushes the outbox file. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    await this.#announcer.settled();
    await this.#delivery.stop(this.#options.stopDrainMs ?? 5_000);
    await this.#gateway.close();
    await this.#outbox.close();
    this.#unsubscribeLink?.();
    await this.tokens.stop();
    this.#logger.info('relay core stopped; outbox flushed');
  }

  /**
   * A button went down: a gesture, and so a send, may follow within a second. Opens the
   * gateway connection now when linked, so that send does not wait for the handshake.
   */
  warmGateway(): void {
    if (this.#running && this.tokens.status().state === 'linked') this.#gateway.warm();
  }

  async ingest(input: GestureInput): Promise<IngestResult> {
    this.#requireRunning();
    const time = eventTime(input.at, this.#clock.now(), this.#config.alexa.maxEventAgeMs);
    if (!time.ok) return time;
    const { at } = time;
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
      return unmappedRefusal(this.#config, input);
    }
    const entry = simpleEventEntry(target, at);
    await this.#enqueue(entry);
    this.#emit({ ...gestureEvent, mapped: true, eventId: target.eventId });
    return { ok: true, messageId: entry.messageId, endpointId: target.endpointId, eventId: target.eventId };
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
    return this.#remotes.list();
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
    return this.#remotes.connectivity(endpointId);
  }

  /** A listener's view of a remote; a connectivity change goes to Alexa as a ChangeReport (when linked). */
  async setRemoteStatus(remoteId: string, update: RemoteUpdate): Promise<void> {
    const now = this.#clock.now();
    const next = this.#remotes.update(remoteId, update, now);
    if (next === undefined) {
      this.#logger.warn({ remoteId }, 'status for a remote not in the config ignored');
      return;
    }
    this.#emit({ type: 'remote', remote: next });
    const connectivity = connectivityOf(next);
    if (!this.#remotes.isNewConnectivity(next.endpointId, connectivity)) return;
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
    for (const remote of this.#remotes.list()) {
      if (!this.#remotes.heard(remote.id)) continue;
      const connectivity = connectivityOf(remote);
      this.#logger.info(
        { remoteId: remote.id, endpointId: remote.endpointId, connectivity },
        'linked: reporting current connectivity',
      );
      await this.#reportConnectivity(remote.endpointId, connectivity, now);
    }
  }

  async #reportConnectivity(endpointId: string, connectivity: Connectivity, now: number): Promise<void> {
    this.#remotes.markReported(endpointId, connectivity);
    await this.#enqueue(changeReportEntry(endpointId, connectivity, now));
  }

  /** Takes a new config: AddOrUpdateReport for new/changed endpoints, DeleteReport for removed ones (when linked). */
  async updateConfig(config: PressgateConfig): Promise<void> {
    const after = this.#endpointsOf(config);
    const changes = diffEndpoints(this.#endpoints, after);
    this.#config = config;
    this.#endpoints = after;
    this.#remotes.reset(config);
    this.#remotes.forgetReported(changes.removed);
    this.#logger.info({ changed: changes.changed.length, removed: changes.removed.length }, 'config updated');
    await this.#announcer.announce();
  }

  async #enqueue(entry: PendingEntry): Promise<void> {
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
