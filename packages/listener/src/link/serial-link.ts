import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import {
  type HelloMessage,
  MAX_LINE_BYTES,
  type ParseResult,
  type PressgateError,
  parseLine,
} from '@pressgate/protocol';
import { SerialPort } from 'serialport';
import { LineFramer, type SplitterOutput } from './line-splitter.js';
import { loopReadBinding } from './loop-read-binding.js';
import { classifyOpenError, serialError } from './serial-errors.js';

export type SerialLinkOptions = {
  path: string;
  baudRate: number;
  /** How long to wait for HELLO after asking with `?` (default 3000). */
  helloTimeoutMs?: number;
  /** Silence (no line at all) longer than this means the device is gone (default 15000: three missed heartbeats). */
  heartbeatTimeoutMs?: number;
  /** How often to check that `path` still exists while up (default 500). */
  presenceCheckMs?: number;
  /**
   * `?` an earlier link on this port sent that were never answered: a device
   * that was not reading yet finds them in its buffer and answers them later.
   */
  unansweredQueries?: number;
};

/**
 * One line as read: `raw` without `\n` (empty for a discarded overlong line);
 * `atMs` is Date.now() when it was read and `at` the same time as an ISO string,
 * formatted only when read (formatting it for every line cost more than parsing).
 * A HELLO has `answersQuery`: true when it answers a `?` the host sent (counted
 * per `?`, oldest first), false when nobody asked, which means the device restarted.
 */
export type LinkLine = {
  raw: string;
  result: ParseResult;
  atMs: number;
  readonly at: string;
  answersQuery?: boolean;
};

export type SerialLinkEvents = {
  /** Every line, valid or not, from the moment the port opened. */
  line: [line: LinkLine];
  /** The device identified itself; sent synchronously before the lines after it. */
  hello: [hello: HelloMessage];
  /** The connection is over (unplug, error, silence); emitted at most once, after `open()` resolved. */
  down: [error: PressgateError];
};

export const DEFAULT_HELLO_TIMEOUT_MS = 3000;
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 15000;
export const DEFAULT_PRESENCE_CHECK_MS = 500;

type Phase = 'idle' | 'hello' | 'up' | 'closed';

/**
 * One open serial connection to a remote. `open()` opens the port, asks for
 * HELLO with `?` and resolves with it; any failure rejects with an actionable
 * PressgateError after closing the port again. Once up, lines are emitted as
 * they come and the first of unplug, port error or silence ends the link with
 * one `down` event. Pseudo-terminals lack modem-control ioctls, so the link
 * never calls port.set()/get().
 *
 * Unplug detection does not rely on read errors alone: a hung-up pty (socat
 * gone) reads 0 bytes forever, which serialport 13 retries without reporting.
 * So while up the link also checks that `path` still exists; udev and socat
 * both remove it on unplug.
 */
export class SerialLink extends EventEmitter<SerialLinkEvents> {
  readonly path: string;
  readonly #options: SerialLinkOptions;
  #port: SerialPort | undefined;
  #phase: Phase = 'idle';
  #silenceTimer: NodeJS.Timeout | undefined;
  /** performance.now() of the last line; the silence timer compares against it when it fires. */
  #lastLineMs = 0;
  #presenceTimer: NodeJS.Timeout | undefined;
  #counts = { good: 0, bad: 0, bytes: 0 };
  #unansweredQueries: number;
  #helloWaiter: { resolve(hello: HelloMessage): void; reject(error: PressgateError): void } | undefined;

  constructor(options: SerialLinkOptions) {
    super();
    this.path = options.path;
    this.#options = options;
    this.#unansweredQueries = options.unansweredQueries ?? 0;
  }

  /** `?` sent (by this link, or carried over from an earlier one) that no HELLO has answered yet. */
  get unansweredQueries(): number {
    return this.#unansweredQueries;
  }

  get isUp(): boolean {
    return this.#phase === 'up';
  }

