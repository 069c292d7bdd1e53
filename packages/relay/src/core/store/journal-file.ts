import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

import { dirname } from 'node:path';
import { PressgateError } from '@pressgate/protocol';
import { openDataFile } from './data-dir.js';
import { corrupt, type StoreParser, syncDirectory } from './json-file-store.js';

/** What a journal held: its intact lines, the torn tail a crash left, and complete lines that are wrong. */
export type JournalContents<L> = {
  lines: L[];
  /** 1-based line number and size of a dropped torn tail (a last line without its newline). */
  tornTail: { line: number; bytes: number } | undefined;
  /** Complete (newline-ended) last lines of the wrong shape: kept aside, never dropped silently. */
  quarantined: { line: number; reason: string; text: string }[];
};

/**
 * Splits journal text into lines and checks each one. Only a last line WITHOUT its newline is
 * torn (a crash in the middle of an append; each append writes its newline with it, so that
 * caller was never answered): it is dropped and reported. A complete line of the wrong shape was
 * written whole, so it may be an event someone was told was taken: when only such lines follow
 * the intact ones they are returned in `quarantined` for the caller to keep aside; a bad line
 * with intact lines after it is not a torn write either: ERR_STORE_CORRUPT.
 */
export function parseJournal<L>(file: string, text: string, parse: StoreParser<L>): JournalContents<L> {
  const raw = text.split('\n');
  // After a final newline split() yields one empty string; anything else there is unterminated.
  const tail = raw.pop() ?? '';
  const lines: L[] = [];
  const quarantined: JournalContents<L>['quarantined'] = [];
  for (const [index, line] of raw.entries()) {
    const checked = checkLine(line, parse);
    if (!checked.ok) {
      quarantined.push({ line: index + 1, reason: checked.reason, text: line });
      continue;
    }
    const first = quarantined[0];
    if (first !== undefined) {
      throw corrupt(
        file,
        `line ${first.line} is damaged (${first.reason}) but later lines are intact, so it is not a torn write`,
      );
    }
    lines.push(checked.data);
  }
  const tornTail = tail === '' ? undefined : { line: raw.length + 1, bytes: Buffer.byteLength(tail, 'utf8') };
  return { lines, tornTail, quarantined };
}

/**
 * Appends complete journal lines that were the wrong shape to `<file>.quarantine` (0600, never
 * through a link) and syncs it, so they survive the compaction that follows; returns its path.
 */
export async function quarantineLines(file: string, lines: readonly { text: string }[]): Promise<string> {
  const target = `${file}.quarantine`;
  try {
    const handle = await openDataFile(target, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
    try {
      await handle.writeFile(lines.map((line) => `${line.text}\n`).join(''), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await syncDirectory(dirname(target));
  } catch (error) {
    if (error instanceof PressgateError) throw error;
    throw writeError(target, error);
  }
  return target;
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
      const reader = await openDataFile(this.file, constants.O_RDONLY);
      try {
        const bytes = await reader.readFile();
        text = bytes.toString('utf8');
        this.#size = bytes.length;
      } finally {
        await reader.close();
      }
    } catch (error) {
      if (error instanceof PressgateError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw readError(this.file, error);
      created = true;
      this.#size = 0;
    }
    try {
      this.#handle = await openDataFile(this.file, APPEND_FLAGS);
      if (created) await syncDirectory(dirname(this.file));
    } catch (error) {
      await this.close();
      if (error instanceof PressgateError) throw error;
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
