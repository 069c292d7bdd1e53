import { mkdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPressgateError } from '@pressgate/protocol';
import { captureLogs, freshDir, readOutboxOnDisk, simpleEntry, spawnCrashChild } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Outbox } from './outbox.js';
import { OUTBOX_FILE, OUTBOX_JOURNAL_FILE, type OutboxEntry } from './outbox-file.js';

async function openOutbox(
  dataDir: string,
  options: { compactAtBytes?: number; recordLimit?: number; failureLimit?: number } = {},
) {
  const logs = captureLogs();
  const outbox = new Outbox({ dataDir, logger: logs.logger, ...options });
  await outbox.open();
  onTestFinished(() => outbox.close());
  return { outbox, logs };
}

const line = (s: number, change: object): string => `${JSON.stringify({ s, ...change })}\n`;
const ids = (entries: readonly OutboxEntry[]): string[] => entries.map((entry) => entry.messageId);
const delivered = (entry: OutboxEntry) => ({
  messageId: entry.messageId,
  endpointId: entry.endpointId,
  eventId: entry.eventId,
  outcome: 'delivered' as const,
  status: 202,
  attempts: 1,
  latencyMs: 3,
  createdAt: entry.createdAt,
  finishedAt: new Date().toISOString(),
});

const finished = (entry: OutboxEntry, outcome: 'delivered' | 'expired' | 'dead_letter') => ({
  ...delivered(entry),
  outcome,
  ...(outcome === 'delivered' ? {} : { code: outcome === 'expired' ? 'ERR_OUTBOX_EXPIRED' : 'X' }),
});

