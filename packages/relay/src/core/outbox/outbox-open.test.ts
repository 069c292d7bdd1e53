import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { captureLogs, freshDir, readOutboxOnDisk, simpleEntry } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Outbox } from './outbox.js';
import { OUTBOX_FILE, OUTBOX_JOURNAL_FILE, type OutboxEntry } from './outbox-file.js';

async function openOutbox(dataDir: string) {
  const logs = captureLogs();
  const outbox = new Outbox({ dataDir, logger: logs.logger });
  await outbox.open();
  onTestFinished(() => outbox.close());
  return { outbox, logs };
}

const line = (s: number, change: object): string => `${JSON.stringify({ s, ...change })}\n`;
const ids = (entries: readonly OutboxEntry[]): string[] => entries.map((entry) => entry.messageId);

describe('outbox opening: what a journal may hold', () => {
  it('drops a last line without its newline as torn, even when what is there parses', async () => {
    const dataDir = await freshDir();
    const [a, b] = [simpleEntry(), simpleEntry()];
    const journal = join(dataDir, OUTBOX_JOURNAL_FILE);
    // Every append writes its newline with it: a line without one was never acknowledged.
    await writeFile(journal, line(1, { add: a }) + line(2, { add: b }).trimEnd());
    const { outbox, logs } = await openOutbox(dataDir);
    expect(ids(outbox.pending())).toEqual([a.messageId]);
    expect(logs.entries().find((entry) => entry.level === 40)).toMatchObject({ line: 2 });
  });

  it('keeps a complete last line of the wrong shape aside (never dropped as torn), with a warning and a count', async () => {
    const dataDir = await freshDir();
    const a = simpleEntry();
    const journal = join(dataDir, OUTBOX_JOURNAL_FILE);
    const wrong = JSON.stringify({ s: 2, add: { messageId: 'got-a-202', endpointId: 'x' } });
    const notJson = '{"s":3,"add":{"messageId":"half';
    await writeFile(journal, `${line(1, { add: a })}${wrong}\n${notJson}\n`);
    const { outbox, logs } = await openOutbox(dataDir);
    expect(ids(outbox.pending())).toEqual([a.messageId]);
    const warning = logs.entries().find((entry) => entry.level === 40);
    expect(warning).toMatchObject({ quarantined: 2, quarantineFile: `${journal}.quarantine` });
    expect(String(warning?.msg)).toMatch(/kept aside/);
    expect(await readFile(`${journal}.quarantine`, 'utf8')).toBe(`${wrong}\n${notJson}\n`);
    // The journal was compacted; the kept lines stay in the quarantine file across a reopen.
    await outbox.close();
    const again = await openOutbox(dataDir);
    expect(ids(again.outbox.pending())).toEqual([a.messageId]);
    expect(await readFile(`${journal}.quarantine`, 'utf8')).toBe(`${wrong}\n${notJson}\n`);
  });

  it('dead-letters an entry whose createdAt cannot be read, once, with the reason', async () => {
    const dataDir = await freshDir();
    const good = simpleEntry();
    const bad = { ...simpleEntry(), createdAt: 'not a time' };
    const snapshot = {
      version: 1,
      pending: [bad, good],
      finished: [],
      totals: { delivered: 0, expired: 0, deadLetter: 0 },
    };
    await writeFile(join(dataDir, OUTBOX_FILE), JSON.stringify(snapshot));
    const { outbox, logs } = await openOutbox(dataDir);
    expect(ids(outbox.pending())).toEqual([good.messageId]);
    expect(outbox.failures()[0]).toMatchObject({
      messageId: bad.messageId,
      outcome: 'dead_letter',
      code: 'ERR_STORE_CORRUPT',
      description: expect.stringContaining('unreadable time'),
    });
    expect(logs.entries().filter((entry) => entry.messageId === bad.messageId)).toHaveLength(1);
    expect(ids((await readOutboxOnDisk(dataDir)).pending)).toEqual([good.messageId]);
    await outbox.close();
    const again = await openOutbox(dataDir);
    expect(again.outbox.counts()).toMatchObject({ pending: 1, deadLetter: 1 });
    expect(again.logs.entries().filter((entry) => (entry.level as number) >= 50)).toEqual([]);
  });
});
