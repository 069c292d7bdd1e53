import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import { type HelloMessage, PressgateError } from '@pressgate/protocol';
import type { Logger } from 'pino';
import { type DecodedGesture, type DecoderAnomaly, GestureDecoder } from './decoder/index.js';
import { DeviceTime } from './device-time.js';
import { type LinkLine, SerialLink } from './link/serial-link.js';
import type { ListenerEvents, ListenerOptions, ListenerState } from './listener-types.js';
import { LogLimiter } from './log-limiter.js';
import { findPort, preferredPath } from './ports/find-port.js';
import { listPorts as systemListPorts } from './ports/list-ports.js';

export type { ListenerEvents, ListenerOptions, ListenerState } from './listener-types.js';

/** Unreadable lines are counted; a warning goes out at most this often. */
export const JUNK_WARN_INTERVAL_MS = 10_000;
const DEFAULT_RECONNECT = { initialDelayMs: 500, maxDelayMs: 10_000 };
/** At most this many unanswered `?` are carried from one attempt to the next. */
const MAX_CARRIED_QUERIES = 8;

/**
 * One remote: finds its serial port, keeps a SerialLink open, feeds every
 * parsed line to the gesture decoder and reports what happens as events.
 * Trouble is never thrown and never ends the process: the listener retries
 * with backoff (0.5 s doubling to 10 s, reset after a good connection) and
 * finds the device again by `serial.match` even under another /dev path.
 */
export class Listener extends EventEmitter<ListenerEvents> {
  readonly remoteId: string;
  readonly #options: ListenerOptions;
  readonly #log: Logger;
  /** Per-gesture and per-anomaly lines: a chattering button cannot flood the log. */
  readonly #limited: LogLimiter;
  readonly #backoff: { initialDelayMs: number; maxDelayMs: number };
  #delayMs: number;
  #running = false;
  #link: SerialLink | undefined;
  #decoder: GestureDecoder | undefined;
  readonly #deviceTime = new DeviceTime();
  #timer: NodeJS.Timeout | undefined;
  #signal: AbortSignal | undefined;
  #device: (HelloMessage & { path: string }) | undefined;
  /** Date.now() of the last line from the device. */
  #lastSeenMs: number | undefined;
  #lastError: { code: string; message: string } | undefined;
  #loggedErrorCode: string | undefined;
  /** The last of connected/disconnected emitted; none until the first attempt settles. */
  #announced: 'none' | 'connected' | 'disconnected' = 'none';
  /** `?` earlier links sent and nobody answered; the device may find them in its buffer later. */
  #carriedQueries = 0;
  #junk = { total: 0, pending: 0, lastWarnAt: Number.NEGATIVE_INFINITY };
  readonly #onAbort = (): void => void this.stop();

  constructor(options: ListenerOptions) {
    super();
    if (options.serial.path === undefined && options.serial.match === undefined) {
      throw new PressgateError(
        'ERR_LISTENER_CONFIG',
        `remote ${options.remoteId}: expected serial.path or serial.match, got neither`,
      );
    }
    this.remoteId = options.remoteId;
    this.#options = options;
    this.#log = options.logger.child({ component: 'listener', remoteId: options.remoteId });
    this.#limited = new LogLimiter(this.#log);
    this.#backoff = options.reconnect ?? DEFAULT_RECONNECT;
    this.#delayMs = this.#backoff.initialDelayMs;
  }

