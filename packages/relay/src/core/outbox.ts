import { PressgateError } from '@pressgate/protocol';
import { z } from 'zod';
import type { DeliveryRecord, OutboxCounts } from '../ports.js';
import { type JsonStore, openJsonStore } from './json-file-store.js';

export const OUTBOX_FILE = 'outbox.json';
const DEFAULT_RECORD_LIMIT = 200;

/** An event waiting for delivery. The message is stored without a token. */
export const OutboxEntry = z.object({
  messageId: z.string().min(1),
  /** Ordering key and the record's endpointId (several ids joined by "," for discovery reports). */
  endpointId: z.string(),
  /** SimpleEvent id, or the message name (ChangeReport, AddOrUpdateReport...). */
  eventId: z.string(),
  /** When the event happened (device time), ISO 8601 UTC; its age counts from here. */
  createdAt: z.string(),
  /** When it was written to the outbox, ISO 8601 UTC. */
  enqueuedAt: z.string(),
  message: z.record(z.string(), z.unknown()),
  /** Delivery order key when it is not the endpointId (discovery reports share one queue). */
  queue: z.string().optional(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

const DeliveryRecordSchema = z.object({
  messageId: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  outcome: z.enum(['delivered', 'expired', 'dead_letter', 'relink_required']),
  status: z.number().optional(),
  code: z.string().optional(),
  description: z.string().optional(),
  attempts: z.number(),
  latencyMs: z.number(),
  createdAt: z.string(),
  finishedAt: z.string(),
});

export const OutboxFile = z.object({
  version: z.literal(1),
  pending: z.array(OutboxEntry),
  /** Most recent last; bounded. */
  finished: z.array(DeliveryRecordSchema),
  totals: z.object({
    delivered: z.number(),
    expired: z.number(),
    deadLetter: z.number(),
  }),
});
export type OutboxFile = z.infer<typeof OutboxFile>;

export type OutboxOptions = {
  dataDir: string;
  /** Finished records kept (delivered, expired, dead-lettered); default 200. */
  recordLimit?: number;
};

/**
 * The durable outbox: `<dataDir>/outbox.json`. `add` resolves only once the
 * entry is on disk; `finish` removes it and keeps a bounded record.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  #store: JsonStore<OutboxFile> | undefined;

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  async open(): Promise<void> {
    if (this.#store !== undefined) return;
    this.#store = await openJsonStore<OutboxFile>({
      dataDir: this.#options.dataDir,
      name: OUTBOX_FILE,
      defaultData: () => ({
        version: 1,
        pending: [],
        finished: [],
        totals: { delivered: 0, expired: 0, deadLetter: 0 },
      }),
      parse: (value) => {
        const parsed = OutboxFile.safeParse(value);
        return parsed.success
          ? { ok: true, data: parsed.data }
          : { ok: false, reason: z.prettifyError(parsed.error) };
      },
    });
  }

  /** Waits for every write so far; the file then holds the current state. */
  async close(): Promise<void> {
    const store = this.#store;
    if (store === undefined) return;
    await store.db.write();
    this.#store = undefined;
  }

  get isOpen(): boolean {
    return this.#store !== undefined;
  }

  pending(): readonly OutboxEntry[] {
    return this.#data().pending;
  }

  async add(entry: OutboxEntry): Promise<void> {
    const store = this.#require();
    store.db.data.pending.push(entry);
    await store.db.write();
  }

  async finish(record: DeliveryRecord): Promise<void> {
    const store = this.#require();
    const data = store.db.data;
    data.pending = data.pending.filter((entry) => entry.messageId !== record.messageId);
    data.finished.push(record);
    const limit = this.#options.recordLimit ?? DEFAULT_RECORD_LIMIT;
    if (data.finished.length > limit) data.finished.splice(0, data.finished.length - limit);
    if (record.outcome === 'delivered') data.totals.delivered += 1;
    else if (record.outcome === 'expired') data.totals.expired += 1;
    else data.totals.deadLetter += 1;
    await store.db.write();
  }

  counts(): OutboxCounts {
    const data = this.#data();
    return { pending: data.pending.length, ...data.totals };
  }

  /** Finished records, most recent first. */
  records(): readonly DeliveryRecord[] {
    return [...this.#data().finished].reverse() as DeliveryRecord[];
  }

  #data(): OutboxFile {
    return (
      this.#store?.db.data ?? {
        version: 1,
        pending: [],
        finished: [],
        totals: { delivered: 0, expired: 0, deadLetter: 0 },
      }
    );
  }

  #require(): JsonStore<OutboxFile> {
    if (this.#store === undefined) {
      throw new PressgateError('ERR_RELAY_NOT_STARTED', 'the outbox is not open; start the relay first');
    }
    return this.#store;
  }
}
