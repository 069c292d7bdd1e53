import { Transform, type TransformCallback } from 'node:stream';
import { MAX_LINE_BYTES } from '@pressgate/protocol';

/** What the splitter emits: a complete line, or one report per overlong line. */
export type SplitterOutput = { kind: 'line'; text: string } | { kind: 'overlong'; limitBytes: number };

const NEWLINE = 0x0a;
const RETURN = 0x0d;

/**
 * The splitting itself, synchronous and stream-free: `write(chunk)` calls
 * `onItem` for each finished line before it returns. SerialLink feeds it
 * straight from the port's `data` event, so a line costs no stream machinery
 * on its way to the decoder; LineSplitter wraps it as a Transform.
 */
export class LineFramer {
  readonly maxLineBytes: number;
  readonly #onItem: (item: SplitterOutput) => void;
  readonly #buffer: Buffer;
  readonly #overlong: SplitterOutput;
  #length = 0;
  #discarding = false;

  constructor(onItem: (item: SplitterOutput) => void, options: { maxLineBytes?: number } = {}) {
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.#onItem = onItem;
    this.#buffer = Buffer.alloc(this.maxLineBytes + 1);
    this.#overlong = { kind: 'overlong', limitBytes: this.maxLineBytes };
  }

  /** Bytes of the unfinished line held right now (never above `maxLineBytes` + 1). */
  get pendingBytes(): number {
    return this.#length;
  }

  write(bytes: Buffer): void {
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline === -1 ? bytes.length : newline;
      this.#append(bytes, start, end);
      if (newline === -1) break;
      start = newline + 1;
      if (this.#discarding) {
        this.#discarding = false;
        this.#length = 0;
      } else if (this.#length > this.maxLineBytes && this.#buffer[this.maxLineBytes] !== RETURN) {
        this.#length = 0;
        this.#onItem({ ...this.#overlong });
      } else {
        const text = this.#buffer.toString('latin1', 0, this.#length);
        this.#length = 0;
        this.#onItem({ kind: 'line', text });
      }
    }
  }

  /** Drop an unfinished line (the stream ended: it was cut off). */
  reset(): void {
    this.#length = 0;
    this.#discarding = false;
  }

  #append(bytes: Buffer, start: number, end: number): void {
    if (this.#discarding || start === end) return;
    const room = this.maxLineBytes + 1 - this.#length;
    if (end - start <= room) {
      bytes.copy(this.#buffer, this.#length, start, end);
      this.#length += end - start;
      return;
    }
    this.#discarding = true;
    this.#length = 0;
    this.#onItem({ ...this.#overlong });
  }
}

/**
 * Splits serial bytes into lines at `\n`, decoded as latin1, with the `\n`
 * removed (a `\r` before it stays, for the wire codec to ignore). Unlike
 * @serialport/parser-readline it never holds more than `maxLineBytes` (plus
 * one for a `\r`): a line longer than that is discarded up to the next `\n`
 * and reported once, so a stream without newlines cannot grow memory.
 * An unfinished line at the end of the stream is dropped (it was cut off).
 */
export class LineSplitter extends Transform {
  readonly maxLineBytes: number;
  readonly #framer: LineFramer;

  constructor(options: { maxLineBytes?: number } = {}) {
    super({ readableObjectMode: true });
    this.#framer = new LineFramer((item) => this.push(item), options);
    this.maxLineBytes = this.#framer.maxLineBytes;
  }

  /** Bytes of the unfinished line held right now (never above `maxLineBytes` + 1). */
  get pendingBytes(): number {
    return this.#framer.pendingBytes;
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#framer.write(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#framer.reset();
    callback();
  }
}
