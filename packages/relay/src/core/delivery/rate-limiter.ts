/** How many events one endpoint may send: `burst` at once, refilled at `perMinute`. */
export type RateLimit = { burst: number; perMinute: number };

export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 20, perMinute: 120 };

type Bucket = { tokens: number; at: number };

/**
 * A token bucket per key (the endpointId): each event takes one token; tokens come back at
 * `perMinute` up to `burst`. Buckets that are full again are forgotten, so the map stays as
 * small as the set of endpoints pressed in the last `burst / perMinute` minutes.
 */
export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit) {
    this.#limit = limit;
  }

  get limit(): RateLimit {
    return this.#limit;
  }

  /** Takes a token for `key` at `now` (epoch ms); false when the bucket is empty. */
  take(key: string, now: number): boolean {
    const { burst, perMinute } = this.#limit;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: now };
    const refilled = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) * perMinute) / 60_000);
    if (refilled < 1) {
      this.#buckets.set(key, { tokens: refilled, at: now });
      return false;
    }
    this.#buckets.set(key, { tokens: refilled - 1, at: now });
    this.#forgetFull(now);
    return true;
  }

  /** Drops buckets that have refilled completely: they hold nothing a new one would not. */
  #forgetFull(now: number): void {
    if (this.#buckets.size < 64) return;
    const { burst, perMinute } = this.#limit;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) * perMinute) / 60_000 >= burst) this.#buckets.delete(key);
    }
  }
}
