import type { IngestResult } from '../ports.js';

/** How far ahead of the relay's clock a gesture's `at` may be (clock skew between hosts). */
export const MAX_FUTURE_SKEW_MS = 5_000;

export type EventTime = { ok: true; at: string } | Extract<IngestResult, { ok: false }>;

/**
 * The time a gesture's event carries: `at` when given (a UTC ISO time), else the receipt.
 * Counts from min(at, receipt): a slightly fast listener clock can neither push the delivery
 * deadline out nor give Amazon a timestamp from the future.
 */
export function eventTime(at: string | undefined, receivedAt: number): EventTime {
  const deviceAt = at === undefined ? receivedAt : Date.parse(at);
  if (!Number.isFinite(deviceAt)) {
    return {
      ok: false,
      code: 'ERR_INGEST_BAD_TIME',
      message: `expected at as a UTC ISO 8601 time ending in Z, got ${JSON.stringify(at)}; omit it to use the relay's time`,
    };
  }
  if (deviceAt - receivedAt > MAX_FUTURE_SKEW_MS) {
    return {
      ok: false,
      code: 'ERR_INGEST_FUTURE_TIME',
      message: `at ${at} is ${Math.round(deviceAt - receivedAt)} ms ahead of the relay's clock (${new Date(receivedAt).toISOString()}); at most ${MAX_FUTURE_SKEW_MS} ms of skew is accepted: run NTP on the listener and relay hosts`,
    };
  }
  return { ok: true, at: new Date(Math.min(deviceAt, receivedAt)).toISOString() };
}
