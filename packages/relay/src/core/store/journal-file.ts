import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PressgateError } from '@pressgate/protocol';
import { corrupt, DATA_FILE_MODE, fixMode, type StoreParser, syncDirectory } from './json-file-store.js';

/** What a journal held: its intact lines, and the torn last line a crash mid-append left, if any. */
export type JournalContents<L> = {
  lines: L[];
  /** 1-based line number and size of a dropped torn tail. */
  tornTail: { line: number; bytes: number } | undefined;
};

/**
 * Splits journal text into lines and checks each one. A bad last line (no newline, not JSON,
 * or the wrong shape) is what a crash in the middle of an append leaves: it is dropped and
 * reported. A bad line with intact lines after it is not a torn write: ERR_STORE_CORRUPT.
 */
export function parseJournal<L>(file: string, text: string, parse: StoreParser<L>): JournalContents<L> {
  const raw = text.split('\n');
  // After a final newline split() yields one empty string: nothing is torn there.
  if (raw.at(-1) === '') raw.pop();
  const lines: L[] = [];
  let bad: { line: number; reason: string } | undefined;
  for (const [index, line] of raw.entries()) {
    const checked = checkLine(line, parse);
    if (!checked.ok) {
      bad ??= { line: index + 1, reason: checked.reason };
      continue;
    }
    if (bad !== undefined) {
      throw corrupt(
        file,
        `line ${bad.line} is damaged (${bad.reason}) but later lines are intact, so it is not a torn write`,
      );
    }
    lines.push(checked.data);
  }
  if (bad === undefined) return { lines, tornTail: undefined };
  const bytes = Buffer.byteLength(raw.slice(bad.line - 1).join('\n'));
  return { lines, tornTail: { line: bad.line, bytes } };
}

function checkLine<L>(line: string, parse: StoreParser<L>): ReturnType<StoreParser<L>> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  return parse(value);
}

/** O_DSYNC where the platform has it: a write is durable when it returns (one thread-pool trip). */
const WRITES_ARE_SYNCED = typeof constants.O_DSYNC === 'number';
const APPEND_FLAGS =
  constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (WRITES_ARE_SYNCED ? constants.O_DSYNC : 0);

/**
 * An append-only file of JSON lines, opened once with O_APPEND (and O_DSYNC where available).
 * `append` writes a group of lines durably (O_DSYNC writes, else write + fdatasync): one group
 * costs one sync. The file's directory is
 * fsynced when the file is created, so the file itself survives a power cut.
 */
export class JournalFile {
  readonly file: string;
  #handle: FileHandle | undefined;
  #size = 0;

  constructor(file: string) {
    this.file = file;
  }

  /** Bytes in the file now. */
  get size(): number {
    return this.#size;
  }

  /** Opens (creating it 0600 if missing) and returns what the file holds. */
  async open(): Promise<string> {
    let text = '';
    let created = false;
    try {
      const bytes = await readFile(this.file);
      text = bytes.toString('utf8');
      this.#size = bytes.length;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw readError(this.file, error);
      created = true;
      this.#size = 0;
    }
    try {
      this.#handle = await open(this.file, APPEND_FLAGS, DATA_FILE_MODE);
      await fixMode(this.file, DATA_FILE_MODE);
      if (created) await syncDirectory(dirname(this.file));
    } catch (error) {
      await this.close();
      throw writeError(this.file, error);
    }
    return text;
  }

  /** Appends the text; resolves once it is on disk. */
  async append(text: string): Promise<void> {
    const handle = this.#require();
    const bytes = Buffer.from(text, 'utf8');
    try {
      for (let offset = 0; offset < bytes.length; ) {
        const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
        offset += bytesWritten;
        this.#size += bytesWritten;
      }
      // With O_DSYNC each write returned only once its data was on disk: no second trip.
      if (!WRITES_ARE_SYNCED) await handle.datasync();
    } catch (error) {
      throw writeError(this.file, error);
    }
  }

  /** Empties the file (after its contents went into a snapshot). */
  async truncate(): Promise<void> {
    const handle = this.#require();
    try {
      await handle.truncate(0);
      await handle.datasync();
      this.#size = 0;
    } catch (error) {
      throw writeError(this.file, error);
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  #require(): FileHandle {
    if (this.#handle === undefined) {
      throw new PressgateError('ERR_RELAY_NOT_STARTED', `${this.file} is not open; start the relay first`);
    }
    return this.#handle;
  }
}

function readError(file: string, cause: unknown): PressgateError {
  return new PressgateError(
    'ERR_STORE_READ',
    `cannot read ${file}: ${(cause as Error).message}; check that the service user owns the data directory`,
    { cause },
  );
}

function writeError(file: string, cause: unknown): PressgateError {
  return new PressgateError(
    'ERR_STORE_WRITE',
    `cannot write ${file}: ${(cause as Error).message}; check free disk space and that the service user owns the data directory`,
    { cause },
  );
}
