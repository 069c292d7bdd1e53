import { isPressgateError, PressgateError } from '@pressgate/protocol';
import type { Logger } from 'pino';
import type { LinkStatus, TokenService } from '../../ports.js';
import { type Clock, systemClock } from '../shared/clock.js';
import type { JsonStore } from '../store/json-file-store.js';
import { codeOf, relinkError, wrongRegionError } from './link-errors.js';
import type { LwaClient, LwaTokens } from './lwa-client.js';
import { raceAbort } from './race-abort.js';
import { refreshRetryMs, refreshWaitMs } from './refresh-schedule.js';
import { linkStatusOf, openTokenFile, type TokenFile, WRONG_REGION_ADVICE } from './token-file.js';

const DEFAULT_REFRESH_AHEAD_MS = 5 * 60_000;
/** A token this close to expiry is never handed out, even when a refresh failed. */
const EXPIRY_SAFETY_MS = 30_000;

export type TokenManagerOptions = {
  dataDir: string;
  lwa: LwaClient;
  logger: Logger;
  clock?: Clock;
  /** Refresh this long before expiry; default 5 minutes. */
  refreshAheadMs?: number;
  /** Backoff between proactive refresh attempts while LWA fails; default 5 s doubling to 60 s. */
  refreshRetryMs?: { initial: number; max: number };
};

/**
 * Owns the LWA tokens in `<dataDir>/tokens.json`. Refreshes ahead of expiry
 * with one refresh at a time, keeps the newest refresh token, and turns
 * invalid_grant into `relink_required` until a later AcceptGrant.
 */
export class TokenManager implements TokenService {
  readonly #options: TokenManagerOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #listeners = new Set<(status: LinkStatus) => void>();
  #store: JsonStore<TokenFile> | undefined;
  #refreshing: Promise<string> | undefined;
  /** Bumped whenever the tokens are replaced, so a late refresh cannot undo a newer grant. */
  #generation = 0;
  #shutdown = new AbortController();
  /** The proactive refresh (ahead of expiry, or the next retry); cleared by stop(). */
  #timer: NodeJS.Timeout | undefined;
  /** Proactive refresh attempts that failed in a row (for the backoff). */
  #failedRefreshes = 0;
  /** Clock time of the last token exchange or refresh in this process. */
  #savedAt: number | undefined;

