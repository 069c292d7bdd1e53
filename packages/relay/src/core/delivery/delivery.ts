import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { DeliveryRecord } from '../../ports.js';
import { ageOrigin } from '../ingest/event-time.js';
import type { Outbox } from '../outbox/outbox.js';
import type { OutboxEntry } from '../outbox/outbox-file.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { insertByTime, isButtonEvent, isStateReport, laneOf, supersedes } from './delivery-lanes.js';
import { type Finished, logDeliveryRecord, toDeliveryRecord } from './delivery-record.js';
import { type AccessTokenSource, type EventSender, EventTrip, type TripDeps } from './event-trip.js';
import { DEFAULT_RATE_LIMIT, type RateLimit, RateLimiter } from './rate-limiter.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { SendSlots } from './send-slots.js';

export type DeliveryOptions = {
  outbox: Outbox;
  tokens: AccessTokenSource;
  gateway: EventSender;
  /** Puts the access token into the stored (token-free) message. */
  withScopeToken: (message: Record<string, unknown>, token: string) => unknown;
  /** Button events older than this (from their createdAt) are expired, never sent. Reports never expire. */
  maxEventAgeMs: number;
  /** Gateway requests in flight at once across all lanes; default 16. */
  maxInFlight?: number;
  /** Button events per endpoint: a token bucket; default burst 20, 120 per minute. */
  rateLimit?: RateLimit;
  logger: Logger;
  clock?: Clock;
  onRecord?: (record: DeliveryRecord) => void;
} & Partial<RetryPolicy>;

const DEFAULT_MAX_IN_FLIGHT = 16;

/**
 * Sends outbox entries to the gateway with the retry policy of docs/architecture.md, "Delivery
 * and ordering": a token, a send, and what the answer means, until the entry has an outcome.
 *
 * Ordering guarantee. Entries travel in lanes (see delivery-lanes.ts): one per button instance,
 * one per endpoint's connectivity reports, one for discovery reports. Within a lane one entry is
 * in flight at a time, in event-time order (ties in ingest order): the next is sent once the
 * gateway answered the previous one. Lanes never wait for each other, only for a free slot of
 * the `maxInFlight` bound on requests at the gateway. Nothing is promised between lanes.
 *
 * Durable without waiting: `enqueue` starts the send at once and resolves when the outbox
 * append is durable (the 202); the two run side by side. If the gateway accepts the event
 * before its append is durable and the process dies, the event is delivered and not in the
 * journal: nothing is lost. If the append became durable and the send was cut, the event is
 * pending on restart and is sent again with its original messageId: at most one duplicate per
 * crash, which Amazon drops by messageId. The finish write (removing the entry, keeping its
 * record) goes to the outbox's next group commit and may lag behind the next send.
 *
 * Reports are state: they never expire, and a newer report for the same endpoints replaces an
 * older one still waiting in its lane (recorded `superseded`). Button events above the
 * per-endpoint rate limit are not sent and are recorded `rate_limited`.
 */
export class Delivery {
  readonly #options: DeliveryOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #policy: RetryPolicy;
  readonly #slots: SendSlots;
  readonly #limiter: RateLimiter;
  readonly #lanes = new Map<string, OutboxEntry[]>();
  readonly #workers = new Map<string, Promise<void>>();
  /** Finish writes not yet on disk; stop waits for them. */
  readonly #finishing = new Set<Promise<void>>();
  /** Aborts waits (backoff, link) at once on stop. */
  #waitAbort = new AbortController();
  /** Aborts in-flight sends once the stop bound has passed. */
  #sendAbort = new AbortController();
  #running = false;
  /** What every trip of the current run uses (its signals are this run's); made once per start. */
  #tripDeps: TripDeps | undefined;

