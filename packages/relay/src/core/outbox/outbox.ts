import { join } from 'node:path';
import { PressgateError } from '@pressgate/protocol';
import { type Logger, pino } from 'pino';
import type { DeliveryRecord, OutboxCounts } from '../../ports.js';
import { DiskReserve, isNoSpace } from '../store/disk-reserve.js';
import { JournalFile, parseJournal, quarantineLines } from '../store/journal-file.js';
import { ensureDataDir, JsonFileAdapter } from '../store/json-file-store.js';
import {
  applyFinish,
  DEFAULT_FAILURE_LIMIT,
  DEFAULT_RECORD_LIMIT,
  deadLetterUnreadableTimes,
  emptyFile,
  OUTBOX_FILE,
  OUTBOX_JOURNAL_FILE,
  type OutboxEntry,
  OutboxFile,
  OutboxJournalLine,
  type RecordLimits,
  replayJournal,
  schemaParser,
} from './outbox-file.js';

const DEFAULT_COMPACT_AT_BYTES = 1024 * 1024;
const OUTBOX_RESERVE_FILE = 'outbox.reserve';
/** How long finish lines alone wait for an add's group to ride with, before they get their own. */
const DEFAULT_FINISH_FLUSH_MS = 10;

export type OutboxOptions = {
  dataDir: string;
  /** Finished records kept (delivered, expired, dead-lettered); default 200. */
  recordLimit?: number;
  /** Failure records kept apart from the deliveries (expired, dead_letter, relink_required); default 50. */
  failureLimit?: number;
  /** The journal is folded into outbox.json once it grows past this; default 1 MiB. */
  compactAtBytes?: number;
  /** Where a torn journal tail is reported; silent when omitted. */
  logger?: Logger;
  /** Finish lines with no add to ride with are written after at most this long; default 10 ms. */
  finishFlushMs?: number;
  /** Room kept on disk (`outbox.reserve`) for a compaction when the disk fills; default 1 MiB. */
  reserveBytes?: number;
};

/** `undo` takes a change back out of the in-memory state when its group could not be written. */
type Waiter = { resolve: () => void; reject: (error: unknown) => void; undo?: () => void };

