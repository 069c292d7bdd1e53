import { classifyGatewayResponse, isPressgateError } from '@pressgate/protocol';
import type { Logger } from 'pino';
import type { LinkStatus } from '../../ports.js';
import type { OutboxEntry } from '../outbox/outbox-file.js';
import type { Clock } from '../shared/clock.js';
import { answerDetails, expiredOutcome, type Finished, type LastAnswer } from './delivery-record.js';
import type { GatewayResult } from './gateway-client.js';
import { backoffMs, lastAnswerOf, noAnswerOf, type RetryPolicy } from './retry-policy.js';
import type { SendSlots } from './send-slots.js';

/** What delivery needs from the token manager. */
export interface AccessTokenSource {
  getAccessToken(signal?: AbortSignal): Promise<string>;
  invalidateAccessToken(rejectedToken?: string): void;
  markRelinkRequired(reason: string): Promise<void>;
  markWrongRegion(reason: string): Promise<void>;
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

/** What one event's tries use; Delivery gives them, with the signals of its current run. */
export type TripDeps = {
  tokens: AccessTokenSource;
  gateway: EventSender;
  /** Puts the access token into the stored (token-free) message. */
  withScopeToken: (message: Record<string, unknown>, token: string) => unknown;
  maxEventAgeMs: number;
  policy: RetryPolicy;
  clock: Clock;
  logger: Logger;
  isRunning: () => boolean;
  /** Aborts waits (backoff, link) at once on stop. */
  waitSignal: AbortSignal;
  /** Aborts sends in flight once the stop bound has passed. */
  sendSignal: AbortSignal;
  /** The bound on gateway requests in flight across all lanes. */
  slots: SendSlots;
};

/** Longest single wait for a link: an entry without a deadline (a report) looks again after it. */
const LINK_WAIT_MS = 60_000;

/** After a try: go round again, stop (the entry stays pending), or the event's outcome. */
type Next = 'again' | 'stopped' | Finished;

/**
 * One event's way to the gateway: a token, a send, and what the answer means, again and again
 * within the event's age budget (see docs/architecture.md, "Delivery and ordering"). Each step
 * below is one of those; the fields are what the tries have met so far.
 */
export class EventTrip {
  readonly #deps: TripDeps;
  readonly #entry: OutboxEntry;
  /** Epoch ms past which the event is expired, never sent. */
  readonly #deadline: number;
  #attempts = 0;
  /** Resends the gateway asked for (429, 5xx). */
  #resends = 0;
  #refreshedAfter401 = false;
  /** Set when a backoff or resend interval would end at or past the deadline: no try is left. */
  #outOfTime = false;
  /** Tries without an answer in a row (network, timeout, token refresh), for the backoff. */
  #failures = 0;
  #last: LastAnswer = {};

  constructor(deps: TripDeps, entry: OutboxEntry, ageOriginMs: number) {
    this.#deps = deps;
    this.#entry = entry;
    this.#deadline = ageOriginMs + deps.maxEventAgeMs;
  }

  /** The event's outcome; undefined when stopped before one (the entry then stays pending). */
  async run(): Promise<Finished | undefined> {
    const { clock, maxEventAgeMs, isRunning } = this.#deps;
    while (isRunning()) {
      if (this.#outOfTime || clock.now() >= this.#deadline) {
        return expiredOutcome(this.#attempts, maxEventAgeMs, this.#last);
      }
      const token = await this.#accessToken();
      if (token === undefined) continue;
      const next = await this.#attempt(token);
      if (next === 'stopped') return undefined;
      if (next !== 'again') return next;
    }
    return undefined;
  }

  /** A token for this try; undefined after waiting for the link or a backoff (or when stopped). */
  async #accessToken(): Promise<string | undefined> {
    const { tokens, waitSignal, isRunning } = this.#deps;
    try {
      return await tokens.getAccessToken(waitSignal);
    } catch (error) {
      if (!isRunning()) return undefined;
      if (
        isPressgateError(error, 'ERR_LINK_UNLINKED') ||
        isPressgateError(error, 'ERR_LINK_RELINK_REQUIRED') ||
        isPressgateError(error, 'ERR_LINK_WRONG_REGION')
      ) {
        this.#last = { code: error.code, description: 'no usable Alexa link' };
        await this.#waitForLink();
        return undefined;
      }
      this.#last = {
        code: isPressgateError(error) ? error.code : 'ERR_LWA_UNAVAILABLE',
        description: 'token refresh failed',
      };
      await this.#backOff({ code: this.#last.code }, 'no access token; retrying');
      return undefined;
    }
  }

