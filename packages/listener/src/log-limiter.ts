import type { Logger } from 'pino';

export type LogLimiterOptions = {
  /** Lines of one kind logged back to back before limiting starts; default 50. */
  burst?: number;
  /** Lines of one kind per second after the burst; default 10, far above human pressing. */
  perSecond?: number;
  /** Kinds tracked at once; the least recently seen is forgotten past it; default 64. */
  maxKinds?: number;
  /** Clock; default Date.now. */
  nowMs?: () => number;
};

export const DEFAULT_LOG_BURST = 50;
export const DEFAULT_LOG_PER_SECOND = 10;

type Bucket = { tokens: number; refilledAtMs: number; suppressed: number };

/**
 * A token bucket per kind of log line (e.g. "gesture", "anomaly:orphan-up"): a stuck or
 * chattering button cannot flood the journal. Each kind may log `burst` lines at once and
 * `perSecond` after; what is held back is counted, and the next line of that kind that gets
 * through is preceded by one summary line "N similar lines suppressed" (and `flush` writes the
 * summaries still owed, e.g. at stop). Events and counters are never limited, only log lines.
 */
export class LogLimiter {
  readonly #logger: Logger;
  readonly #burst: number;
  readonly #perMs: number;
  readonly #maxKinds: number;
  readonly #nowMs: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(logger: Logger, options: LogLimiterOptions = {}) {
    this.#logger = logger;
    this.#burst = options.burst ?? DEFAULT_LOG_BURST;
    this.#perMs = (options.perSecond ?? DEFAULT_LOG_PER_SECOND) / 1000;
    this.#maxKinds = options.maxKinds ?? 64;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** Logs `line` unless its kind is over its rate; then it is only counted. */
  log(kind: string, level: 'info' | 'warn', fields: Record<string, unknown>, message: string): void {
    const bucket = this.#bucket(kind);
    if (bucket.tokens < 1) {
      bucket.suppressed += 1;
      return;
    }
    bucket.tokens -= 1;
    this.#summarise(kind, bucket);
    this.#logger[level](fields, message);
  }

  /** Writes the summary of every kind with suppressed lines not yet reported. */
  flush(): void {
    for (const [kind, bucket] of this.#buckets) this.#summarise(kind, bucket);
  }

  #summarise(kind: string, bucket: Bucket): void {
    if (bucket.suppressed === 0) return;
    const suppressed = bucket.suppressed;
    bucket.suppressed = 0;
    this.#logger.warn({ kind, suppressed }, `${suppressed} similar lines suppressed`);
  }

  #bucket(kind: string): Bucket {
    const now = this.#nowMs();
    let bucket = this.#buckets.get(kind);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKinds) this.#forgetOldest();
      bucket = { tokens: this.#burst, refilledAtMs: now, suppressed: 0 };
    } else {
      // Re-inserted so the map's order is least recently seen first.
      this.#buckets.delete(kind);
      const elapsedMs = Math.max(0, now - bucket.refilledAtMs);
      bucket.tokens = Math.min(this.#burst, bucket.tokens + elapsedMs * this.#perMs);
      bucket.refilledAtMs = now;
    }
    this.#buckets.set(kind, bucket);
    return bucket;
  }

  #forgetOldest(): void {
    const oldest = this.#buckets.entries().next().value;
    if (oldest === undefined) return;
    const [kind, bucket] = oldest;
    this.#summarise(kind, bucket);
    this.#buckets.delete(kind);
  }
}
