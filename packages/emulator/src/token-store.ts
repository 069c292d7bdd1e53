/**
 * Authorization codes, access tokens and refresh tokens as Login with Amazon keeps them.
 * Codes are single-use and expire; every refresh rotates the refresh token and the old one
 * stops working at once (no grace period: the client must always store the newest).
 * Access tokens stay valid until they expire, even after a refresh or a revocation.
 */
import { randomBytes } from 'node:crypto';
import type { LwaRejection } from './errors.js';

export type IssuedTokens = {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
};

export type TokenResult = { ok: true; tokens: IssuedTokens } | { ok: false; rejection: LwaRejection };

export type TokenStoreOptions = {
  accessTokenTtlSec: number;
  authorizationCodeTtlSec: number;
  now: () => number;
};

function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

function invalidGrant(description: string): TokenResult {
  return { ok: false, rejection: { status: 400, error: 'invalid_grant', description } };
}

export class TokenStore {
  readonly #options: TokenStoreOptions;
  readonly #codes = new Map<string, { expiresAtMs: number; used: boolean }>();
  readonly #accessTokens = new Map<string, number>();
  /** Live refresh tokens only; a rotated or revoked token is deleted. */
  readonly #refreshTokens = new Set<string>();

  constructor(options: TokenStoreOptions) {
    this.#options = options;
  }

  issueAuthorizationCode(): string {
    const code = randomToken('ANa');
    this.#codes.set(code, {
      expiresAtMs: this.#options.now() + this.#options.authorizationCodeTtlSec * 1000,
      used: false,
    });
    return code;
  }

  exchangeCode(code: string): TokenResult {
    const entry = this.#codes.get(code);
    if (!entry)
      return invalidGrant('The authorization code is unknown. Ask the user to link the skill again.');
    if (entry.used) {
      return invalidGrant('The authorization code was already used; codes are single-use. Exchange it once.');
    }
    entry.used = true;
    if (this.#options.now() >= entry.expiresAtMs) {
      return invalidGrant(
        `The authorization code expired (it lives ${this.#options.authorizationCodeTtlSec} s). Exchange it as soon as AcceptGrant arrives.`,
      );
    }
    return { ok: true, tokens: this.#issue() };
  }

  refresh(refreshToken: string): TokenResult {
    if (!this.#refreshTokens.delete(refreshToken)) {
      return invalidGrant(
        'The refresh token is unknown, revoked or was already rotated. Store the newest refresh token from every answer; the user must relink now.',
      );
    }
    return { ok: true, tokens: this.#issue() };
  }

  isLiveAccessToken(token: string): boolean {
    const expiresAtMs = this.#accessTokens.get(token);
    return expiresAtMs !== undefined && this.#options.now() < expiresAtMs;
  }

  /** Every refresh token stops working; returns how many were live. */
  revokeRefreshTokens(): number {
    const count = this.#refreshTokens.size;
    this.#refreshTokens.clear();
    return count;
  }

  /** Every access token stops working; returns how many were live. */
  expireAccessTokens(): number {
    let count = 0;
    for (const token of this.#accessTokens.keys()) if (this.isLiveAccessToken(token)) count += 1;
    this.#accessTokens.clear();
    return count;
  }

  clear(): void {
    this.#codes.clear();
    this.#accessTokens.clear();
    this.#refreshTokens.clear();
  }

  #issue(): IssuedTokens {
    const accessToken = randomToken('Atza|');
    const refreshToken = randomToken('Atzr|');
    this.#accessTokens.set(accessToken, this.#options.now() + this.#options.accessTokenTtlSec * 1000);
    this.#refreshTokens.add(refreshToken);
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: 'bearer',
      expires_in: this.#options.accessTokenTtlSec,
    };
  }
}
