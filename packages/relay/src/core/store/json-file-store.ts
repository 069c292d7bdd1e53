import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isPressgateError, PressgateError } from '@pressgate/protocol';
import { type Adapter, Low } from 'lowdb';
import { CREATE_NEW_FLAGS, DATA_FILE_MODE, ensureDataDir, openDataFile } from './data-dir.js';

export { DATA_DIR_MODE, DATA_FILE_MODE, ensureDataDir } from './data-dir.js';

/** Turns parsed JSON into the stored type, or says why it does not fit. */
export type StoreParser<T> = (value: unknown) => { ok: true; data: T } | { ok: false; reason: string };

export type JsonFileAdapterOptions<T> = {
  file: string;
  /** Shape check after JSON.parse; a mismatch is treated like a corrupt file. */
  parse?: StoreParser<T>;
  /** Turns the data into the file's text; default compact JSON plus a newline. */
  serialize?: (data: T) => string;
  /** Appended to an ERR_STORE_CORRUPT message: what to do after moving the file aside. */
  corruptHint?: string;
};

/**
 * A lowdb adapter that never leaves a half-written file behind: each write goes
 * to a temp file beside the target, is fsynced, renamed over the target, and
 * the directory is fsynced so the rename survives a power cut. Writes are
 * serialized in call order; each one stores the data as it was at call time.
 * The text is compact JSON: the files are small state, not documents, and
 * pretty-printing a large one on every write costs more than the write.
 */
export class JsonFileAdapter<T> implements Adapter<T> {
  readonly file: string;
  readonly #tempFile: string;
  readonly #parse: StoreParser<T> | undefined;
  readonly #serialize: (data: T) => string;
  readonly #corruptHint: string | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(options: JsonFileAdapterOptions<T>) {
    this.file = options.file;
    this.#tempFile = join(dirname(options.file), `.${basename(options.file)}.tmp`);
    this.#parse = options.parse;
    this.#serialize = options.serialize ?? ((data) => `${JSON.stringify(data)}\n`);
    this.#corruptHint = options.corruptHint;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      const handle = await openDataFile(this.file, constants.O_RDONLY);
      try {
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if (isPressgateError(error)) throw error;
      throw new PressgateError(
        'ERR_STORE_READ',
        `cannot read ${this.file}: ${(error as Error).message}; check that the service user owns the data directory`,
        { cause: error },
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw corrupt(this.file, 'it is not valid JSON', error, this.#corruptHint);
    }
    if (this.#parse === undefined) return value as T;
    const parsed = this.#parse(value);
    if (!parsed.ok) throw corrupt(this.file, parsed.reason, undefined, this.#corruptHint);
    return parsed.data;
  }

  write(data: T): Promise<void> {
    const text = this.#serialize(data);
    const next = this.#chain.then(() => this.#writeNow(text));
    // Keep the chain alive after a failed write; the caller still sees the error.
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every write started so far has finished (or failed). */
  flush(): Promise<void> {
    return this.#chain;
  }

  async #writeNow(text: string): Promise<void> {
    try {
      // A fresh temp file every time: whatever sits at its name (a planted link) is removed, not
      // written through; the rename then replaces the target's name, never what a link points at.
      await unlink(this.#tempFile).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      const handle = await open(this.#tempFile, CREATE_NEW_FLAGS, DATA_FILE_MODE);
      try {
        await handle.chmod(DATA_FILE_MODE);
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(this.#tempFile, this.file);
      await syncDirectory(dirname(this.file));
    } catch (error) {
      // A partly written temp file would hold space a full disk needs back.
      await unlink(this.#tempFile).catch(() => undefined);
      throw new PressgateError(
        'ERR_STORE_WRITE',
        `cannot write ${this.file}: ${(error as Error).message}; check free disk space and that the service user owns the data directory`,
        { cause: error },
      );
    }
  }
}

export function corrupt(file: string, why: string, cause?: unknown, hint?: string): PressgateError {
  return new PressgateError(
    'ERR_STORE_CORRUPT',
    `${file} is corrupt: ${why}. pressgate will not overwrite it; move it aside (or delete it) and restart${hint === undefined ? '' : `, ${hint}`}`,
    cause === undefined ? undefined : { cause },
  );
}

/** fsyncs a directory, so a rename or a new file in it survives a power cut. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export type JsonStore<T> = {
  db: Low<T>;
  adapter: JsonFileAdapter<T>;
};

/**
 * Opens `<dataDir>/<name>` as a lowdb database built by hand (the lowdb preset
 * swaps to memory under NODE_ENV=test and never fsyncs). A missing file is the
 * default value; a corrupt one rejects with ERR_STORE_CORRUPT.
 */
export async function openJsonStore<T>(options: {
  dataDir: string;
  name: string;
  defaultData: () => T;
  parse?: StoreParser<T>;
  corruptHint?: string;
}): Promise<JsonStore<T>> {
  await ensureDataDir(options.dataDir);
  const adapter = new JsonFileAdapter<T>({
    file: join(options.dataDir, options.name),
    ...(options.parse === undefined ? {} : { parse: options.parse }),
    ...(options.corruptHint === undefined ? {} : { corruptHint: options.corruptHint }),
  });
  const db = new Low<T>(adapter, options.defaultData());
  await db.read();
  return { db, adapter };
}
