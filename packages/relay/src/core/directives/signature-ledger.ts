import { join } from 'node:path';
import { PressgateError, SIGNATURE_TOLERANCE_S } from '@pressgate/protocol';
import { type Logger, pino } from 'pino';
import { JournalFile, parseJournal, quarantineLines } from '../store/journal-file.js';
import { ensureDataDir, JsonFileAdapter, type StoreParser } from '../store/json-file-store.js';

export const SIGNATURES_FILE = 'signatures.journal';

/** Signatures remembered at most; far above what one Alexa account sends in 300 s. */
export const DEFAULT_LEDGER_MAX_ENTRIES = 10_000;
/** Past this size, a journal holding more dead lines than live ones is rewritten. */
export const DEFAULT_LEDGER_COMPACT_AT_BYTES = 64 * 1024;

export type SignatureLedgerOptions = {
  dataDir: string;
  /** How long (seconds) after its timestamp a signature is remembered; default SIGNATURE_TOLERANCE_S. */
  windowS?: number;
  /** Beyond this many live signatures the earliest recorded are forgotten first. */
  maxEntries?: number;
  compactAtBytes?: number;
  logger?: Logger;
};

/** One line of signatures.journal: the accepted v1 (lower-case hex) and its `t=`. */
type LedgerLine = { s: string; t: number };

const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;

const parseLine: StoreParser<LedgerLine> = (value) => {
  const line = value as Partial<LedgerLine> | null;
  if (typeof line !== 'object' || line === null) return { ok: false, reason: 'not an object' };
  if (typeof line.s !== 'string' || !SIGNATURE_PATTERN.test(line.s)) {
    return { ok: false, reason: '"s" is not 64 lower-case hex digits' };
  }
  if (!(Number.isSafeInteger(line.t) && (line.t as number) >= 0)) {
    return { ok: false, reason: '"t" is not whole unix seconds' };
  }
  return { ok: true, data: { s: line.s, t: line.t as number } };
};

const toLine = (signature: string, timestamp: number): string =>
  `${JSON.stringify({ s: signature, t: timestamp } satisfies LedgerLine)}\n`;

/**
 * The durable memory of accepted directive signatures, `<dataDir>/signatures.journal`
 * (0600, in the 0700 data dir): one JSON line `{"s":<hex>,"t":<unix s>}` per signature,
 * appended with O_DSYNC, so `record` resolves only once the line is on disk. A restarted
 * relay loads it and still refuses a request it accepted before, for as long as that
 * request's timestamp could pass the tolerance check (`t + windowS`).
 *
 * Bounded: entries past their window are dropped from memory as time passes; the file is
 * rewritten (temp file, fsync, rename, directory fsync) with only the live entries on open
 * when it holds dead or torn lines, and once it passes `compactAtBytes` with more dead
 * lines than live ones. A torn last line (a crash mid-append: that request was never
 * processed) is dropped with a warning; a damaged line before intact ones refuses to open
 * (ERR_STORE_CORRUPT). Records are written one at a time, in call order.
 */