  /** Runs the first attempt and resolves; keeps looking in the background until stop(). */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#running) return;
    signal?.throwIfAborted();
    this.#running = true;
    this.#announced = 'none';
    this.#signal = signal;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#decoder = new GestureDecoder({
      defaults: this.#options.decoder.defaults,
      buttons: this.#options.decoder.buttons,
      onGesture: (gesture) => this.#onGesture(gesture),
      onAnomaly: (anomaly) => this.#onAnomaly(anomaly),
    });
    this.#log.info({ serial: this.#describeSerial() }, 'listener starting');
    await this.#attempt();
    if (signal?.aborted) {
      await this.stop();
      signal.throwIfAborted();
    }
  }

  /** Close the port and clear every timer; idempotent. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const link = this.#link;
    this.#link = undefined;
    this.#device = undefined;
    await link?.close();
    this.#decoder?.stop();
    this.#limited.flush();
    this.#log.info('listener stopped');
  }

  state(): ListenerState {
    const state: ListenerState = { connected: this.#device !== undefined, unreadableLines: this.#junk.total };
    if (this.#device !== undefined) {
      state.path = this.#device.path;
      state.deviceId = this.#device.deviceId;
      state.firmware = this.#device.firmware;
      state.buttons = this.#device.buttons;
    }
    if (this.#lastSeenMs !== undefined) state.lastSeenAt = new Date(this.#lastSeenMs).toISOString();
    if (this.#lastError !== undefined) state.lastError = this.#lastError;
    return state;
  }

  async #attempt(): Promise<void> {
    this.#timer = undefined;
    if (!this.#running) return;
    let path: string;
    try {
      path = await this.#resolvePath();
    } catch (error) {
      this.#carriedQueries = 0; // the port is gone: whatever waited in it went with it
      this.#retry(toPressgateError(error));
      return;
    }
    if (!this.#running) return;
    const link = new SerialLink({
      path,
      baudRate: this.#options.serial.baudRate,
      unansweredQueries: this.#carriedQueries,
      ...(this.#options.helloTimeoutMs === undefined ? {} : { helloTimeoutMs: this.#options.helloTimeoutMs }),
      ...(this.#options.heartbeatTimeoutMs === undefined
        ? {}
        : { heartbeatTimeoutMs: this.#options.heartbeatTimeoutMs }),
    });
    this.#link = link;
    link.on('hello', (hello) => this.#onHello(link, hello));
    link.on('line', (line) => this.#onLine(link, line));
    link.on('down', (error) => this.#onDown(link, error));
    this.#log.info({ path }, 'opening serial port');
    try {
      await link.open(this.#signal);
    } catch (error) {
      this.#carriedQueries = Math.min(link.unansweredQueries, MAX_CARRIED_QUERIES);
      if (this.#link === link) this.#link = undefined;
      if (this.#running) this.#retry(toPressgateError(error));
    }
  }

  async #resolvePath(): Promise<string> {
    const { path, match } = this.#options.serial;
    if (path !== undefined && (match === undefined || (await exists(path)))) return path;
    if (match === undefined)
      throw new PressgateError('ERR_LISTENER_CONFIG', 'no serial.path or serial.match');
    const ports = await (this.#options.listPorts ?? systemListPorts)();
    const found = findPort(match, ports);
    if (!found.ok) throw new PressgateError(found.code, found.message);
    return preferredPath(found.port);
  }

  #retry(error: PressgateError): void {
    if (!this.#running) return;
    const delayMs = this.#delayMs;
    this.#delayMs = Math.min(this.#delayMs * 2, this.#backoff.maxDelayMs);
    this.#lastError = { code: error.code, message: error.message };
    const fields = { code: error.code, err: error.message, retryInMs: delayMs };
    if (this.#loggedErrorCode === error.code) {
      this.#log.debug(fields, 'remote still not available');
    } else {
      this.#loggedErrorCode = error.code;
      this.#log.warn(fields, 'remote not available; retrying');
    }
    this.#timer = setTimeout(() => void this.#attempt(), delayMs);
    if (this.#announced === 'none') this.#announce('disconnected', error);
    this.emit('retry', { remoteId: this.remoteId, code: error.code, message: error.message, delayMs });
  }

  #onHello(link: SerialLink, hello: HelloMessage): void {
    if (link !== this.#link || !this.#running) return;
    this.#device = { ...hello, path: link.path };
    this.#delayMs = this.#backoff.initialDelayMs;
    this.#loggedErrorCode = undefined;
    this.#lastError = undefined;
    this.#decoder?.reset('connected');
    this.#deviceTime.reset();
    this.#announced = 'connected';
    this.#log.info(
      { path: link.path, deviceId: hello.deviceId, firmware: hello.firmware, buttons: hello.buttons },
      'remote connected',
    );
    this.emit('connected', {
      remoteId: this.remoteId,
      path: link.path,
      deviceId: hello.deviceId,
      firmware: hello.firmware,
      buttons: hello.buttons,
    });
  }

  #onLine(link: SerialLink, line: LinkLine): void {
    if (link !== this.#link || !this.#running) return;
    this.#lastSeenMs = line.atMs;
    // With nobody listening, no event object is built per line.
    if (this.listenerCount('line') > 0) {
      this.emit('line', { remoteId: this.remoteId, raw: line.raw, result: line.result, at: line.at });
    }
    if (!line.result.ok) {
      this.#countJunk(line.result.error);
      return;
    }
    const message = line.result.message;
    if (this.#device === undefined) return;
    // The one place a HELLO is given its meaning. See docs/architecture.md, "Device time".
    if (message.type === 'hello') {
      this.#device = { ...message, path: link.path };
      // An answer to our own `?` says nothing about a restart; one nobody asked for does:
      // the device's uptime started again, so its clock and its buttons start again too.
      if (line.answersQuery === true) return;
      this.#deviceTime.reset();
    } else if ('ms' in message) {
      // Observed before the decoder sees the line, so a gesture it ends is timed by it too.
      this.#deviceTime.observe(message.ms, line.atMs);
    }
    if ((message.type === 'edge' || message.type === 'gesture') && message.button > this.#device.buttons) {
      // A button the device said it does not have: never decoded or shown, counted with the
      // unreadable lines. Its seq and time still reach the decoder, as a heartbeat would carry
      // them, so this line is not also a gap that resets the buttons that do exist.
      this.#countJunk({
        code: 'ERR_LISTENER_BUTTON_RANGE',
        message: `${message.type === 'edge' ? 'E' : 'G'} for button ${message.button}, but the last HELLO said ${this.#device.buttons} buttons`,
      });
      this.#decoder?.push({ type: 'heartbeat', seq: message.seq, ms: message.ms });
      return;
    }
    if (message.type === 'edge' && message.edge === 'D') {
      this.emit('press', { remoteId: this.remoteId, button: message.button });
    }
    this.#decoder?.push(message);
  }

  #onDown(link: SerialLink, error: PressgateError): void {
    if (link !== this.#link || !this.#running) return;
    this.#link = undefined;
    this.#carriedQueries = Math.min(link.unansweredQueries, MAX_CARRIED_QUERIES);
    const wasConnected = this.#device !== undefined;
    this.#device = undefined;
    this.#decoder?.reset('disconnected');
    this.#deviceTime.reset();
    if (wasConnected) {
      this.#log.warn({ code: error.code, err: error.message }, 'remote disconnected');
      this.#announce('disconnected', error);
    }
    this.#retry(error);
  }

  #announce(event: 'disconnected', error: PressgateError): void {
    this.#announced = event;
    this.emit(event, { remoteId: this.remoteId, code: error.code, message: error.message });
  }

  #countJunk(error: { code: string; message: string }): void {
    this.#junk.total += 1;
    this.#junk.pending += 1;
    this.emit('wireError', { remoteId: this.remoteId, code: error.code });
    const now = Date.now();
    if (now - this.#junk.lastWarnAt < JUNK_WARN_INTERVAL_MS) return;
    this.#log.warn(
      { count: this.#junk.pending, total: this.#junk.total, code: error.code, example: error.message },
      'unreadable lines from the remote (ignored)',
    );
    this.#junk.pending = 0;
    this.#junk.lastWarnAt = now;
  }

  #onGesture(gesture: DecodedGesture): void {
    const at = new Date(this.#deviceTime.toWallMs(gesture.deviceMs, Date.now())).toISOString();
    // The gesture leaves first: the log line (serialized, written synchronously) comes after.
    this.emit('gesture', { remoteId: this.remoteId, ...gesture, at });
    this.#limited.log(
      'gesture',
      'info',
      { button: gesture.button, gesture: gesture.gesture, mapped: gesture.mapped },
      'gesture',
    );
  }

  #onAnomaly(anomaly: DecoderAnomaly): void {
    this.#limited.log(
      `anomaly:${anomaly.kind}`,
      'warn',
      { kind: anomaly.kind, button: anomaly.button, detail: anomaly.detail },
      'decoder anomaly',
    );
    this.emit('anomaly', { remoteId: this.remoteId, ...anomaly });
  }

  #describeSerial(): Record<string, unknown> {
    const { path, match, baudRate } = this.#options.serial;
    return { path, match, baudRate };
  }
}

function toPressgateError(error: unknown): PressgateError {
  if (error instanceof PressgateError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PressgateError('ERR_SERIAL_OPEN_FAILED', message, { cause: error });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