describe('outbox', () => {
  it('takes a failed add back out of memory, so neither status nor a later write shows it', async () => {
    const dataDir = await freshDir();
    // Every group is a compaction (temp file, rename). The service usually runs as root, where a
    // read-only mode does not stop writes: a directory where the temp file goes does.
    const { outbox } = await openOutbox(dataDir, { compactAtBytes: 1 });
    const kept = simpleEntry();
    await outbox.add(kept);
    const blocker = join(dataDir, `.${OUTBOX_FILE}.tmp`);
    await mkdir(blocker);
    const lost = simpleEntry();
    const error = await outbox.add(lost).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isPressgateError(error, 'ERR_STORE_WRITE')).toBe(true);
    expect(ids(outbox.pending())).toEqual([kept.messageId]);
    expect(outbox.counts().pending).toBe(1);
    await rmdir(blocker);
    const next = simpleEntry();
    await outbox.add(next);
    expect(ids((await readOutboxOnDisk(dataDir)).pending)).toEqual([kept.messageId, next.messageId]);
    await outbox.close();
    const reopened = await openOutbox(dataDir);
    expect(ids(reopened.outbox.pending())).toEqual([kept.messageId, next.messageId]);
  });

  it('keeps the last failures in their own ring, whatever number of deliveries follow, across a reopen', async () => {
    const dataDir = await freshDir();
    const { outbox } = await openOutbox(dataDir, { recordLimit: 5, failureLimit: 2 });
    const entries = Array.from({ length: 23 }, () => simpleEntry());
    for (const entry of entries) await outbox.add(entry);
    const [e0, e1, e2] = entries as [OutboxEntry, OutboxEntry, OutboxEntry];
    await outbox.finish(finished(e0, 'dead_letter'));
    await outbox.finish(finished(e1, 'expired'));
    await outbox.finish(finished(e2, 'expired'));
    for (const entry of entries.slice(3)) await outbox.finish(finished(entry, 'delivered'));
    expect(outbox.records().map((record) => record.outcome)).toEqual(Array(5).fill('delivered'));
    expect(ids(outbox.failures() as unknown as OutboxEntry[])).toEqual([e2.messageId, e1.messageId]);
    expect(outbox.counts()).toEqual({
      pending: 0,
      delivered: 20,
      expired: 2,
      deadLetter: 1,
      rateLimited: 0,
      superseded: 0,
    });
    await outbox.close();
    const reopened = await openOutbox(dataDir, { recordLimit: 5, failureLimit: 2 });
    expect(ids(reopened.outbox.failures() as unknown as OutboxEntry[])).toEqual([e2.messageId, e1.messageId]);
    expect(reopened.outbox.records()).toHaveLength(5);
  });

  it('each of many concurrent adds is on disk when it resolves, and survives a reopen', async () => {
    const dataDir = await freshDir();
    const { outbox } = await openOutbox(dataDir);
    const entries = Array.from({ length: 120 }, (_unused, i) => simpleEntry(`endpoint-${i % 4}`));
    const missing: string[] = [];
    await Promise.all(
      entries.map(async (entry) => {
        await outbox.add(entry);
        const onDisk = await readOutboxOnDisk(dataDir);
        if (!ids(onDisk.pending).includes(entry.messageId)) missing.push(entry.messageId);
      }),
    );
    expect(missing).toEqual([]);
    const record = delivered(entries[0] as OutboxEntry);
    await outbox.finish(record);
    expect((await readOutboxOnDisk(dataDir)).pending).toHaveLength(119);
    await outbox.close();
    // Closed: everything folded into outbox.json, the journal empty.
    expect((await stat(join(dataDir, OUTBOX_JOURNAL_FILE))).size).toBe(0);
    const file = JSON.parse(await readFile(join(dataDir, OUTBOX_FILE), 'utf8'));
    expect(file.pending).toHaveLength(119);
    const reopened = await openOutbox(dataDir);
    expect(ids(reopened.outbox.pending())).toEqual(ids(entries.slice(1)));
    expect(reopened.outbox.counts()).toEqual({
      pending: 119,
      delivered: 1,
      expired: 0,
      deadLetter: 0,
      rateLimited: 0,
      superseded: 0,
    });
    expect(reopened.outbox.records()).toEqual([record]);
  });

  it('keeps every add that resolved when the process is SIGKILLed mid-burst', async () => {
    const dataDir = await freshDir();
    const killAfter = 40 + Math.floor(Math.random() * 160);
    const run = spawnCrashChild(['burst', dataDir, String(killAfter)]);
    expect(await run.exited).toBe('SIGKILL');
    const acknowledged = run.printed();
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);
    const { outbox } = await openOutbox(dataDir);
    const pending = new Set(ids(outbox.pending()));
    expect(
      acknowledged.filter((id) => !pending.has(id)),
      `killAfter ${killAfter}`,
    ).toEqual([]);
    // The burst went on past the kill point: some adds were still being written.
    expect(pending.size).toBeGreaterThanOrEqual(acknowledged.length);
  }, 30_000);

  it('folds the journal into outbox.json once it passes compactAtBytes', async () => {
    const dataDir = await freshDir();
    const { outbox } = await openOutbox(dataDir, { compactAtBytes: 4_000 });
    const entries = Array.from({ length: 30 }, () => simpleEntry());
    for (const entry of entries) await outbox.add(entry);
    for (const entry of entries.slice(0, 10)) await outbox.finish(delivered(entry));
    expect((await stat(join(dataDir, OUTBOX_JOURNAL_FILE))).size).toBeLessThanOrEqual(4_000);
    const snapshot = JSON.parse(await readFile(join(dataDir, OUTBOX_FILE), 'utf8'));
    expect(snapshot.pending.length).toBeGreaterThan(0);
    const onDisk = await readOutboxOnDisk(dataDir);
    expect(ids(onDisk.pending)).toEqual(ids(entries.slice(10)));
    expect(onDisk.totals.delivered).toBe(10);
  });

  it('drops a torn last journal line with a warning; earlier lines survive and the journal stays usable', async () => {
    const dataDir = await freshDir();
    const [a, b, c] = [simpleEntry(), simpleEntry(), simpleEntry()];
    const journal = join(dataDir, OUTBOX_JOURNAL_FILE);
    const torn = line(3, { add: c }).slice(0, 60);
    await writeFile(journal, line(1, { add: a }) + line(2, { add: b }) + torn);
    const { outbox, logs } = await openOutbox(dataDir);
    expect(ids(outbox.pending())).toEqual([a.messageId, b.messageId]);
    const warning = logs.entries().find((entry) => entry.level === 40);
    expect(warning).toMatchObject({ file: journal, line: 3, bytes: 60 });
    expect(String(warning?.msg)).toMatch(/torn/);
    // Reopening compacted it: the torn bytes are gone, a new add lands on a clean journal.
    await outbox.add(c);
    await outbox.close();
    const again = await openOutbox(dataDir);
    expect(ids(again.outbox.pending())).toEqual([a.messageId, b.messageId, c.messageId]);
    expect(again.logs.entries().filter((entry) => entry.level === 40)).toEqual([]);
  });

  it('refuses a journal damaged before intact lines, names it, and leaves it alone', async () => {
    const dataDir = await freshDir();
    const journal = join(dataDir, OUTBOX_JOURNAL_FILE);
    const text = `${line(1, { add: simpleEntry() })}{"s":2,"add":\n${line(3, { add: simpleEntry() })}`;
    await writeFile(journal, text);
    const error = await new Outbox({ dataDir }).open().catch((caught: unknown) => caught);
    expect(isPressgateError(error, 'ERR_STORE_CORRUPT')).toBe(true);
    expect((error as Error).message).toContain(journal);
    expect((error as Error).message).toMatch(/line 2/);
    expect(await readFile(journal, 'utf8')).toBe(text);
  });

  it('replays nothing twice after a crash between writing outbox.json and emptying the journal', async () => {
    const dataDir = await freshDir();
    const [a, b, c] = [simpleEntry(), simpleEntry(), simpleEntry()];
    const snapshot = {
      version: 1,
      seq: 3,
      pending: [b],
      finished: [delivered(a)],
      totals: { delivered: 1, expired: 0, deadLetter: 0, rateLimited: 0, superseded: 0 },
    };
    await writeFile(join(dataDir, OUTBOX_FILE), JSON.stringify(snapshot));
    await writeFile(
      join(dataDir, OUTBOX_JOURNAL_FILE),
      line(1, { add: a }) + line(2, { add: b }) + line(3, { finish: delivered(a) }) + line(4, { add: c }),
    );
    const { outbox } = await openOutbox(dataDir);
    expect(ids(outbox.pending())).toEqual([b.messageId, c.messageId]);
    expect(outbox.counts()).toEqual({
      pending: 2,
      delivered: 1,
      expired: 0,
      deadLetter: 0,
      rateLimited: 0,
      superseded: 0,
    });
  });
});