export class SignatureLedger {
  readonly file: string;
  readonly #options: SignatureLedgerOptions;
  readonly #windowS: number;
  readonly #maxEntries: number;
  readonly #logger: Logger;
  /** signature -> its timestamp. Insertion ordered. */
  readonly #entries = new Map<string, number>();
  #journal: JournalFile | undefined;
  #rewriter: JsonFileAdapter<LedgerLine[]> | undefined;
  /** Lines in the file now, live or not. */
  #fileLines = 0;
  /** A failed append may have left a partial line: the next record rewrites the file instead. */
  #mustCompact = false;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(options: SignatureLedgerOptions) {
    this.#options = options;
    this.file = join(options.dataDir, SIGNATURES_FILE);
    this.#windowS = options.windowS ?? SIGNATURE_TOLERANCE_S;
    this.#maxEntries = options.maxEntries ?? DEFAULT_LEDGER_MAX_ENTRIES;
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'signature-ledger' });
  }

  /** Live signatures remembered now. */
  get size(): number {
    return this.#entries.size;
  }

  get isOpen(): boolean {
    return this.#journal !== undefined;
  }

  /** Loads the file (creating it), forgets what is past its window, rewrites it if it held any. */
  async open(nowUnixSeconds: number): Promise<void> {
    if (this.#journal !== undefined) return;
    await ensureDataDir(this.#options.dataDir);
    const journal = new JournalFile(this.file);
    const text = await journal.open();
    try {
      const contents = parseJournal(this.file, text, parseLine);
      if (contents.tornTail !== undefined) {
        this.#logger.warn(
          { file: this.file, ...contents.tornTail },
          'dropped a torn last line of the signature journal (a crash mid-write; that directive was never processed)',
        );
      }
      if (contents.quarantined.length > 0) {
        const aside = await quarantineLines(this.file, contents.quarantined);
        this.#logger.warn(
          { file: this.file, quarantined: contents.quarantined.length, quarantineFile: aside },
          'complete signature journal lines of the wrong shape were kept aside, not loaded',
        );
      }
      this.#entries.clear();
      for (const line of contents.lines) this.#remember(line.s, line.t);
      this.#evictExpired(nowUnixSeconds);
      this.#journal = journal;
      this.#rewriter = new JsonFileAdapter<LedgerLine[]>({
        file: this.file,
        serialize: (lines) => lines.map((line) => toLine(line.s, line.t)).join(''),
      });
      this.#fileLines = contents.lines.length;
      if (
        contents.tornTail !== undefined ||
        contents.quarantined.length > 0 ||
        this.#fileLines > this.#entries.size
      ) {
        await this.#compact();
      }
    } catch (error) {
      this.#journal = undefined;
      this.#entries.clear();
      await journal.close();
      throw error;
    }
    this.#logger.info({ remembered: this.#entries.size }, 'signature ledger opened');
  }

  /**
   * Records an accepted signature durably. Resolves `true` once its line is on disk (the
   * directive may now be processed), `false` when it is already recorded and still inside
   * its window (a replay: refuse it). Rejects with ERR_STORE_WRITE when the disk refuses,
   * ERR_RELAY_NOT_STARTED when the ledger is not open.
   */
  record(signature: string, timestamp: number, nowUnixSeconds: number): Promise<boolean> {
    const next = this.#chain.then(() => this.#recordNow(signature.toLowerCase(), timestamp, nowUnixSeconds));
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** Waits for records in flight, then closes the file. Idempotent. */
  async close(): Promise<void> {
    await this.#chain;
    const journal = this.#journal;
    this.#journal = undefined;
    this.#rewriter = undefined;
    this.#entries.clear();
    await journal?.close();
  }

  async #recordNow(signature: string, timestamp: number, nowUnixSeconds: number): Promise<boolean> {
    const journal = this.#journal;
    if (journal === undefined) {
      throw new PressgateError(
        'ERR_RELAY_NOT_STARTED',
        'the signature ledger is not open; start the relay first',
      );
    }
    this.#evictExpired(nowUnixSeconds);
    const known = this.#entries.get(signature);
    if (known !== undefined) return false;
    if (timestamp + this.#windowS < nowUnixSeconds) {
      // Outside the window already: the timestamp check refuses it; nothing to remember.
      return true;
    }
    this.#remember(signature, timestamp);
    try {
      if (this.#mustCompact) {
        await this.#compact();
      } else {
        await journal.append(toLine(signature, timestamp));
        this.#fileLines += 1;
      }
    } catch (error) {
      // Not durable, so not recorded: the caller refuses to process it.
      this.#entries.delete(signature);
      this.#mustCompact = true;
      throw error;
    }
    const compactAt = this.#options.compactAtBytes ?? DEFAULT_LEDGER_COMPACT_AT_BYTES;
    if ((this.#journal?.size ?? 0) > compactAt && this.#fileLines > 2 * this.#entries.size) {
      // Its own line is already durable: a failed rewrite only delays the shrinking.
      await this.#compact().catch((error: unknown) => {
        this.#mustCompact = true;
        this.#logger.warn({ err: error }, 'could not rewrite the signature journal; will retry');
      });
    }
    return true;
  }

  #remember(signature: string, timestamp: number): void {
    this.#entries.delete(signature);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(signature, timestamp);
  }

  #evictExpired(nowUnixSeconds: number): void {
    for (const [signature, timestamp] of this.#entries) {
      if (timestamp + this.#windowS < nowUnixSeconds) this.#entries.delete(signature);
    }
  }

  /** The live entries to a new file (atomically), then appends go to that file. */
  async #compact(): Promise<void> {
    const rewriter = this.#rewriter;
    const old = this.#journal;
    if (rewriter === undefined || old === undefined) return;
    const lines = [...this.#entries].map(([s, t]) => ({ s, t }));
    await rewriter.write(lines);
    // The old handle points at the replaced file: appends must go to the new one.
    const journal = new JournalFile(this.file);
    await journal.open();
    this.#journal = journal;
    await old.close();
    this.#fileLines = lines.length;
    this.#mustCompact = false;
    this.#logger.debug({ remembered: lines.length }, 'signature journal rewritten');
  }
}
