import { execFile } from 'node:child_process';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isPressgateError } from '@pressgate/protocol';
import { captureLogs, freshDir, readOutboxOnDisk, simpleEntry } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Outbox } from './outbox.js';
import { OUTBOX_JOURNAL_FILE, type OutboxEntry } from './outbox-file.js';

const run = promisify(execFile);
const isRoot = process.geteuid?.() === 0;

/** A real 3 MiB tmpfs (needs root), unmounted when the test finishes; undefined where it cannot be had. */
async function smallDisk(): Promise<string | undefined> {
  const dir = join(await freshDir('pressgate-full-disk-'), 'mnt');
  await mkdir(dir);
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0700', 'tmpfs', dir]);
  } catch {
    return undefined;
  }
  onTestFinished(async () => {
    await run('umount', ['-l', dir]).catch(() => undefined);
  });
  return dir;
}

/** Writes zeros until the disk is full, then gives back `leaveBytes`; returns the filler's path. */
async function fill(dir: string, leaveBytes = 0): Promise<string> {
  const file = join(dir, 'filler');
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    if (leaveBytes > 0) await handle.truncate(Math.max(0, (await handle.stat()).size - leaveBytes));
    await handle.close();
  }
  return file;
}

const ids = (entries: readonly OutboxEntry[]): string[] => entries.map((entry) => entry.messageId);

describe('outbox on a full disk (a real small tmpfs)', () => {
  it.runIf(isRoot)(
    'keeps every acknowledged add, folds the journal that filled the disk using its reserve, and closes without throwing',
    async () => {
      const disk = await smallDisk();
      if (disk === undefined) return expect.fail('could not mount a tmpfs although running as root');
      const dataDir = join(disk, 'data');
      const logs = captureLogs();
      // The journal never compacts by size here: only the full disk makes it.
      const outbox = new Outbox({ dataDir, logger: logs.logger, compactAtBytes: 64 * 1024 * 1024 });
      await outbox.open();
      onTestFinished(() => outbox.close());
      expect((await stat(join(dataDir, 'outbox.reserve'))).size).toBe(1024 * 1024);
      await fill(disk, 32 * 1024);

      // Adds until the disk refuses one: the journal is what filled the last of it.
      const acknowledged: OutboxEntry[] = [];
      let refusal: unknown;
      for (let i = 0; i < 10_000 && refusal === undefined; i += 1) {
        const entry = simpleEntry();
        await outbox.add(entry).then(
          () => acknowledged.push(entry),
          (error: unknown) => {
            refusal = error;
          },
        );
      }
      expect(isPressgateError(refusal, 'ERR_STORE_WRITE')).toBe(true);
      expect(acknowledged.length).toBeGreaterThan(0);

      // The next group is a compaction: it fits in the reserve's room and empties the journal.
      const after = simpleEntry();
      await outbox.add(after);
      expect((await stat(join(dataDir, OUTBOX_JOURNAL_FILE))).size).toBe(0);
      expect(logs.entries().map((entry) => entry.msg)).toContain(
        'disk full: used the outbox disk reserve to fold the journal',
      );
      expect(ids((await readOutboxOnDisk(dataDir)).pending)).toEqual(ids([...acknowledged, after]));

      // Still full (the filler stays): stopping does not throw.
      await outbox.close();
      const reopened = new Outbox({ dataDir, logger: captureLogs().logger });
      await reopened.open();
      onTestFinished(() => reopened.close());
      expect(ids(reopened.pending())).toEqual(ids([...acknowledged, after]));
    },
  );

  it.runIf(isRoot)(
    'close() on a full disk with no reserve left logs and resolves; the journal is replayed next time',
    async () => {
      const disk = await smallDisk();
      if (disk === undefined) return expect.fail('could not mount a tmpfs although running as root');
      const dataDir = join(disk, 'data');
      const logs = captureLogs();
      const outbox = new Outbox({ dataDir, logger: logs.logger, reserveBytes: 0 });
      await outbox.open();
      const kept = simpleEntry();
      await outbox.add(kept);
      const filler = await fill(disk);
      await expect(outbox.close()).resolves.toBeUndefined();
      expect(logs.entries().map((entry) => entry.msg)).toContain(
        'could not fold the outbox journal while stopping; it is replayed at the next start',
      );
      await rm(filler);
      const reopened = new Outbox({ dataDir, logger: captureLogs().logger });
      await reopened.open();
      onTestFinished(() => reopened.close());
      expect(ids(reopened.pending())).toEqual([kept.messageId]);
      expect(await readFile(join(dataDir, OUTBOX_JOURNAL_FILE), 'utf8')).toBe('');
    },
  );
});
