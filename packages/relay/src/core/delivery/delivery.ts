import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { DeliveryRecord } from '../../ports.js';
import { ageOrigin } from '../ingest/event-time.js';
import type { Outbox } from '../outbox/outbox.js';
import type { OutboxEntry } from '../outbox/outbox-file.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { type Finished, logDeliveryRecord, toDeliveryRecord } from './delivery-record.js';
import { type AccessTokenSource, type EventSender, EventTrip } from './event-trip.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

export type DeliveryOptions = {
  outbox: Outbox;
  tokens: AccessTokenSource;
  gateway: EventSender;
  /** Puts the access token into the stored (token-free) message. */
  withScopeToken: (message: Record<string, unknown>, token: string) => unknown;
  /** Events older than this (from their createdAt) are expired, never sent. */
  maxEventAgeMs: number;
  logger: Logger;
  clock?: Clock;
  onRecord?: (record: DeliveryRecord) => void;
} & Partial<RetryPolicy>;

/**
 * Sends outbox entries to the gateway: one in flight per endpoint (in order),
 * different endpoints in parallel, with the retry policy of docs/architecture.md, "Delivery and
 * ordering": a token, a send, and what the answer means, until the event has an outcome.
 *
 * Once the gateway has answered an event, the next event of that endpoint is sent
 * at once; the finish write (removing the event from the outbox, keeping its record)
 * goes to the outbox's next group commit and may lag behind. The order of SENDS per
 * endpoint is what is kept. If the process dies after a send and before its finish
 * is on disk, the event is still pending on restart and is sent again with its
 * original messageId: delivery is at-least-once, and Amazon drops the duplicate by
 * messageId. `onRecord` (and the record in status) follows the finish write.
 */
export class Delivery {
  readonly #options: DeliveryOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #policy: RetryPolicy;
  readonly #queues = new Map<string, OutboxEntry[]>();
  readonly #workers = new Map<string, Promise<void>>();
  /** Finish writes not yet on disk; stop waits for them. */
  readonly #finishing = new Set<Promise<void>>();
  /** Aborts waits (backoff, link) at once on stop. */
  #waitAbort = new AbortController();
  /** Aborts in-flight sends once the stop bound has passed. */
  #sendAbort = new AbortController();
  #running = false;
  /** Bumped by every start: a kick-off deferred before a stop/start pair is dropped (start resumed it). */
  #generation = 0;

  constructor(options: DeliveryOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'delivery' });
    this.#clock = options.clock ?? systemClock;
    this.#policy = {
      minResendIntervalMs: options.minResendIntervalMs ?? DEFAULT_RETRY_POLICY.minResendIntervalMs,
      maxResends: options.maxResends ?? DEFAULT_RETRY_POLICY.maxResends,
      networkBackoffMs: options.networkBackoffMs ?? DEFAULT_RETRY_POLICY.networkBackoffMs,
    };
  }

  /** Resumes the entries already in the (open) outbox, with their original messageId. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#generation += 1;
    this.#waitAbort = new AbortController();
    this.#sendAbort = new AbortController();
    // Every send or wait in flight (one per endpoint) listens: no leak warning past ten endpoints.
    setMaxListeners(0, this.#sendAbort.signal, this.#waitAbort.signal);
    const pending = this.#options.outbox.pending();
    if (pending.length > 0) this.#logger.info({ pending: pending.length }, 'resuming pending events');
    for (const entry of pending) this.#schedule(entry);
  }

  /**
   * Writes the entry to the outbox, then schedules it. Resolves once it is durable.
   *
   * The send starts on the next turn of the event loop (setImmediate, in enqueue order, so the
   * order per endpoint holds): the caller's answer (the 202) is written first, and the send's
   * work (token, serialising, the gateway write) runs while the listener reads it, instead of
   * in front of it.
   */
  async enqueue(entry: OutboxEntry): Promise<void> {
    await this.#options.outbox.add(entry);
    if (!this.#running) return;
    const generation = this.#generation;
    setImmediate(() => {
      if (this.#running && this.#generation === generation) this.#schedule(entry);
    });
  }

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
    this.#queues.clear();
  }

  #schedule(entry: OutboxEntry): void {
    const key = entry.queue ?? entry.endpointId;
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      queue = [];
      this.#queues.set(key, queue);
    }
    queue.push(entry);
    if (!this.#workers.has(key)) {
      const worker = this.#drain(key, queue).finally(() => this.#workers.delete(key));
      this.#workers.set(key, worker);
    }
  }

  async #drain(key: string, queue: OutboxEntry[]): Promise<void> {
    for (let entry = queue[0]; entry !== undefined && this.#running; entry = queue[0]) {
      const current = entry;
      const failed = (error: unknown): void => {
        this.#logger.error(
          { err: error, messageId: current.messageId, endpointId: key },
          'delivery failed unexpectedly; the event stays in the outbox until the next start',
        );
      };
      try {
        const finished = await this.#deliver(current);
        if (finished === undefined) return;
        // Not awaited: the next event of this endpoint goes out while this one's finish is written.
        const finishing = this.#finish(current, finished)
          .catch(failed)
          .finally(() => this.#finishing.delete(finishing));
        this.#finishing.add(finishing);
      } catch (error) {
        failed(error);
      }
      queue.shift();
    }
    if (queue.length === 0) this.#queues.delete(key);
  }

  /** The event's outcome; undefined when stopped before one (the entry then stays pending). */
  #deliver(entry: OutboxEntry): Promise<Finished | undefined> {
    const trip = new EventTrip(
      {
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
      },
      entry,
      ageOrigin(entry),
    );
    return trip.run();
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