  /** One send within the time the event has left, and what to do after it. */
  async #attempt(token: string): Promise<Next> {
    const { clock, gateway, withScopeToken, sendSignal, slots } = this.#deps;
    // Checked again right before the attempt: getting a token may have taken a while.
    const remainingMs = this.#deadline - clock.now();
    if (remainingMs <= 0) return 'again';
    this.#attempts += 1;
    // The request may not outlive the event: an answer after the deadline would be a late send.
    const message = withScopeToken(this.#entry.message, token);
    const timeoutMs = Number.isFinite(remainingMs) ? remainingMs : undefined;
    const result = await slots.run(() => gateway.send(message, token, sendSignal, timeoutMs));
    if (result.kind === 'aborted') return 'stopped';
    if (result.kind === 'network') {
      this.#last = noAnswerOf(result);
      const fields = { code: this.#last.code, attempts: this.#attempts };
      await this.#backOff(fields, 'gateway did not answer; retrying');
      return 'again';
    }
    this.#last = lastAnswerOf(result);
    return this.#afterAnswer(token, result.status);
  }

  /**
   * What the gateway's answer means for the event. One table (protocol's GATEWAY_ERROR_CODES)
   * decides, a known code winning over the status; see docs/alexa.md, "Event gateway".
   */
  async #afterAnswer(token: string, status: number): Promise<Next> {
    const { tokens, policy } = this.#deps;
    const attempts = this.#attempts;
    const last = this.#last;
    const answered = { attempts, status, ...answerDetails(last) };
    const fields = { status, code: last.code, attempts };
    switch (classifyGatewayResponse(status, last.code)) {
      case 'success':
        return { outcome: 'delivered', attempts, status };
      case 'refresh':
        if (!this.#refreshedAfter401) {
          this.#refreshedAfter401 = true;
          tokens.invalidateAccessToken(token);
          this.#warn(fields, 'gateway refused the access token; refreshing once');
          return 'again';
        }
        await tokens.markRelinkRequired(last.code ?? 'INVALID_ACCESS_TOKEN_EXCEPTION');
        return { outcome: 'relink_required', ...answered };
      case 'relink':
        await tokens.markRelinkRequired(last.code ?? `HTTP_${status}`);
        return { outcome: 'relink_required', ...answered };
      case 'wrong_region':
        // Not a broken link: relinking would not cure it. See docs/alexa.md, "Event gateway".
        await tokens.markWrongRegion(last.code ?? `HTTP_${status}`);
        return { outcome: 'dead_letter', ...answered };
      case 'retry':
        if (this.#resends >= policy.maxResends) return { outcome: 'dead_letter', ...answered };
        this.#resends += 1;
        this.#warn({ ...fields, retryInMs: policy.minResendIntervalMs }, 'gateway asked to resend');
        await this.#waitToRetry(policy.minResendIntervalMs);
        return 'again';
      default:
        return { outcome: 'dead_letter', ...answered };
    }
  }

  /** Counts a try without an answer, says so, and waits the backoff. */
  async #backOff(fields: object, msg: string): Promise<void> {
    this.#failures += 1;
    const retryInMs = backoffMs(this.#deps.policy, this.#failures);
    this.#warn({ ...fields, retryInMs }, msg);
    await this.#waitToRetry(retryInMs);
  }

  /**
   * Waits `ms` before the next try. A wait that would end at or past the deadline is not
   * waited: the trip ends now as expired. Sleeping to the deadline instead would leave a last
   * try squeezed into whatever a timer leaves of it, closer to the one before than the policy
   * allows, with a timeout too short to be answered.
   */
  async #waitToRetry(ms: number): Promise<void> {
    if (this.#deps.clock.now() + ms >= this.#deadline) {
      this.#outOfTime = true;
      return;
    }
    await this.#sleepUntil(this.#deps.clock.now() + ms, this.#deps.waitSignal);
  }

  /** Waits for a link change, the deadline, or stop. */
  async #waitForLink(): Promise<void> {
    const changed = new AbortController();
    const unsubscribe = this.#deps.tokens.onLinkChange(() => changed.abort());
    try {
      const until = Math.min(this.#deadline, this.#deps.clock.now() + LINK_WAIT_MS);
      await this.#sleepUntil(until, AbortSignal.any([changed.signal, this.#deps.waitSignal]));
    } finally {
      unsubscribe();
    }
  }

  /** Sleeps until `at` or the deadline, whichever comes first, or until `signal` aborts. */
  async #sleepUntil(at: number, signal: AbortSignal): Promise<void> {
    const ms = Math.min(at, this.#deadline) - this.#deps.clock.now();
    if (ms <= 0) return;
    await this.#deps.clock.sleep(ms, signal).catch(() => undefined);
  }

  /** Only the retry paths log, with the event's ids: no child logger per event. */
  #warn(fields: object, msg: string): void {
    const { messageId, endpointId } = this.#entry;
    this.#deps.logger.warn({ messageId, endpointId, ...fields }, msg);
  }
}
