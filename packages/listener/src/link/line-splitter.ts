import { Transform, type TransformCallback } from 'node:stream';
import { MAX_LINE_BYTES } from '@pressgate/protocol';

/** What the splitter emits: a complete line, or one report per overlong line. */
export type SplitterOutput = { kind: 'line'; text: string } | { kind: 'overlong'; limitBytes: number };

const NEWLINE = 0x0a;
const RETURN = 0x0d;

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
  readonly #buffer: Buffer;
  #length = 0;
  #discarding = false;

  constructor(options: { maxLineBytes?: number } = {}) {
    super({ readableObjectMode: true });
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.#buffer = Buffer.alloc(this.maxLineBytes + 1);
  }

  /** Bytes of the unfinished line held right now (never above `maxLineBytes` + 1). */
  get pendingBytes(): number {
    return this.#length;
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline === -1 ? bytes.length : newline;
      this.#append(bytes, start, end);
      if (newline === -1) break;
      if (this.#discarding) {
        this.#discarding = false;
      } else if (this.#length > this.maxLineBytes && this.#buffer[this.maxLineBytes] !== RETURN) {
        this.push({ kind: 'overlong', limitBytes: this.maxLineBytes } satisfies SplitterOutput);
      } else {
        this.push({
          kind: 'line',
          text: this.#buffer.toString('latin1', 0, this.#length),
        } satisfies SplitterOutput);
      }
      this.#length = 0;
      start = newline + 1;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#length = 0;
    this.#discarding = false;
    callback();
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
    this.push({ kind: 'overlong', limitBytes: this.maxLineBytes } satisfies SplitterOutput);
  }
}