  constructor(options: DeliveryOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'delivery' });
    this.#clock = options.clock ?? systemClock;
    this.#policy = {
      minResendIntervalMs: options.minResendIntervalMs ?? DEFAULT_RETRY_POLICY.minResendIntervalMs,
      maxResends: options.maxResends ?? DEFAULT_RETRY_POLICY.maxResends,
      networkBackoffMs: options.networkBackoffMs ?? DEFAULT_RETRY_POLICY.networkBackoffMs,
    };
    this.#slots = new SendSlots(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    this.#limiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  }

  /** Resumes the entries already in the (open) outbox, with their original messageId. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#waitAbort = new AbortController();
    this.#sendAbort = new AbortController();
    this.#tripDeps = undefined;
    // Every send or wait in flight listens: no leak warning past ten lanes.
    setMaxListeners(0, this.#sendAbort.signal, this.#waitAbort.signal);
    const pending = this.#options.outbox.pending();
    if (pending.length > 0) this.#logger.info({ pending: pending.length }, 'resuming pending events');
    for (const entry of [...pending]) this.#schedule(entry);
  }

  /**
   * Writes the entry to the outbox and starts its send at once; resolves once the entry is
   * durable (the send does not wait for the disk, the caller's answer does). If the write
   * fails, the entry is taken out of its lane unless its send already started.
   */
  async enqueue(entry: OutboxEntry): Promise<void> {
    const durable = this.#options.outbox.add(entry);
    // add() queued the line synchronously or threw (rejected) before: schedule only a queued one.
    if (this.#running && this.#options.outbox.isOpen) this.#schedule(entry);
    try {
      await durable;
    } catch (error) {
      this.#withdraw(entry);
      throw error;
    }
  }

  /** Lanes with an entry on its way (sending, or waiting for a retry or a link). */
  get inFlight(): number {
    return this.#workers.size;
  }

  /** Stops retrying at once; waits up to `drainMs` for sends in flight, then aborts them. */
  async stop(drainMs = 5_000): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#waitAbort.abort();
    const workers = [...this.#workers.values()];
    const timer = setTimeout(() => this.#sendAbort.abort(), drainMs);
    await Promise.allSettled(workers);
    clearTimeout(timer);
    await Promise.allSettled([...this.#finishing]);
    this.#lanes.clear();
  }

  #schedule(entry: OutboxEntry): void {
    if (isButtonEvent(entry) && !this.#limiter.take(entry.endpointId, this.#clock.now())) {
      const { burst, perMinute } = this.#limiter.limit;
      this.#record(entry, {
        outcome: 'rate_limited',
        attempts: 0,
        code: 'ERR_OUTBOX_RATE_LIMITED',
        description: `more than ${burst} events at once or ${perMinute} per minute for this endpoint (alexa.rateLimit)`,
      });
      return;
    }
    const key = laneOf(entry);
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      lane = [];
      this.#lanes.set(key, lane);
    }
    const busy = this.#workers.has(key) ? 1 : 0;
    if (isStateReport(entry)) this.#supersedeIn(lane, entry, busy);
    insertByTime(lane, entry, busy);
    if (!this.#workers.has(key)) {
      const worker = this.#drain(key, lane).finally(() => this.#workers.delete(key));
      this.#workers.set(key, worker);
    }
  }

  /** Older reports still waiting in the lane that `newer` covers are finished as superseded. */
  #supersedeIn(lane: OutboxEntry[], newer: OutboxEntry, fixed: number): void {
    for (let index = lane.length - 1; index >= fixed; index -= 1) {
      const older = lane[index] as OutboxEntry;
      if (!supersedes(newer, older)) continue;
      lane.splice(index, 1);
      this.#record(older, {
        outcome: 'superseded',
        attempts: 0,
        description: `replaced by the newer ${newer.eventId} ${newer.messageId} before it was sent`,
      });
    }
  }

  /** Takes a not-yet-sent entry back out of its lane (its outbox write failed). */
  #withdraw(entry: OutboxEntry): void {
    const key = laneOf(entry);
    const lane = this.#lanes.get(key);
    if (lane === undefined) return;
    const index = lane.indexOf(entry);
    if (index > 0 || (index === 0 && !this.#workers.has(key))) lane.splice(index, 1);
  }

  async #drain(key: string, lane: OutboxEntry[]): Promise<void> {
    // The worker starts on its own turn: entries scheduled together are sorted before the first goes.
    await Promise.resolve();
    for (let entry = lane[0]; entry !== undefined && this.#running; entry = lane[0]) {
      const current = entry;
      try {
        const finished = await this.#deliver(current);
        if (finished === undefined) return;
        // Not awaited: the next event of this lane goes out while this one's finish is written.
        this.#record(current, finished);
      } catch (error) {
        this.#failed(error, current);
      }
      // The entry may have been withdrawn meanwhile: remove it, not whatever is first now.
      const index = lane.indexOf(current);
      if (index >= 0) lane.splice(index, 1);
    }
    if (lane.length === 0 && this.#lanes.get(key) === lane) this.#lanes.delete(key);
  }

  #failed(error: unknown, entry: OutboxEntry): void {
    this.#logger.error(
      { err: error, messageId: entry.messageId, endpointId: entry.endpointId },
      'delivery failed unexpectedly; the event stays in the outbox until the next start',
    );
  }

  /** Writes the outcome (not awaited by the caller; stop waits for it). */
  #record(entry: OutboxEntry, finished: Finished): void {
    const finishing = this.#finish(entry, finished)
      .catch((error: unknown) => this.#failed(error, entry))
      .finally(() => this.#finishing.delete(finishing));
    this.#finishing.add(finishing);
  }

  /** The event's outcome; undefined when stopped before one (the entry then stays pending). */
  #deliver(entry: OutboxEntry): Promise<Finished | undefined> {
    this.#tripDeps ??= {
      tokens: this.#options.tokens,
      gateway: this.#options.gateway,
      withScopeToken: this.#options.withScopeToken,
      maxEventAgeMs: this.#options.maxEventAgeMs,
      policy: this.#policy,
      clock: this.#clock,
      logger: this.#logger,
      isRunning: () => this.#running,
      waitSignal: this.#waitAbort.signal,
      sendSignal: this.#sendAbort.signal,
      slots: this.#slots,
    };
    const ageOriginMs = isStateReport(entry) ? Number.POSITIVE_INFINITY : ageOrigin(entry);
    return new EventTrip(this.#tripDeps, entry, ageOriginMs).run();
  }

  async #finish(entry: OutboxEntry, finished: Finished): Promise<void> {
    const record = toDeliveryRecord(entry, finished, this.#clock.now());
    await this.#options.outbox.finish(record);
    // A finish line is written with the next add's group: answering that add's caller comes
    // before this line's log and listeners (still before `stop` returns, which waits for this).
    await new Promise<void>((resolve) => setImmediate(resolve));
    logDeliveryRecord(this.#logger, record);
    try {
      this.#options.onRecord?.(record);
    } catch (error) {
      this.#logger.error({ err: error }, 'delivery listener threw');
    }
  }
}
