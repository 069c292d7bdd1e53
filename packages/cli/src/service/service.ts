import { EventEmitter } from 'node:events';
import {
  type DecodedGesture,
  Listener,
  type ListenerOptions,
  LogLimiter,
  listenerOptionsFor,
} from '@pressgate/listener';
import type { ConfigEnv, PressgateConfig, RemoteConfig } from '@pressgate/protocol';
import { createRelay, type IngestResult, type Relay } from '@pressgate/relay';
import type { Logger } from 'pino';
import { type ConfigProblem, formatProblems, loadConfigFile } from '../config-file.js';
import { ConfigWatcher } from './config-watcher.js';

export type ServiceOptions = {
  config: PressgateConfig;
  /** Built with createRelayLogger, so secrets are redacted. */
  logger: Logger;
  /** The file `config` came from: watched for changes, re-read by reload(). */
  configFile?: string;
  /** For `${VAR}` when the file is re-read. */
  env?: ConfigEnv;
  /** Quiet time after the last change of the file before it is re-read; default 250 ms. */
  reloadDebounceMs?: number;
  /** Extra Listener options (reconnect backoff, timeouts), for every remote. */
  listener?: Partial<Pick<ListenerOptions, 'reconnect' | 'heartbeatTimeoutMs' | 'helloTimeoutMs'>>;
  /** Watch `configFile` for changes (default true when configFile is given). */
  watch?: boolean;
  signal?: AbortSignal;
};

/** A decoded gesture as the service handled it. */
export type ServiceGesture = DecodedGesture & {
  remoteId: string;
  /** When the device detected it (device time mapped to wall time), ISO 8601. */
  at: string;
  /** performance.now() when the decoder decided it. */
  decodedAtMs: number;
  result: IngestResult | { ok: false; code: string; message: string };
};

export type ReloadResult =
  | { ok: true; changed: boolean }
  | { ok: false; problems: ConfigProblem[]; report: string };

export type ServiceEvents = {
  gesture: [gesture: ServiceGesture];
  reload: [result: ReloadResult];
};

/**
 * `pressgate run` in one object: the relay plus one Listener per configured
 * remote, in one process. Decoded gestures go straight to the relay core's
 * ingest (the same path as POST /v1/gestures); link changes become the
 * remote's EndpointHealth. A changed config file (or reload()) is validated
 * first: a broken one is logged and the running config stays.
 */
export class Service extends EventEmitter<ServiceEvents> {
  readonly relay: Relay;
  readonly #options: ServiceOptions;
  readonly #log: Logger;
  /** Per-gesture lines, rate-limited: a chattering button cannot flood the journal. */
  readonly #gestureLog: LogLimiter;
  readonly #listeners = new Map<string, { remote: RemoteConfig; listener: Listener }>();
  #config: PressgateConfig;
  #watcher: ConfigWatcher | undefined;
  #reloading: Promise<unknown> = Promise.resolve();
  #stopping: Promise<void> | undefined;

  constructor(options: ServiceOptions) {
    super();
    this.#options = options;
    this.#config = options.config;
    this.#log = options.logger.child({ component: 'service' });
    this.#gestureLog = new LogLimiter(this.#log);
    this.relay = createRelay({ config: options.config, logger: options.logger });
  }

  get url(): string | undefined {
    return this.relay.url;
  }

  config(): PressgateConfig {
    return this.#config;
  }