  async open(signal?: AbortSignal): Promise<HelloMessage> {
    if (this.#phase !== 'idle') throw new Error('SerialLink.open() may be called once');
    signal?.throwIfAborted();
    this.#phase = 'hello';
    // serialport's types leave `binding` out of SerialPort's options; at run time it overrides.
    const options = {
      path: this.path,
      baudRate: this.#options.baudRate,
      autoOpen: false,
      binding: loopReadBinding(),
    } as ConstructorParameters<typeof SerialPort>[0];
    const port = new SerialPort(options);
    this.#port = port;
    try {
      await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      this.#phase = 'closed';
      this.#unansweredQueries = 0; // no port, so nothing of ours waits in it
      throw classifyOpenError(this.path, error);
    }
    // Lines go from the port's data event to `line` synchronously, with no stream in between.
    const framer = new LineFramer((item) => this.#onItem(item), { maxLineBytes: MAX_LINE_BYTES });
    port.on('data', (chunk: Buffer) => {
      this.#counts.bytes += chunk.length;
      framer.write(chunk);
    });
    port.on('error', (error) => this.#fail(this.#classifyRuntimeError(error)));
    port.on('close', (error?: Error & { disconnected?: boolean }) =>
      this.#fail(
        serialError(
          'ERR_SERIAL_DISCONNECTED',
          `serial port ${this.path} ${error?.disconnected ? 'disappeared (unplugged?)' : 'was closed'}; pressgate reconnects when it comes back`,
          error,
        ),
      ),
    );
    try {
      const hello = await this.#awaitHello(port, signal);
      this.#phase = 'up';
      this.#lastLineMs = performance.now();
      this.#armSilence(this.#options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS);
      this.#schedulePresenceCheck();
      return hello;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Send a host-to-device line (a `\n` is added). */
  write(line: string): void {
    const port = this.#port;
    if (port === undefined) return;
    if (line === '?') this.#unansweredQueries += 1;
    port.write(`${line}\n`, 'latin1');
  }

  /** Close the port; idempotent. Does not emit `down`; a pending `open()` rejects. */
  async close(): Promise<void> {
    this.#helloWaiter?.reject(
      serialError('ERR_SERIAL_DISCONNECTED', `serial port ${this.path} was closed while waiting for HELLO`),
    );
    const port = this.#port;
    this.#phase = 'closed';
    this.#clearSilence();
    clearTimeout(this.#presenceTimer);
    this.#port = undefined;
    if (port === undefined) return;
    port.removeAllListeners('data');
    port.removeAllListeners('close');
    port.on('error', () => {});
    if (!port.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  #awaitHello(port: SerialPort, signal?: AbortSignal): Promise<HelloMessage> {
    const timeoutMs = this.#options.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS;
    return new Promise<HelloMessage>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      const onAbort = (): void => finish(() => reject(signal?.reason));
      const finish = (settle: () => void): void => {
        for (const timer of timers) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#helloWaiter = undefined;
        settle();
      };
      this.#helloWaiter = {
        resolve: (hello) => finish(() => resolve(hello)),
        reject: (error) => finish(() => reject(error)),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.write('?');
      // Ask once more halfway, unless a HELLO came (which ends this wait and its timers):
      // a device that was still booting may have missed the first one.
      timers.push(setTimeout(() => port.isOpen && this.write('?'), timeoutMs / 2));
      timers.push(setTimeout(() => this.#helloWaiter?.reject(this.#noHelloError(timeoutMs)), timeoutMs));
    });
  }

  #noHelloError(timeoutMs: number): PressgateError {
    const { good, bad, bytes } = this.#counts;
    if ((good === 0 && bytes > 0) || bad > good) {
      return serialError(
        'ERR_SERIAL_GARBAGE',
        `expected protocol v1 lines from ${this.path}, got ${bad} unreadable line(s) and ${good} valid one(s) (${bytes} bytes) in ${timeoutMs} ms: wrong baudRate in the config, or not a pressgate remote`,
      );
    }
    if (good === 0) {
      return serialError(
        'ERR_SERIAL_SILENT',
        `expected HELLO from ${this.path} within ${timeoutMs} ms after asking with "?", got nothing: is this the remote's port, and is its firmware running?`,
      );
    }
    return serialError(
      'ERR_SERIAL_NO_HELLO',
      `expected HELLO from ${this.path} within ${timeoutMs} ms after asking with "?", got ${good} other valid line(s): the firmware must answer "?" with HELLO`,
    );
  }

  #onItem(item: SplitterOutput): void {
    if (this.#phase !== 'hello' && this.#phase !== 'up') return;
    const atMs = Date.now();
    const line: LinkLine =
      item.kind === 'line'
        ? new ReadLine(atMs, item.text, parseLine(item.text))
        : new ReadLine(atMs, '', tooLong(item.limitBytes));
    if (line.result.ok) this.#counts.good += 1;
    else this.#counts.bad += 1;
    this.#lastLineMs = performance.now();
    const message = line.result.ok ? line.result.message : undefined;
    if (message?.type === 'hello') {
      line.answersQuery = this.#unansweredQueries > 0;
      if (line.answersQuery) this.#unansweredQueries -= 1;
    }
    if (message?.type === 'hello' && this.#phase === 'hello') {
      this.emit('hello', message);
      this.#helloWaiter?.resolve(message);
    }
    this.emit('line', line);
  }

  /**
   * One timer for silence, not one per line: a line only stamps `#lastLineMs`
   * (clearTimeout + setTimeout on every line cost more than the rest of the
   * line's path); when the timer fires it re-arms for what is left, or ends the link.
   */
  #armSilence(delayMs: number): void {
    this.#clearSilence();
    const timeoutMs = this.#options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
    this.#silenceTimer = setTimeout(() => {
      this.#silenceTimer = undefined;
      if (this.#phase !== 'up') return;
      const leftMs = timeoutMs - (performance.now() - this.#lastLineMs);
      if (leftMs > 0) {
        this.#armSilence(Math.max(1, Math.ceil(leftMs)));
        return;
      }
      this.#fail(
        serialError(
          'ERR_SERIAL_SILENT',
          `no line from ${this.path} for ${timeoutMs} ms (the device sends a heartbeat at least every 5 s): the firmware hung or the cable is loose; reconnecting`,
        ),
      );
    }, delayMs);
  }

  #clearSilence(): void {
    if (this.#silenceTimer !== undefined) clearTimeout(this.#silenceTimer);
    this.#silenceTimer = undefined;
  }

  #schedulePresenceCheck(): void {
    this.#presenceTimer = setTimeout(async () => {
      const present = await stat(this.path).then(
        () => true,
        (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
      );
      if (this.#phase !== 'up') return;
      if (present) {
        this.#schedulePresenceCheck();
        return;
      }
      this.#fail(
        serialError(
          'ERR_SERIAL_DISCONNECTED',
          `serial port ${this.path} disappeared (unplugged?); pressgate reconnects when it comes back`,
        ),
      );
    }, this.#options.presenceCheckMs ?? DEFAULT_PRESENCE_CHECK_MS);
  }

  #classifyRuntimeError(error: Error): PressgateError {
    return serialError(
      'ERR_SERIAL_DISCONNECTED',
      `serial port ${this.path} failed: ${error.message}; pressgate reconnects when it comes back`,
      error,
    );
  }

  #fail(error: PressgateError): void {
    if (this.#phase === 'hello') {
      this.#helloWaiter?.reject(error);
      return;
    }
    if (this.#phase !== 'up') return;
    void this.close().then(() => this.emit('down', error));
  }
}

/** A LinkLine whose ISO `at` is formatted on the prototype, only when read. */
class ReadLine implements LinkLine {
  declare answersQuery?: boolean;
  constructor(
    readonly atMs: number,
    public raw: string,
    public result: ParseResult,
  ) {}

  get at(): string {
    return new Date(this.atMs).toISOString();
  }
}

function tooLong(limitBytes: number): ParseResult {
  return {
    ok: false,
    error: {
      code: 'ERR_WIRE_TOO_LONG',
      message: `expected at most ${limitBytes} bytes before the line ending, got more; the line was discarded up to the next newline`,
    },
  };
}
