/** With LWA down, the last proactive try happens at least this long before expiry. */
const LAST_TRY_BEFORE_EXPIRY_MS = 1_000;
/** Proactive refreshes are at least this far apart (LWA handing out short-lived tokens must not cause a loop). */
const MIN_REFRESH_INTERVAL_MS = 30_000;
/** Backoff between proactive refresh attempts while LWA is down. */
export const DEFAULT_REFRESH_RETRY_MS = { initial: 5_000, max: 60_000 };

export type RefreshWaitInput = {
  now: number;
  /** Epoch ms the access token expires; `now` when unknown. */
  expiresAt: number;
  refreshAheadMs: number;
  /** Clock time of the last token exchange or refresh in this process. */
  savedAt: number | undefined;
  /** Set when the last attempt failed: retry after this long. */
  retryInMs?: number;
};

/**
 * How long the proactive refresh waits: `refreshAheadMs` before expiry (never sooner than
 * MIN_REFRESH_INTERVAL_MS after the last save), or `retryInMs` after a failure, but a retry
 * never waits past the expiry: one more try a second before the token is gone. Capped so a
 * long wait stays within setTimeout's range; an early wake just re-arms.
 */
export function refreshWaitMs(input: RefreshWaitInput): number {
  const { now, retryInMs } = input;
  const untilExpiryMs = input.expiresAt - now;
  let dueInMs = Math.max(
    untilExpiryMs - input.refreshAheadMs,
    input.savedAt === undefined ? 0 : input.savedAt + MIN_REFRESH_INTERVAL_MS - now,
  );
  if (retryInMs !== undefined) {
    dueInMs =
      untilExpiryMs > LAST_TRY_BEFORE_EXPIRY_MS
        ? Math.min(retryInMs, untilExpiryMs - LAST_TRY_BEFORE_EXPIRY_MS)
        : retryInMs;
  }
  return Math.min(Math.max(0, dueInMs), 2 ** 31 - 1);
}

/** The backoff before the next proactive attempt after `failedInARow` failures (1 or more). */
export function refreshRetryMs(failedInARow: number, retry = DEFAULT_REFRESH_RETRY_MS): number {
  return Math.min(retry.max, retry.initial * 2 ** (failedInARow - 1));
}
