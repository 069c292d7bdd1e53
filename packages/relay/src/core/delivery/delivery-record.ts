import type { Logger } from 'pino';
import type { DeliveryOutcome, DeliveryRecord } from '../../ports.js';
import type { OutboxEntry } from '../outbox/outbox-file.js';

/** How a delivery ended, before the entry's ids and times are added. */
export type Finished = Omit<
  DeliveryRecord,
  'messageId' | 'endpointId' | 'eventId' | 'createdAt' | 'finishedAt' | 'latencyMs'
>;

const LEVEL: Record<DeliveryOutcome, 'info' | 'warn' | 'error'> = {
  delivered: 'info',
  expired: 'error',
  dead_letter: 'error',
  relink_required: 'error',
  rate_limited: 'warn',
  superseded: 'info',
} as const;

/** The record kept for a finished entry; latency counts from when it was enqueued. */
export function toDeliveryRecord(entry: OutboxEntry, finished: Finished, now: number): DeliveryRecord {
  return {
    messageId: entry.messageId,
    endpointId: entry.endpointId,
    eventId: entry.eventId,
    ...finished,
    latencyMs: Math.max(0, now - Date.parse(entry.enqueuedAt)),
    createdAt: entry.createdAt,
    finishedAt: new Date(now).toISOString(),
  };
}

/** One line per finished event: info when delivered, error for every other outcome. */
export function logDeliveryRecord(logger: Logger, record: DeliveryRecord): void {
  const fields = {
    endpointId: record.endpointId,
    eventId: record.eventId,
    messageId: record.messageId,
    outcome: record.outcome,
    status: record.status,
    code: record.code,
    description: record.description,
    latencyMs: record.latencyMs,
    attempts: record.attempts,
  };
  logger[LEVEL[record.outcome]](fields, `event ${record.outcome.replace('_', ' ')}`);
}

export type LastAnswer = { status?: number; code?: string; description?: string };

/** The code and description of the last answer, leaving out the absent ones. */
export function answerDetails(last: LastAnswer): { code?: string; description?: string } {
  const result: { code?: string; description?: string } = {};
  if (last.code !== undefined) result.code = last.code;
  if (last.description !== undefined) result.description = last.description;
  return result;
}

/** The record of an event that ran out of time, naming the last trouble seen. */
export function expiredOutcome(attempts: number, maxEventAgeMs: number, last: LastAnswer): Finished {
  return {
    outcome: 'expired',
    attempts,
    ...(last.status === undefined ? {} : { status: last.status }),
    code: 'ERR_OUTBOX_EXPIRED',
    description: `not delivered within maxEventAgeMs (${maxEventAgeMs} ms)${last.code === undefined ? '' : `; last: ${last.code}${last.description === undefined ? '' : ` ${last.description}`}`}`,
  };
}