  constructor(options: TokenManagerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'tokens' });
    this.#clock = options.clock ?? systemClock;
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (this.#store !== undefined) return;
    this.#shutdown = new AbortController();
    const store = await openTokenFile(this.#options.dataDir);
    signal?.throwIfAborted();
    this.#store = store;
    if (store.db.data.wrongRegion === true) {
      // alexa.region may have been fixed since: the next send finds out again.
      delete store.db.data.relinkReason;
      delete store.db.data.wrongRegion;
      await store.db.write();
      this.#logger.info('cleared the wrong-region mark: the next send tries the configured region again');
    }
    this.#logger.info({ state: this.status().state }, 'token store opened');
    this.#scheduleRefresh();
  }

  async stop(): Promise<void> {
    if (this.#store === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#shutdown.abort(new PressgateError('ERR_RELAY_STOPPED', 'the relay is stopping'));
    await this.#refreshing?.catch(() => undefined);
    await this.#store.adapter.flush();
    this.#store = undefined;
  }

  status(): LinkStatus {
    return linkStatusOf(this.#store?.db.data);
  }

  onLinkChange(listener: (status: LinkStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async acceptGrant(code: string, signal?: AbortSignal): Promise<void> {
    this.#requireStore();
    const shutdown =
      signal === undefined ? this.#shutdown.signal : AbortSignal.any([signal, this.#shutdown.signal]);
    let tokens: LwaTokens;
    try {
      tokens = await this.#options.lwa.exchangeCode(code, shutdown);
    } catch (error) {
      this.#logger.error({ code: codeOf(error) }, 'AcceptGrant code exchange failed');
      throw error;
    }
    this.#generation += 1;
    await this.#save(tokens);
    this.#logger.info({ expiresAt: this.status().accessTokenExpiresAt }, 'linked: AcceptGrant tokens stored');
    this.#failedRefreshes = 0;
    this.#scheduleRefresh();
    this.#emit();
  }

  /**
   * A usable access token, refreshed when within `refreshAheadMs` of expiry.
   * Rejects ERR_LINK_UNLINKED, ERR_LINK_RELINK_REQUIRED, or an ERR_LWA_* error
   * when a needed refresh failed. Never returns an expired token.
   */
  async getAccessToken(signal?: AbortSignal): Promise<string> {
    const data = this.#requireStore().db.data;
    if (data.refreshToken === undefined) {
      throw new PressgateError(
        'ERR_LINK_UNLINKED',
        'no Alexa account is linked yet; enable the skill in the Alexa app so Alexa sends AcceptGrant',
      );
    }
    if (data.relinkReason !== undefined) {
      throw data.wrongRegion === true ? wrongRegionError(data.relinkReason) : relinkError(data.relinkReason);
    }
    const now = this.#clock.now();
    const expiresAt = data.accessTokenExpiresAt ?? 0;
    if (data.accessToken !== undefined && now < expiresAt - this.#refreshAheadMs()) return data.accessToken;
    const refreshing = this.#refreshing ?? this.#startRefresh();
    try {
      return await (signal === undefined ? refreshing : raceAbort(refreshing, signal));
    } catch (error) {
      // LWA down: a token that is still valid for a while is better than none.
      const current = this.#store?.db.data;
      if (
        isPressgateError(error, 'ERR_LWA_UNAVAILABLE') &&
        current?.accessToken !== undefined &&
        this.#clock.now() < (current.accessTokenExpiresAt ?? 0) - EXPIRY_SAFETY_MS
      ) {
        return current.accessToken;
      }
      throw error;
    }
  }

  /**
   * The gateway refused `rejectedToken` (401): the next getAccessToken
   * refreshes. Ignored when the token was already replaced, so a burst of 401s
   * causes one refresh.
   */
  invalidateAccessToken(rejectedToken?: string): void {
    const data = this.#store?.db.data;
    if (data?.accessToken === undefined) return;
    if (rejectedToken !== undefined && rejectedToken !== data.accessToken) return;
    data.accessTokenExpiresAt = 0;
  }

  /** The gateway says the link is gone (second 401, skill disabled, account not found). */
  async markRelinkRequired(reason: string): Promise<void> {
    const store = this.#requireStore();
    if (store.db.data.refreshToken === undefined || store.db.data.relinkReason !== undefined) return;
    store.db.data.relinkReason = reason;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await store.db.write();
    this.#logger.error(
      { reason },
      'relink required: sending stopped until the skill is relinked in the Alexa app',
    );
    this.#emit();
  }

  /**
   * The gateway of every region tried does not know this account: sending stops, status says
   * `wrong_region` with the fix, until a restart (alexa.region fixed) or a new AcceptGrant.
   */
  async markWrongRegion(reason: string): Promise<void> {
    const store = this.#requireStore();
    if (store.db.data.refreshToken === undefined || store.db.data.relinkReason !== undefined) return;
    store.db.data.relinkReason = reason;
    store.db.data.wrongRegion = true;
    await store.db.write();
    this.#logger.error({ reason }, `wrong region: sending stopped. ${WRONG_REGION_ADVICE}`);
    this.#emit();
  }

  #refreshAheadMs(): number {
    return this.#options.refreshAheadMs ?? DEFAULT_REFRESH_AHEAD_MS;
  }

  /**
   * Arms the proactive refresh: `refreshAheadMs` before expiry, or after `retryInMs` when the
   * last attempt failed. Nothing while unlinked, relink_required, or stopped.
   */
  #scheduleRefresh(retryInMs?: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const data = this.#store?.db.data;
    if (data?.refreshToken === undefined || data.relinkReason !== undefined) return;
    if (this.#shutdown.signal.aborted) return;
    const now = this.#clock.now();
    const waitMs = refreshWaitMs({
      now,
      expiresAt: data.accessTokenExpiresAt ?? now,
      refreshAheadMs: this.#refreshAheadMs(),
      savedAt: this.#savedAt,
      ...(retryInMs === undefined ? {} : { retryInMs }),
    });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#refreshAhead();
    }, waitMs);
    this.#timer.unref();
  }

  /** The timer's refresh: shares a lazy refresh already running; on failure retries with backoff. */
  async #refreshAhead(): Promise<void> {
    const data = this.#store?.db.data;
    if (data?.refreshToken === undefined || data.relinkReason !== undefined) return;
    if (this.#shutdown.signal.aborted) return;
    const expiresAt = data.accessTokenExpiresAt ?? 0;
    if (this.#clock.now() < expiresAt - this.#refreshAheadMs()) {
      this.#scheduleRefresh();
      return;
    }
    try {
      // A refresh that succeeds re-arms the timer for the new expiry (#refresh).
      await (this.#refreshing ?? this.#startRefresh());
    } catch (error) {
      if (this.#shutdown.signal.aborted || isPressgateError(error, 'ERR_LINK_RELINK_REQUIRED')) return;
      this.#failedRefreshes += 1;
      const retryInMs = refreshRetryMs(this.#failedRefreshes, this.#options.refreshRetryMs);
      this.#logger.warn(
        { code: codeOf(error), attempt: this.#failedRefreshes, retryInMs },
        'refresh ahead of expiry failed; retrying',
      );
      this.#scheduleRefresh(retryInMs);
    }
  }

  #startRefresh(): Promise<string> {
    const run = this.#refresh().finally(() => {
      if (this.#refreshing === run) this.#refreshing = undefined;
    });
    this.#refreshing = run;
    return run;
  }

  async #refresh(): Promise<string> {
    const store = this.#requireStore();
    const refreshToken = store.db.data.refreshToken;
    if (refreshToken === undefined) {
      throw new PressgateError('ERR_LINK_UNLINKED', 'no Alexa account is linked; enable the skill again');
    }
    const generation = this.#generation;
    let tokens: LwaTokens;
    try {
      tokens = await this.#options.lwa.refresh(refreshToken, this.#shutdown.signal);
    } catch (error) {
      if (isPressgateError(error, 'ERR_LWA_INVALID_GRANT') && generation === this.#generation) {
        await this.markRelinkRequired('invalid_grant');
        throw relinkError('invalid_grant');
      }
      this.#logger.warn({ code: codeOf(error) }, 'access token refresh failed');
      throw error;
    }
    if (generation !== this.#generation) {
      // A newer AcceptGrant replaced the tokens while this refresh ran.
      const current = store.db.data.accessToken;
      if (current !== undefined) return current;
    } else {
      this.#generation += 1;
      await this.#save(tokens);
      // Lazy or proactive: the next proactive refresh moves to the new expiry.
      this.#failedRefreshes = 0;
      this.#scheduleRefresh();
    }
    this.#logger.info({ expiresAt: this.status().accessTokenExpiresAt }, 'access token refreshed');
    return tokens.accessToken;
  }

  async #save(tokens: LwaTokens): Promise<void> {
    const store = this.#requireStore();
    const now = this.#clock.now();
    this.#savedAt = now;
    // A refresh answer without a refresh token keeps the previous one (RFC 6749 §6).
    const refreshToken = tokens.refreshToken ?? store.db.data.refreshToken;
    store.db.data = {
      version: 1,
      accessToken: tokens.accessToken,
      ...(refreshToken === undefined ? {} : { refreshToken }),
      accessTokenExpiresAt: now + tokens.expiresInS * 1000,
      updatedAt: new Date(now).toISOString(),
    };
    await store.db.write();
  }

  #emit(): void {
    const status = this.status();
    for (const listener of this.#listeners) {
      try {
        listener(status);
      } catch (error) {
        this.#logger.error({ err: error }, 'link listener threw');
      }
    }
  }

  #requireStore(): JsonStore<TokenFile> {
    if (this.#store === undefined) {
      throw new PressgateError(
        'ERR_RELAY_NOT_STARTED',
        'the token manager is not started; call start() first',
      );
    }
    return this.#store;
  }
}
