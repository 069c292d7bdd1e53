import type { GatewayMessage } from '@pressgate/protocol';
import { z } from 'zod';
import type { StoreParser } from '../store/json-file-store.js';

export const OUTBOX_FILE = 'outbox.json';
export const OUTBOX_JOURNAL_FILE = 'outbox.journal';
export const DEFAULT_RECORD_LIMIT = 200;
/** Failure records (expired, dead_letter, relink_required) kept apart, so deliveries never push them out. */
export const DEFAULT_FAILURE_LIMIT = 50;

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

/** An outbox entry as built, before it is stamped with its enqueue time. */
export type PendingEntry = Omit<OutboxEntry, 'enqueuedAt' | 'message'> & { message: GatewayMessage };

const DeliveryRecordSchema = z.object({
  messageId: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  outcome: z.enum(['delivered', 'expired', 'dead_letter', 'relink_required', 'rate_limited', 'superseded']),
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
  /** The last journal line this snapshot includes; replay skips lines up to it. */
  seq: z.number().int().nonnegative().optional(),
  pending: z.array(OutboxEntry),
  /** Most recent last; bounded. */
  finished: z.array(DeliveryRecordSchema),
  /** Failures only, most recent last; bounded separately (absent in files before it existed). */
  failures: z.array(DeliveryRecordSchema).default([]),
  totals: z.object({
    delivered: z.number(),
    expired: z.number(),
    deadLetter: z.number(),
    /** Absent in files written before these outcomes existed. */
    rateLimited: z.number().default(0),
    superseded: z.number().default(0),
  }),
});
export type OutboxFile = z.infer<typeof OutboxFile>;

/** One change, one line of `outbox.journal`; `s` counts up across snapshots. */
export const OutboxJournalLine = z.union([
  z.object({ s: z.number().int().positive(), add: OutboxEntry }),
  z.object({ s: z.number().int().positive(), finish: DeliveryRecordSchema }),
]);
export type OutboxJournalLine = z.infer<typeof OutboxJournalLine>;

/** How many records of each kind are kept. */
export type RecordLimits = { records: number; failures: number };

export const emptyFile = (): OutboxFile => ({
  version: 1,
  pending: [],
  finished: [],
  failures: [],
  totals: { delivered: 0, expired: 0, deadLetter: 0, rateLimited: 0, superseded: 0 },
});

/**
 * Applies journal lines newer than the snapshot (`data.seq`) to it, in order; returns the
 * last sequence number now included.
 */
export function replayJournal(
  data: OutboxFile,
  lines: readonly OutboxJournalLine[],
  limits: RecordLimits | number,
): number {
  const from = data.seq ?? 0;
  let seq = from;
  for (const line of lines) {
    if (line.s <= from) continue;
    if ('add' in line) data.pending.push(line.add);
    else applyFinish(data, line.finish, limits);
    seq = Math.max(seq, line.s);
  }
  return seq;
}

export function applyFinish(
  data: OutboxFile,
  record: OutboxFile['finished'][number],
  limits: RecordLimits | number,
): void {
  const { records: recordLimit, failures: failureLimit } =
    typeof limits === 'number' ? { records: limits, failures: DEFAULT_FAILURE_LIMIT } : limits;
  // Entries finish roughly in the order they were added: the search ends near the front.
  const index = data.pending.findIndex((entry) => entry.messageId === record.messageId);
  if (index >= 0) data.pending.splice(index, 1);
  data.finished.push(record);
  if (data.finished.length > recordLimit) data.finished.splice(0, data.finished.length - recordLimit);
  if (record.outcome === 'superseded') {
    // Not a failure: the newer report carries the same state.
    data.totals.superseded += 1;
    return;
  }
  if (record.outcome !== 'delivered') {
    data.failures.push(record);
    if (data.failures.length > failureLimit) data.failures.splice(0, data.failures.length - failureLimit);
  }
  if (record.outcome === 'delivered') data.totals.delivered += 1;
  else if (record.outcome === 'expired') data.totals.expired += 1;
  else if (record.outcome === 'rate_limited') data.totals.rateLimited += 1;
  else data.totals.deadLetter += 1;
}

export function schemaParser<T>(schema: z.ZodType<T>): StoreParser<T> {
  return (value) => {
    const parsed = schema.safeParse(value);
    return parsed.success
      ? { ok: true, data: parsed.data }
      : { ok: false, reason: z.prettifyError(parsed.error) };
  };
}

/**
 * Pending entries whose `createdAt` or `enqueuedAt` is not a readable time cannot be aged, so
 * they would be retried on every start: dead-lettered here with the reason instead. Returns
 * the records made (the caller logs them and makes them durable).
 */
export function deadLetterUnreadableTimes(
  data: OutboxFile,
  limits: RecordLimits | number,
  now: number,
): OutboxFile['finished'] {
  const bad = data.pending.filter(
    (entry) =>
      !(Number.isFinite(Date.parse(entry.createdAt)) && Number.isFinite(Date.parse(entry.enqueuedAt))),
  );
  const records = bad.map((entry) => ({
    messageId: entry.messageId,
    endpointId: entry.endpointId,
    eventId: entry.eventId,
    outcome: 'dead_letter' as const,
    code: 'ERR_STORE_CORRUPT',
    description: `unreadable time in the outbox (createdAt ${JSON.stringify(entry.createdAt).slice(0, 40)}, enqueuedAt ${JSON.stringify(entry.enqueuedAt).slice(0, 40)}): its age cannot be known, so it is not sent`,
    attempts: 0,
    latencyMs: 0,
    createdAt: entry.createdAt,
    finishedAt: new Date(now).toISOString(),
  }));
  for (const record of records) applyFinish(data, record, limits);
  return records;
}