  /** Relay first (so ingest is ready), then the listeners and the file watch. Undoes itself on failure. */
  async start(signal?: AbortSignal): Promise<string> {
    const url = await this.relay.start(signal);
    try {
      for (const remote of this.#config.remotes) await this.#addListener(remote);
      signal?.throwIfAborted();
      const file = this.#options.configFile;
      if (file !== undefined && this.#options.watch !== false) {
        this.#watcher = new ConfigWatcher({
          file,
          debounceMs: this.#options.reloadDebounceMs ?? 250,
          onChange: () => void this.reload('file changed'),
          onError: (error) => this.#log.warn({ err: error.message, file }, 'config watch failed'),
        });
        this.#watcher.start();
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.#log.info({ url, remotes: this.#config.remotes.length }, 'service started');
    return url;
  }

  /** Stop intake (watch, listeners), then the relay (which flushes the outbox). Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#watcher?.stop();
      const listeners = [...this.#listeners.values()];
      this.#listeners.clear();
      await Promise.all(listeners.map(({ listener }) => listener.stop()));
      await this.relay.stop();
      this.#gestureLog.flush();
      this.#log.info('service stopped');
    })();
    return this.#stopping;
  }

  /** Re-read and validate the config file; apply it when valid, keep the running one when not. */
  reload(reason = 'reload requested'): Promise<ReloadResult> {
    const next = this.#reloading.then(() => this.#reload(reason));
    this.#reloading = next.catch(() => undefined);
    return next;
  }

  /**
   * Take a gesture decoded outside a Listener (the demo's in-process fallback):
   * the same path a Listener's gestures take.
   */
  ingestDecoded(remoteId: string, gesture: DecodedGesture, atMs: number): Promise<ServiceGesture> {
    return this.#ingest(remoteId, gesture, atMs, performance.now());
  }

  async #reload(reason: string): Promise<ReloadResult> {
    const file = this.#options.configFile;
    if (file === undefined || this.#stopping !== undefined) return { ok: true, changed: false };
    const loaded = await loadConfigFile(file, this.#options.env ?? {});
    if (!loaded.ok) {
      const report = formatProblems(file, loaded.problems);
      this.#log.error(
        { file, reason, problems: report.split('\n') },
        'new config rejected; the running config stays. Fix the problems and save again',
      );
      const result: ReloadResult = { ok: false, problems: loaded.problems, report };
      this.emit('reload', result);
      return result;
    }
    const before = this.#config;
    const changed = JSON.stringify(before) !== JSON.stringify(loaded.config);
    if (changed) {
      this.#config = loaded.config;
      await this.#removeListeners(loaded.config);
      await this.relay.updateConfig(loaded.config);
      await this.#reconcileListeners(loaded.config);
    }
    this.#log.info({ file, reason, changed }, changed ? 'config reloaded' : 'config unchanged');
    const result: ReloadResult = { ok: true, changed };
    this.emit('reload', result);
    return result;
  }

  /** Stop the listeners of removed remotes and report them disconnected, while the relay still knows them. */
  async #removeListeners(config: PressgateConfig): Promise<void> {
    const wanted = new Set(config.remotes.map((remote) => remote.id));
    for (const [id, { listener }] of [...this.#listeners]) {
      if (wanted.has(id)) continue;
      this.#listeners.delete(id);
      await listener.stop();
      await this.relay.core
        .setRemoteStatus(id, { connected: false })
        .catch((error: unknown) => this.#statusFailed(id, error));
      this.#log.info({ remoteId: id }, 'remote removed');
    }
  }

  /**
   * Restart the listeners of changed remotes and start those of new ones. A
   * restarted listener reports nothing when stopped: its successor's first
   * attempt says connected (no change, so no ChangeReport) or disconnected, so
   * a remote that reconnects at once never flaps UNREACHABLE/OK.
   */
  async #reconcileListeners(config: PressgateConfig): Promise<void> {
    const wanted = new Map(config.remotes.map((remote) => [remote.id, remote]));
    for (const [id, { remote, listener }] of [...this.#listeners]) {
      const next = wanted.get(id);
      if (next === undefined || JSON.stringify(next) === JSON.stringify(remote)) continue;
      this.#listeners.delete(id);
      await listener.stop();
      this.#log.info({ remoteId: id }, 'remote changed; restarting');
    }
    for (const remote of config.remotes) {
      if (!this.#listeners.has(remote.id) && this.#stopping === undefined) await this.#addListener(remote);
    }
  }

  async #addListener(remote: RemoteConfig): Promise<void> {
    const core = this.relay.core;
    const listener = new Listener({
      ...listenerOptionsFor(remote, this.#options.logger),
      ...this.#options.listener,
    });
    // The reason (not found, permission, busy, silent...) goes to the status page; a retry that
    // fails for a new reason updates it.
    let reasonCode: string | undefined;
    listener.on('connected', (event) => {
      reasonCode = undefined;
      void core
        .setRemoteStatus(remote.id, { connected: true, deviceId: event.deviceId, firmware: event.firmware })
        .catch((error: unknown) => this.#statusFailed(remote.id, error));
    });
    const notConnected = (event: { code: string; message: string }): void => {
      reasonCode = event.code;
      void core
        .setRemoteStatus(remote.id, {
          connected: false,
          reason: { code: event.code, message: event.message },
        })
        .catch((error: unknown) => this.#statusFailed(remote.id, error));
    };
    listener.on('disconnected', notConnected);
    listener.on('retry', (event) => {
      if (event.code !== reasonCode) notConnected(event);
    });
    listener.on('wireError', (event) => this.relay.wireErrors.record(remote.id, event.code));
    // A press begins: warm the gateway connection while the gesture is being decided.
    listener.on('press', () => this.relay.core.warmGateway());
    listener.on('gesture', (gesture) => {
      // The listener timed it by the device clock. See docs/architecture.md, "Device time".
      void this.#ingest(remote.id, gesture, Date.parse(gesture.at), performance.now());
    });
    this.#listeners.set(remote.id, { remote, listener });
    await listener.start();
  }

  async #ingest(
    remoteId: string,
    gesture: DecodedGesture,
    atMs: number,
    decodedAtMs: number,
  ): Promise<ServiceGesture> {
    const at = new Date(atMs).toISOString();
    let result: ServiceGesture['result'];
    try {
      result = await this.relay.core.ingest({
        remoteId,
        button: gesture.button,
        gesture: gesture.gesture,
        at,
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      result = {
        ok: false,
        code: typeof code === 'string' ? code : 'ERR_INGEST_FAILED',
        message: error instanceof Error ? error.message : String(error),
      };
    }
    const fields = { remoteId, button: gesture.button, gesture: gesture.gesture, at };
    if (result.ok) {
      this.#gestureLog.log(
        'gesture queued',
        'info',
        { ...fields, messageId: result.messageId, eventId: result.eventId },
        'gesture queued',
      );
    } else if (result.code === 'ERR_INGEST_UNMAPPED') {
      this.#gestureLog.log(
        'gesture not mapped',
        'info',
        { ...fields, code: result.code },
        'gesture not mapped (shown, not sent)',
      );
    } else {
      this.#gestureLog.log(
        `gesture not queued:${result.code}`,
        'warn',
        { ...fields, code: result.code, err: result.message },
        'gesture not queued',
      );
    }
    const handled: ServiceGesture = { ...gesture, remoteId, at, decodedAtMs, result };
    this.emit('gesture', handled);
    return handled;
  }

  #statusFailed(remoteId: string, error: unknown): void {
    this.#log.warn(
      { remoteId, err: error instanceof Error ? error.message : String(error) },
      'could not record the remote status',
    );
  }
}

/** Build the service and start it; rejects (having undone everything) when it cannot start. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const service = new Service(options);
  await service.start(options.signal);
  return service;
}
