import { constants } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { openDataFile } from './data-dir.js';

/** Room kept for a compaction on a full disk; as large as the journal gets before one. */
export const DEFAULT_RESERVE_BYTES = 1024 * 1024;

/**
 * A file of zeros kept in the data directory so that a disk filled by something else (or by
 * the journal itself) still has room for the compaction that empties the journal: the store
 * deletes the reserve, writes its snapshot in the space that frees, truncates the journal, and
 * makes the reserve again. Space is really allocated (the zeros are written and synced), so a
 * filesystem cannot hand it out to anyone else meanwhile.
 */
export class DiskReserve {
  readonly file: string;
  readonly #bytes: number;
  #held = false;

  constructor(file: string, bytes = DEFAULT_RESERVE_BYTES) {
    this.file = file;
    this.#bytes = bytes;
  }

  /** True while the reserve is on disk at full size. */
  get held(): boolean {
    return this.#held;
  }

  /** Makes (or completes) the reserve; false when the disk has no room for it now. */
  async ensure(): Promise<boolean> {
    if (this.#held || this.#bytes <= 0) return this.#held;
    try {
      const handle = await openDataFile(this.file, constants.O_WRONLY | constants.O_CREAT);
      try {
        const { size } = await handle.stat();
        const chunk = Buffer.alloc(Math.min(64 * 1024, this.#bytes));
        for (let offset = size; offset < this.#bytes; ) {
          const length = Math.min(chunk.length, this.#bytes - offset);
          const { bytesWritten } = await handle.write(chunk, 0, length, offset);
          offset += bytesWritten;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.#held = true;
    } catch {
      // No room (or no file): the next compaction that succeeds tries again.
      await unlink(this.file).catch(() => undefined);
    }
    return this.#held;
  }

  /** Deletes the reserve, freeing its space; true when there was one to free. */
  async release(): Promise<boolean> {
    const had = this.#held;
    this.#held = false;
    await unlink(this.file).catch(() => undefined);
    return had;
  }
}

/** Whether a store error came from a full disk (or an exhausted quota). */
export function isNoSpace(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause !== undefined && depth < 4; depth += 1) {
    const code = (cause as { code?: unknown } | null)?.code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
    cause = (cause as { cause?: unknown } | null)?.cause;
  }
  return false;
}
