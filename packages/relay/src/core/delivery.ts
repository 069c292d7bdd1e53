import { setMaxListeners } from 'node:events';
import { classifyGatewayResponse, isPressgateError } from '@pressgate/protocol';
import type { Logger } from 'pino';
import type { DeliveryRecord, LinkStatus } from '../ports.js';
import { type Clock, systemClock } from './clock.js';
import {
  ageOrigin,
  answerDetails,
  expiredOutcome,
  type Finished,
  type LastAnswer,
  logDeliveryRecord,
  toDeliveryRecord,
} from './delivery-record.js';
import type { GatewayResult } from './gateway-client.js';
import type { Outbox, OutboxEntry } from './outbox.js';

/** What delivery needs from the token manager. */
export interface AccessTokenSource {
  getAccessToken(signal?: AbortSignal): Promise<string>;
  invalidateAccessToken(rejectedToken?: string): void;
  markRelinkRequired(reason: string): Promise<void>;
  onLinkChange(listener: (status: LinkStatus) => void): () => void;
}

/** What delivery needs from the gateway client. */
export interface EventSender {
  /**
   * `timeoutMs` bounds this one request (the event's remaining age budget); the sender uses
   * the smaller of it and its own request timeout.
   */
  send(message: unknown, token: string, signal?: AbortSignal, timeoutMs?: number): Promise<GatewayResult>;
}

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
  /** Amazon's rule: 1000 ms and 3; change only in tests that are about something else. */
  minResendIntervalMs?: number;
  maxResends?: number;
  networkBackoffMs?: { initial: number; max: number };
};

/**
 * Sends outbox entries to the gateway: one in flight per endpoint (in order),
 * different endpoints in parallel, with the retry policy of DESIGN.md.
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

  /** Undefined when stopped before an outcome; the entry then stays pending. */
  async #deliver(entry: OutboxEntry): Promise<Finished | undefined> {
    const { maxEventAgeMs } = this.#options;
    const minResendIntervalMs = this.#options.minResendIntervalMs ?? 1_000;
    const maxResends = this.#options.maxResends ?? 3;
    const backoff = this.#options.networkBackoffMs ?? { initial: 250, max: 5_000 };
    const deadline = ageOrigin(entry) + maxEventAgeMs;
    // No child logger per event: only the retry paths log, with the event's ids added there.
    const log = { warn: (fields: object, msg: string): void => this.#warnAbout(entry, fields, msg) };
    let attempts = 0;
    let resends = 0;
    let refreshedAfter401 = false;
    let failures = 0;
    let last: LastAnswer = {};
    const backoffMs = (): number => Math.min(backoff.max, backoff.initial * 2 ** Math.max(0, failures - 1));

    while (this.#running) {
      if (this.#clock.now() >= deadline) {
        return expiredOutcome(attempts, maxEventAgeMs, last);
      }
      let token: string;
      try {
        token = await this.#options.tokens.getAccessToken(this.#waitAbort.signal);
      } catch (error) {
        if (!this.#running) return undefined;
        if (
          isPressgateError(error, 'ERR_LINK_UNLINKED') ||
          isPressgateError(error, 'ERR_LINK_RELINK_REQUIRED')
        ) {
          last = { code: error.code, description: 'no usable Alexa link' };
          await this.#waitForLink(deadline);
        } else {
          failures += 1;
          last = {
            code: isPressgateError(error) ? error.code : 'ERR_LWA_UNAVAILABLE',
            description: 'token refresh failed',
          };
          log.warn({ code: last.code, retryInMs: backoffMs() }, 'no access token; retrying');
          await this.#sleepUntil(Math.min(this.#clock.now() + backoffMs(), deadline));
        }
        continue;
      }
      // Checked again right before the attempt: getting a token may have taken a while.
      const remainingMs = deadline - this.#clock.now();
      if (remainingMs <= 0) continue;
      attempts += 1;
      // The request may not outlive the event: an answer after the deadline would be a late send.
      const result = await this.#options.gateway.send(
        this.#options.withScopeToken(entry.message, token),
        token,
        this.#sendAbort.signal,
        remainingMs,
      );
      if (result.kind === 'aborted') return undefined;
      if (result.kind === 'network') {
        failures += 1;
        last = {
          code: result.reason === 'timeout' ? 'ERR_GATEWAY_TIMEOUT' : 'ERR_GATEWAY_NETWORK',
          description: result.message,
        };
        log.warn({ code: last.code, attempts, retryInMs: backoffMs() }, 'gateway did not answer; retrying');
        await this.#sleepUntil(Math.min(this.#clock.now() + backoffMs(), deadline));
        continue;
      }
      const { status } = result;
      last = { status };
      if (result.code !== undefined) last.code = result.code;
      if (result.description !== undefined) last.description = result.description;
      const answered = { attempts, status, ...answerDetails(last) };
      // One table (protocol's GATEWAY_ERROR_CODES) decides; a known code wins over the status.
      const category = classifyGatewayResponse(status, last.code);
      if (category === 'success') return { outcome: 'delivered', attempts, status };
      if (category === 'refresh') {
        if (!refreshedAfter401) {
          refreshedAfter401 = true;
          this.#options.tokens.invalidateAccessToken(token);
          log.warn(
            { status, code: last.code, attempts },
            'gateway refused the access token; refreshing once',
          );
          continue;
        }
        await this.#options.tokens.markRelinkRequired(last.code ?? 'INVALID_ACCESS_TOKEN_EXCEPTION');
        return { outcome: 'relink_required', ...answered };
      }
      if (category === 'relink') {
        await this.#options.tokens.markRelinkRequired(last.code ?? `HTTP_${status}`);
        return { outcome: 'relink_required', ...answered };
      }
      if (category === 'retry') {
        if (resends >= maxResends) return { outcome: 'dead_letter', ...answered };
        resends += 1;
        log.warn(
          { status, code: last.code, attempts, retryInMs: minResendIntervalMs },
          'gateway asked to resend',
        );
        await this.#sleepUntil(Math.min(this.#clock.now() + minResendIntervalMs, deadline));
        continue;
      }
      return { outcome: 'dead_letter', ...answered };
    }
    return undefined;
  }

  #warnAbout(entry: OutboxEntry, fields: object, msg: string): void {
    this.#logger.warn({ messageId: entry.messageId, endpointId: entry.endpointId, ...fields }, msg);
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

  async #sleepUntil(at: number): Promise<void> {
    const ms = at - this.#clock.now();
    if (ms <= 0) return;
    await this.#clock.sleep(ms, this.#waitAbort.signal).catch(() => undefined);
  }

  /** Waits for a link change, the deadline, or stop. */
  async #waitForLink(deadline: number): Promise<void> {
    const changed = new AbortController();
    const unsubscribe = this.#options.tokens.onLinkChange(() => changed.abort());
    try {
      await this.#sleepWith(deadline, AbortSignal.any([changed.signal, this.#waitAbort.signal]));
    } finally {
      unsubscribe();
    }
  }

  async #sleepWith(at: number, signal: AbortSignal): Promise<void> {
    const ms = at - this.#clock.now();
    if (ms <= 0) return;
    await this.#clock.sleep(ms, signal).catch(() => undefined);
  }
}

export { ageOrigin } from './delivery-record.js';