/**
 * The durable outbox: a snapshot, `<dataDir>/outbox.json`, plus an append-only journal,
 * `<dataDir>/outbox.journal`, of the changes since it (one JSON line per add or finish).
 *
 * The state lives in memory. `add` and `finish` change it at once and queue their journal
 * line; a single writer appends everything queued as one group and fdatasyncs it (group
 * commit: one sync covers every change made while the previous group was on its way), then
 * resolves all of that group's callers. So `add` resolves only once its own event is on disk,
 * and the cost of a sync is shared by every event that arrived meanwhile. Nothing is
 * re-serialized per write: each change is stringified once, as its line. Only an add starts a
 * group at once: a finish (no caller is waiting to answer a listener) rides with the next add's
 * group, or gets its own after `finishFlushMs` when no add comes, so under load one sync per
 * group covers both, and an add never waits behind a sync made for finish lines alone.
 * `finish` still resolves only once its line is on disk.
 *
 * When the journal passes `compactAtBytes`, on open after a restart, and on close, the whole
 * state goes to outbox.json (temp file, fsync, rename, directory fsync) and the journal is
 * emptied. The snapshot records the last line it includes (`seq`), so a crash between the
 * rename and the truncation replays nothing twice. Opening replays the journal over the
 * snapshot; a torn last line (no newline: a crash mid-append; its caller was never answered)
 * is dropped with a warning, complete last lines of the wrong shape are kept aside in
 * `outbox.journal.quarantine` with a warning and a count, a damaged line before intact ones
 * refuses to start (ERR_STORE_CORRUPT), and an entry with an unreadable time is dead-lettered.
 *
 * The bounded finished records and totals (history for status, not a delivery guarantee) ride
 * in the same lines and snapshot; they cost one short line per event, never a rewrite.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  readonly #logger: Logger;
  #data: OutboxFile | undefined;
  #snapshot: JsonFileAdapter<OutboxFile> | undefined;
  #journal: JournalFile | undefined;
  #reserve: DiskReserve | undefined;
  #seq = 0;
  #lines: string[] = [];
  #waiters: Waiter[] = [];
  /** Adds queued since the last group was taken: they make the writer start at once. */
  #adds = 0;
  #finishTimer: NodeJS.Timeout | undefined;
  /** Set while the writer runs; resolves when it has written everything queued. */
  #writer: Promise<void> | undefined;
  /** A failed append may have left a partial line: the next group compacts instead. */
  #mustCompact = false;
  #closing: Promise<void> | undefined;

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'outbox' });
  }

  async open(): Promise<void> {
    if (this.#data !== undefined) return;
    const { dataDir } = this.#options;
    await ensureDataDir(dataDir);
    const snapshot = new JsonFileAdapter<OutboxFile>({
      file: join(dataDir, OUTBOX_FILE),
      parse: schemaParser(OutboxFile),
    });
    const data = (await snapshot.read()) ?? emptyFile();
    const journal = new JournalFile(join(dataDir, OUTBOX_JOURNAL_FILE));
    const text = await journal.open();
    try {
      const contents = parseJournal(journal.file, text, schemaParser(OutboxJournalLine));
      const seq = replayJournal(data, contents.lines, this.#limits);
      if (contents.tornTail !== undefined) {
        this.#logger.warn(
          { file: journal.file, ...contents.tornTail },
          'dropped a torn last line of the outbox journal (a crash mid-write; that change was never acknowledged)',
        );
      }
      if (contents.quarantined.length > 0) {
        const aside = await quarantineLines(journal.file, contents.quarantined);
        this.#logger.warn(
          { file: journal.file, quarantined: contents.quarantined.length, quarantineFile: aside },
          'complete outbox journal lines of the wrong shape were kept aside, not replayed: inspect the quarantine file',
        );
      }
      const deadLettered = deadLetterUnreadableTimes(data, this.#limits, Date.now());
      for (const record of deadLettered) {
        this.#logger.error(
          { messageId: record.messageId, endpointId: record.endpointId, code: record.code },
          'dead-lettered an outbox entry with an unreadable time',
        );
      }
      this.#data = data;
      this.#snapshot = snapshot;
      this.#journal = journal;
      this.#reserve = new DiskReserve(join(dataDir, OUTBOX_RESERVE_FILE), this.#options.reserveBytes);
      if (!(await this.#reserve.ensure())) {
        this.#logger.warn(
          { file: this.#reserve.file },
          'no room for the outbox disk reserve; free disk space',
        );
      }
      this.#seq = seq;
      this.#closing = undefined;
      if (journal.size > 0 || deadLettered.length > 0) {
        await this.#compact().catch((error: unknown) => {
          // A full disk at start: the journal stays as it is and the next group compacts.
          if (!isNoSpace(error)) throw error;
          this.#mustCompact = true;
          this.#logger.warn({ err: error }, 'disk full: the outbox journal is folded once space returns');
        });
      }
    } catch (error) {
      this.#data = undefined;
      await journal.close();
      throw error;
    }
  }

  /** Writes everything queued, folds it all into outbox.json, and closes. Idempotent. */
  close(): Promise<void> {
    if (this.#data === undefined) return Promise.resolve();
    this.#closing ??= (async () => {
      try {
        while (this.#writer !== undefined) await this.#writer;
        clearTimeout(this.#finishTimer);
        this.#finishTimer = undefined;
        // Queued finish lines are in the state: the compaction makes them durable.
        const waiters = this.#waiters;
        this.#lines = [];
        this.#waiters = [];
        try {
          await this.#compact();
        } catch (error) {
          // Stopping must not fail on a full disk: every acknowledged add is already in the
          // journal, which the next start replays. Only the queued finish lines are lost (those
          // events may be sent again).
          this.#logger.error(
            { err: error, unwrittenFinishes: waiters.length },
            'could not fold the outbox journal while stopping; it is replayed at the next start',
          );
          for (const waiter of waiters) waiter.reject(error);
          return;
        }
        for (const waiter of waiters) waiter.resolve();
      } finally {
        await this.#journal?.close();
        this.#data = undefined;
        this.#snapshot = undefined;
        this.#journal = undefined;
        this.#reserve = undefined;
      }
    })();
    return this.#closing;
  }

  get #limits(): RecordLimits {
    return {
      records: this.#options.recordLimit ?? DEFAULT_RECORD_LIMIT,
      failures: this.#options.failureLimit ?? DEFAULT_FAILURE_LIMIT,
    };
  }

  get isOpen(): boolean {
    return this.#data !== undefined;
  }

  pending(): readonly OutboxEntry[] {
    return this.#data?.pending ?? [];
  }

  /**
   * Resolves once the entry is on disk. When its write fails the entry is taken back out of
   * the state before anything else is written (the caller was told it failed: no phantom
   * pending event in status, and no later compaction may store it).
   */
  async add(entry: OutboxEntry): Promise<void> {
    const data = this.#require();
    data.pending.push(entry);
    await this.#commit({ add: entry }, () => {
      const index = data.pending.lastIndexOf(entry);
      if (index >= 0) data.pending.splice(index, 1);
    });
  }

  /** Removes the entry and keeps a bounded record; resolves once that is on disk. */
  async finish(record: DeliveryRecord): Promise<void> {
    applyFinish(this.#require(), record, this.#limits);
    await this.#commit({ finish: record });
  }

  counts(): OutboxCounts {
    const data = this.#data ?? emptyFile();
    return { pending: data.pending.length, ...data.totals };
  }

  /** Finished records, most recent first. */
  records(): readonly DeliveryRecord[] {
    return [...(this.#data ?? emptyFile()).finished].reverse() as DeliveryRecord[];
  }

  /** Failure records (expired, dead_letter, relink_required), most recent first; kept apart from deliveries. */
  failures(): readonly DeliveryRecord[] {
    return [...(this.#data ?? emptyFile()).failures].reverse() as DeliveryRecord[];
  }

  #commit(change: { add: OutboxEntry } | { finish: DeliveryRecord }, undo?: () => void): Promise<void> {
    this.#seq += 1;
    this.#lines.push(`${JSON.stringify({ s: this.#seq, ...change })}\n`);
    const done = new Promise<void>((resolve, reject) =>
      this.#waiters.push(undo === undefined ? { resolve, reject } : { resolve, reject, undo }),
    );
    if ('add' in change) {
      this.#adds += 1;
      this.#startWriter(false);
    } else if (this.#writer === undefined) this.#scheduleFinishFlush();
    return done;
  }

  /** Finish lines alone: written with the next add's group, or on their own after a short wait. */
  #scheduleFinishFlush(): void {
    this.#finishTimer ??= setTimeout(() => {
      this.#finishTimer = undefined;
      this.#startWriter(true);
    }, this.#options.finishFlushMs ?? DEFAULT_FINISH_FLUSH_MS);
  }

  #startWriter(force: boolean): void {
    clearTimeout(this.#finishTimer);
    this.#finishTimer = undefined;
    // Started on the next turn of the event loop, so changes made by every callback that is
    // ready now (requests that arrived together) share the first group as well.
    this.#writer ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.#writeGroups(force),
    );
  }

  /**
   * The single writer: one durable append (or one compaction) per group, while an add is
   * queued (or once when `force`d for finish lines alone); everything queued goes in the group.
   */
  async #writeGroups(force: boolean): Promise<void> {
    try {
      for (let forced = force; this.#waiters.length > 0 && (forced || this.#adds > 0); forced = false) {
        const text = this.#lines.join('');
        const waiters = this.#waiters;
        this.#lines = [];
        this.#waiters = [];
        this.#adds = 0;
        try {
          const journal = this.#journal as JournalFile;
          const compactAt = this.#options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES;
          // The in-memory state already holds this group, so a compaction makes it durable too.
          if (this.#mustCompact || journal.size + text.length > compactAt) await this.#compact();
          else await journal.append(text);
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          this.#mustCompact = true;
          // Undone before the next group (a compaction of the whole state) can store them.
          for (const waiter of waiters) waiter.undo?.();
          for (const waiter of waiters) waiter.reject(error);
        }
      }
    } finally {
      // Synchronous with the last check of the loop: no change can slip in unwritten.
      this.#writer = undefined;
      if (this.#waiters.length > 0) this.#scheduleFinishFlush();
    }
  }

  /** The whole state to outbox.json (durably), then an empty journal. */
  async #compact(): Promise<void> {
    const data = this.#data;
    const snapshot = this.#snapshot;
    const journal = this.#journal;
    if (data === undefined || snapshot === undefined || journal === undefined) return;
    data.seq = this.#seq;
    try {
      await snapshot.write(data);
    } catch (error) {
      // A full disk: the reserve's space takes the snapshot, then the journal is emptied.
      if (!(isNoSpace(error) && (await this.#reserve?.release()) === true)) throw error;
      this.#logger.warn('disk full: used the outbox disk reserve to fold the journal');
      await snapshot.write(data);
    }
    await journal.truncate();
    this.#mustCompact = false;
    await this.#reserve?.ensure();
  }

  #require(): OutboxFile {
    if (this.#data === undefined || this.#closing !== undefined) {
      throw new PressgateError('ERR_RELAY_NOT_STARTED', 'the outbox is not open; start the relay first');
    }
    return this.#data;
  }
}
