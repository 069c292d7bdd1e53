import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import {
  encodeLine,
  MS_MODULO,
  PROTOCOL_VERSION,
  PressgateError,
  SEQ_MODULO,
  type WireMessage,
} from '@pressgate/protocol';
import { SerialPort } from 'serialport';
import {
  DOUBLE_GAP_MS,
  DOUBLE_PRESS_MS,
  LONG_PRESS_HOLD_MS,
  type ScriptStep,
  SHORT_PRESS_MS,
} from './script.js';

export type VirtualRemoteOptions = {
  /** The device side of a pty pair (where a remote writes). */
  path: string;
  deviceId?: string;
  firmware?: string;
  /** Buttons announced in HELLO, 1..16 (default 4). */
  buttons?: number;
  /** Append `*HH` to every line that may carry one. */
  checksum?: boolean;
  /** Device uptime at start, u32 ms (default 0); set near 2^32 to exercise the wrap. */
  startUptimeMs?: number;
  /** Heartbeat period (default 1000); 0 turns heartbeats off. */
  heartbeatMs?: number;
  baudRate?: number;
  /** Monotonic host clock in ms the device clock runs on (default performance.now). */
  now?: () => number;
};

export type VirtualRemoteEvents = {
  /** A line left for the pty; `hostMs` is `now()` just before it was written. */
  sent: [event: { line: string; hostMs: number }];
  /** The host asked for HELLO with `?`. */
  query: [];
  /** The port closed or failed (the pty pair went away); the remote is stopped. */
  closed: [error: PressgateError];
};

export const DEFAULT_DEVICE_ID = 'sim-0001';
/**
 * A finger needs time to come back: a button released less than this long ago
 * is pressed again only once it has passed. Without it `long 1` then `press 1`
 * puts U and D a millisecond apart, which a host rightly reads as contact bounce.
 */
export const MIN_RELEASE_MS = 60;
export const DEFAULT_FIRMWARE = '0.1.0-sim';

/**
 * A scripted remote that speaks protocol v1 on the device side of a pty: HELLO
 * at start and on `?`, a heartbeat every second, edges stamped with a device
 * clock that runs on the host's monotonic clock (so `U.ms - D.ms` is the hold
 * that really happened), one seq counter for all sequenced lines.
 *
 * It uses the real SerialPort (autoOpen false), not an fs stream: serialport
 * reads through the event loop's poller, while an fs read stream on a tty
 * parks a libuv thread-pool worker in a blocking read(2) for as long as the
 * port is open, which starves fs and dns work in the same process.
 */
export class VirtualRemote extends EventEmitter<VirtualRemoteEvents> {
  readonly deviceId: string;
  readonly firmware: string;
  readonly buttons: number;
  readonly #options: VirtualRemoteOptions;
  readonly #now: () => number;
  #port: SerialPort | undefined;
  #seq = 0;
  #startHostMs = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #received = '';
  /** Host time of each button's last release. */
  readonly #releasedAt = new Map<number, number>();
  #stopped = false;

  constructor(options: VirtualRemoteOptions) {
    super();
    this.#options = options;
    this.deviceId = options.deviceId ?? DEFAULT_DEVICE_ID;
    this.firmware = options.firmware ?? DEFAULT_FIRMWARE;
    this.buttons = options.buttons ?? 4;
    this.#now = options.now ?? (() => performance.now());
  }

  get isOpen(): boolean {
    return this.#port?.isOpen === true && !this.#stopped;
  }

