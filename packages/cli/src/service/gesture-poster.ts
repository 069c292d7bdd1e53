import { setTimeout as delay } from 'node:timers/promises';
import type { Gesture } from '@pressgate/protocol';
import type { Logger } from 'pino';

export type GesturePosterOptions = {
  /** The relay's base URL, e.g. http://127.0.0.1:8787 */
  relayUrl: string;
  apiToken?: string;
  /** A gesture older than this is dropped, never posted (alexa.maxEventAgeMs). */
  maxEventAgeMs: number;
  logger: Logger;
  requestTimeoutMs?: number;
};

export type PostOutcome = { status: number } | { status: 'expired' | 'stopped' };

/**
 * `pressgate listen`'s way to the relay: POST /v1/gestures, retried with
 * backoff on network errors until the gesture is as old as maxEventAgeMs.
 * An HTTP answer (202, 404 unmapped, 400 malformed) is final and logged.
 */
export class GesturePoster {
  readonly #options: GesturePosterOptions;
  readonly #log: Logger;
  readonly #shutdown = new AbortController();

  constructor(options: GesturePosterOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'gesture-poster' });
  }

  async post(input: {
    remoteId: string;
    button: number;
    gesture: Gesture;
    atMs: number;
  }): Promise<PostOutcome> {
    const body = JSON.stringify({
      remoteId: input.remoteId,
      button: input.button,
      gesture: input.gesture,
      at: new Date(input.atMs).toISOString(),
    });
    const fields = { remoteId: input.remoteId, button: input.button, gesture: input.gesture };
    let backoffMs = 100;
    for (;;) {
      if (this.#shutdown.signal.aborted) return { status: 'stopped' };
      if (Date.now() - input.atMs >= this.#options.maxEventAgeMs) {
        this.#log.warn(
          { ...fields, maxEventAgeMs: this.#options.maxEventAgeMs },
          'gesture expired before the relay took it; not sent',
        );
        return { status: 'expired' };
      }
      try {
        const response = await fetch(gesturesUrl(this.#options.relayUrl), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.#options.apiToken === undefined
              ? {}
              : { authorization: `Bearer ${this.#options.apiToken}` }),
          },
          body,
          signal: AbortSignal.any([
            this.#shutdown.signal,
            AbortSignal.timeout(this.#options.requestTimeoutMs ?? 5_000),
          ]),
        });
        const text = await response.text();
        const answer = { ...fields, status: response.status, body: text.slice(0, 500) };
        if (response.status === 202) this.#log.info(answer, 'gesture accepted by the relay');
        else if (response.status === 404)
          this.#log.info(answer, 'gesture not mapped at the relay (not sent)');
        else this.#log.warn(answer, 'the relay refused the gesture');
        return { status: response.status };
      } catch (error) {
        if (this.#shutdown.signal.aborted) return { status: 'stopped' };
        this.#log.warn(
          { ...fields, err: error instanceof Error ? error.message : String(error), retryInMs: backoffMs },
          'relay not reachable; retrying',
        );
        await delay(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 2_000);
      }
    }
  }

  /** Abandon posts in flight; idempotent. */
  stop(): void {
    this.#shutdown.abort();
  }
}

/** `<relay>/v1/gestures`, keeping any path prefix of the relay URL (a reverse proxy's, say). */
export function gesturesUrl(relayUrl: string | URL): URL {
  const base = new URL(relayUrl);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/v1/gestures`;
  return base;
}
