import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * What `pressgate init` waits for: lines the person types (stdin, a terminal
 * or a pipe) and button presses the remote reports. Either can arrive while
 * the other is awaited, so both land in one inbox and `wait` wakes on either.
 */
export class InitInbox {
  readonly #input: Readable | undefined;
  #reader: Interface | undefined;
  readonly #lines: string[] = [];
  readonly #presses: number[] = [];
  #ended = false;
  #wake: (() => void) | undefined;

  constructor(input: Readable | undefined) {
    this.#input = input;
  }

  start(): void {
    if (this.#input === undefined) {
      this.#ended = true;
      return;
    }
    // terminal: false keeps a terminal in cooked mode: it echoes and edits, and Ctrl-C stays SIGINT.
    const reader = createInterface({
      input: this.#input,
      terminal: false,
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    this.#reader = reader;
    reader.on('line', (line) => {
      this.#lines.push(line.trim());
      this.#notify();
    });
    reader.on('close', () => {
      this.#ended = true;
      this.#notify();
    });
  }

  stop(): void {
    this.#reader?.close();
    this.#reader = undefined;
  }

  /** The remote reported button `button` going down. */
  press(button: number): void {
    this.#presses.push(button);
    this.#notify();
  }

  /** Forget presses made before the question they would answer was asked. */
  clearPresses(): void {
    this.#presses.length = 0;
  }

  /** The next typed line; undefined once input ended (then every answer is the default). */
  async line(signal: AbortSignal, timeoutMs: number): Promise<string | undefined> {
    await this.#until(() => this.#lines.length > 0 || this.#ended, signal, timeoutMs);
    return this.#lines.shift();
  }

  /** The next press, or a typed line (the person skipping), or undefined after timeoutMs or at end of input. */
  async pressOrLine(
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<{ button: number } | { line: string } | undefined> {
    await this.#until(
      () => this.#presses.length > 0 || this.#lines.length > 0 || this.#ended,
      signal,
      timeoutMs,
    );
    const button = this.#presses.shift();
    if (button !== undefined) return { button };
    const line = this.#lines.shift();
    return line === undefined ? undefined : { line };
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #until(ready: () => boolean, signal: AbortSignal, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      signal.throwIfAborted();
      const leftMs = deadline - Date.now();
      if (leftMs <= 0) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.#wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, leftMs);
        signal.addEventListener('abort', done, { once: true });
        this.#wake = done;
      });
    }
  }
}
