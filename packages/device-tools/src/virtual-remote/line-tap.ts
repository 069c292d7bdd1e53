import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { PressgateError } from '@pressgate/protocol';
import { ReadlineParser } from '@serialport/parser-readline';
import { SerialPort } from 'serialport';

export type LineTapEvents = {
  /** One line without its `\n`; `hostMs` is performance.now() when it was delivered. */
  line: [event: { text: string; hostMs: number }];
};

/**
 * The bare host side of a serial port: SerialPort plus ReadlineParser, no
 * protocol, no decoding. What tests read a virtual remote with, and the
 * baseline the listener benchmark compares the Listener against.
 */
export class LineTap extends EventEmitter<LineTapEvents> {
  /** Every line received since open, in order. */
  readonly lines: string[] = [];
  readonly path: string;
  readonly #port: SerialPort;

  private constructor(path: string, port: SerialPort) {
    super();
    this.path = path;
    this.#port = port;
    const parser = port.pipe(new ReadlineParser({ delimiter: '\n', encoding: 'latin1' }));
    parser.on('data', (text: string) => {
      const hostMs = performance.now();
      const line = text.endsWith('\r') ? text.slice(0, -1) : text;
      this.lines.push(line);
      this.emit('line', { text: line, hostMs });
    });
    port.on('error', () => {});
  }

  static async open(path: string, options: { baudRate?: number } = {}): Promise<LineTap> {
    const port = new SerialPort({ path, baudRate: options.baudRate ?? 115200, autoOpen: false });
    try {
      await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      throw new PressgateError(
        'ERR_SERIAL_OPEN_FAILED',
        `could not open ${path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    return new LineTap(path, port);
  }

  /** Write one line (a `\n` is added) and wait until it left. */
  async write(line: string): Promise<void> {
    this.#port.write(Buffer.from(`${line}\n`, 'latin1'));
    await new Promise<void>((resolve, reject) =>
      this.#port.drain((error) => (error ? reject(error) : resolve())),
    );
  }

  /** Close the port; idempotent. */
  async close(): Promise<void> {
    if (!this.#port.isOpen) return;
    await new Promise<void>((resolve) => this.#port.close(() => resolve()));
  }
}
