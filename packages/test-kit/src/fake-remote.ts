import { openPtyPair, type PtyPair, type PtyPairOptions } from '@pressgate/device-tools';
import { SerialPort } from 'serialport';
import { onTestFinished } from 'vitest';

/**
 * A scripted remote on the device side of a real pty pair (through the real
 * SerialPort), for the tests of the serial link, the listener and the device tools.
 */

export type FakeRemoteOptions = {
  /** Line sent (with `\n`) whenever the host asks `?`; undefined: never answer. */
  answer?: string;
};

export class FakeRemote {
  /** Everything the host wrote to the device, as latin1. */
  received = '';
  readonly #port: SerialPort;
  readonly #answer: string | undefined;

  private constructor(port: SerialPort, options: FakeRemoteOptions) {
    this.#port = port;
    this.#answer = options.answer;
    port.on('data', (chunk: Buffer) => this.#onData(chunk));
    port.on('error', () => {});
  }

  static async open(devicePath: string, options: FakeRemoteOptions = {}): Promise<FakeRemote> {
    const port = new SerialPort({ path: devicePath, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    return new FakeRemote(port, options);
  }

  /** Write raw bytes or text and wait until they left. */
  async send(data: string | Buffer): Promise<void> {
    if (!this.#port.isOpen) throw new Error('fake remote is closed');
    this.#port.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    await new Promise<void>((resolve, reject) =>
      this.#port.drain((error) => (error ? reject(error) : resolve())),
    );
  }

  async close(): Promise<void> {
    if (!this.#port.isOpen) return;
    await new Promise<void>((resolve) => this.#port.close(() => resolve()));
  }

  #onData(chunk: Buffer): void {
    const before = this.received.split('\n').length;
    this.received += chunk.toString('latin1');
    const queries = this.received.split('\n').slice(before - 1, -1);
    if (this.#answer !== undefined && queries.includes('?'))
      void this.send(`${this.#answer}\n`).catch(() => {});
  }
}

/** A real socat pty pair, killed when the test finishes. */
export async function testPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const pair = await openPtyPair(options);
  onTestFinished(() => pair.kill());
  return pair;
}

/** A fake remote on the device side of `pair`, closed when the test finishes. */
export async function testRemote(pair: PtyPair, options: FakeRemoteOptions = {}): Promise<FakeRemote> {
  const remote = await FakeRemote.open(pair.devicePath, options);
  onTestFinished(() => remote.close());
  return remote;
}