  /** Open the device side, send HELLO, start heartbeats. Undoes itself if it fails halfway. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#port !== undefined) throw new Error('VirtualRemote.start() may be called once');
    signal?.throwIfAborted();
    // Fail early on a bad identity rather than on the first HELLO.
    this.#encode({ type: 'hello', proto: PROTOCOL_VERSION, ...this.#identity() });
    const port = new SerialPort({
      path: this.#options.path,
      baudRate: this.#options.baudRate ?? 115200,
      autoOpen: false,
    });
    this.#port = port;
    try {
      await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      this.#stopped = true;
      throw new PressgateError(
        'ERR_SIM_OPEN',
        `could not open the virtual remote's side of the pty ${this.#options.path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    port.on('data', (chunk: Buffer) => this.#onData(chunk));
    port.on('error', (error) => this.#onClosed(error));
    port.on('close', () => this.#onClosed(undefined));
    this.#startHostMs = this.#now();
    try {
      signal?.throwIfAborted();
      await this.hello();
    } catch (error) {
      await this.stop();
      throw error;
    }
    const heartbeatMs = this.#options.heartbeatMs ?? 1000;
    if (heartbeatMs > 0) {
      this.#heartbeat = setInterval(() => {
        this.heartbeat().catch(() => {});
      }, heartbeatMs);
    }
  }

  /** Stop heartbeats and close the port; idempotent. Does not emit `closed`. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    const port = this.#port;
    if (port === undefined) return;
    port.removeAllListeners('close');
    port.removeAllListeners('data');
    port.on('error', () => {});
    if (!port.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Device uptime now, u32 ms. */
  uptimeMs(): number {
    const elapsed = Math.floor(this.#now() - this.#startHostMs);
    return ((this.#options.startUptimeMs ?? 0) + elapsed) % MS_MODULO;
  }

  hello(): Promise<void> {
    return this.send({ type: 'hello', proto: PROTOCOL_VERSION, ...this.#identity() });
  }

  heartbeat(): Promise<void> {
    return this.send({ type: 'heartbeat', seq: this.#nextSeq(), ms: this.uptimeMs() });
  }

  edge(button: number, edge: 'D' | 'U'): Promise<void> {
    return this.send({ type: 'edge', seq: this.#nextSeq(), ms: this.uptimeMs(), button, edge });
  }

  log(text: string): Promise<void> {
    return this.send({ type: 'log', text });
  }

  /** Press `button` and release it `holdMs` later (a release is sent even when aborted mid-hold). */
  async press(button: number, options: { holdMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    this.#checkButton(button);
    const withSignal = options.signal ? { signal: options.signal } : {};
    const restMs = (this.#releasedAt.get(button) ?? Number.NEGATIVE_INFINITY) + MIN_RELEASE_MS - this.#now();
    if (restMs > 0) await delay(Math.ceil(restMs), undefined, withSignal);
    await this.edge(button, 'D');
    try {
      await delay(options.holdMs ?? SHORT_PRESS_MS, undefined, withSignal);
    } finally {
      if (this.isOpen) {
        await this.edge(button, 'U');
        this.#releasedAt.set(button, this.#now());
      }
    }
  }

  single(button: number, signal?: AbortSignal): Promise<void> {
    return this.press(button, { holdMs: SHORT_PRESS_MS, ...(signal ? { signal } : {}) });
  }

  async double(button: number, signal?: AbortSignal): Promise<void> {
    await this.press(button, { holdMs: DOUBLE_PRESS_MS, ...(signal ? { signal } : {}) });
    await delay(DOUBLE_GAP_MS, undefined, signal ? { signal } : {});
    await this.press(button, { holdMs: DOUBLE_PRESS_MS, ...(signal ? { signal } : {}) });
  }

  long(button: number, signal?: AbortSignal): Promise<void> {
    return this.press(button, { holdMs: LONG_PRESS_HOLD_MS, ...(signal ? { signal } : {}) });
  }

  /** Play one script step. */
  async play(step: ScriptStep, signal?: AbortSignal): Promise<void> {
    const withSignal = signal ? { signal } : {};
    switch (step.kind) {
      case 'press':
        return this.press(step.button, { holdMs: step.holdMs, ...withSignal });
      case 'double':
        return this.double(step.button, signal);
      case 'wait':
        await delay(step.ms, undefined, withSignal);
        return;
      case 'log':
        return this.log(step.text);
      case 'raw':
        return this.sendRaw(step.text);
      case 'hello':
        return this.hello();
    }
  }

  /** Encode and write one message; resolves once it left for the pty. */
  send(message: WireMessage): Promise<void> {
    return this.sendRaw(this.#encode(message));
  }

  /** Write `text` plus `\n` as is, unchecked: for showing what junk on the line does. */
  async sendRaw(text: string): Promise<void> {
    const port = this.#port;
    if (port === undefined || !port.isOpen || this.#stopped) {
      throw new PressgateError(
        'ERR_SIM_CLOSED',
        `the virtual remote on ${this.#options.path} is not running; start it first`,
      );
    }
    this.emit('sent', { line: text, hostMs: this.#now() });
    port.write(Buffer.from(`${text}\n`, 'latin1'));
    await new Promise<void>((resolve, reject) => port.drain((error) => (error ? reject(error) : resolve())));
  }

  #encode(message: WireMessage): string {
    return encodeLine(message, { checksum: this.#options.checksum === true });
  }

  #identity(): { deviceId: string; firmware: string; buttons: number } {
    return { deviceId: this.deviceId, firmware: this.firmware, buttons: this.buttons };
  }

  #nextSeq(): number {
    const seq = this.#seq;
    this.#seq = (this.#seq + 1) % SEQ_MODULO;
    return seq;
  }

  #checkButton(button: number): void {
    if (!Number.isInteger(button) || button < 1 || button > this.buttons) {
      throw new PressgateError(
        'ERR_SIM_BUTTON',
        `expected a button 1..${this.buttons} (this remote announces ${this.buttons}), got ${button}; ` +
          'start the remote with more buttons or press another one',
      );
    }
  }

  #onData(chunk: Buffer): void {
    this.#received += chunk.toString('latin1');
    const lines = this.#received.split('\n');
    this.#received = (lines.pop() ?? '').slice(-256);
    for (const line of lines) {
      if (line.replace(/\r$/, '') !== '?') continue;
      this.emit('query');
      this.hello().catch(() => {});
    }
  }

  #onClosed(error: Error | undefined): void {
    if (this.#stopped) return;
    void this.stop().then(() =>
      this.emit(
        'closed',
        new PressgateError(
          'ERR_SIM_CLOSED',
          `the pty ${this.#options.path} closed under the virtual remote${error ? `: ${error.message}` : ''}`,
          error ? { cause: error } : undefined,
        ),
      ),
    );
  }
}
