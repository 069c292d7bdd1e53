/**
 * How far the relay trusts a listener's `at` (the wall-clock time the device saw a gesture;
 * see docs/architecture.md, "Device time"). This module is the only place that bounds it:
 *
 * - at intake (`eventTime`): `at` must be a UTC ISO time at most MAX_FUTURE_SKEW_MS ahead of the
 *   relay's clock (clock skew between hosts) and at most `alexa.maxEventAgeMs` behind it (an older
 *   event would never be sent: refused with 400 rather than taken with 202 and expired), else the
 *   gesture is refused; a slightly early one is clamped to the receipt, so Amazon never gets a timestamp from the future. Without `at` the
 *   receipt is the time. The result is the event's `createdAt`.
 * - in delivery (`ageOrigin`): an event's age counts from its `createdAt`, but never from later
 *   than when the relay took it (`enqueuedAt`), so a time stored on disk can never push the
 *   delivery deadline out either; an unreadable stored time falls back to the enqueue time.
 */
import type { IngestResult } from '../../ports.js';
import type { OutboxEntry } from '../outbox/outbox-file.js';

/** How far ahead of the relay's clock a gesture's `at` may be (clock skew between hosts). */
export const MAX_FUTURE_SKEW_MS = 5_000;

export type EventTime = { ok: true; at: string } | Extract<IngestResult, { ok: false }>;

/** The time a gesture's event carries: min(at, receipt), or a refusal naming the bound it broke. */
export function eventTime(at: string | undefined, receivedAt: number, maxEventAgeMs: number): EventTime {
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
  if (receivedAt - deviceAt > maxEventAgeMs) {
    return {
      ok: false,
      code: 'ERR_INGEST_BAD_TIME',
      message: `at ${at} is ${Math.round(receivedAt - deviceAt)} ms old, older than alexa.maxEventAgeMs (${maxEventAgeMs} ms), so it would never be sent; check the listener host's clock (NTP) and its queue`,
    };
  }
  return { ok: true, at: new Date(Math.min(deviceAt, receivedAt)).toISOString() };
}

/** Epoch ms an event's age counts from: min(createdAt, enqueuedAt), the enqueue time when createdAt is unreadable. */
export function ageOrigin(entry: Pick<OutboxEntry, 'createdAt' | 'enqueuedAt'>): number {
  const created = Date.parse(entry.createdAt);
  const enqueued = Date.parse(entry.enqueuedAt);
  if (!Number.isFinite(created)) return enqueued;
  return Number.isFinite(enqueued) ? Math.min(created, enqueued) : created;
}
