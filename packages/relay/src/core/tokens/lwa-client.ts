import { PressgateError } from '@pressgate/protocol';
import { request } from 'undici';
import { readCappedText, UPSTREAM_BODY_LIMIT_BYTES } from '../shared/capped-body.js';

export type LwaTokens = {
  accessToken: string;
  /** Absent when a refresh answer left it out: RFC 6749 §6 says the previous one stays valid. */
  refreshToken: string | undefined;
  expiresInS: number;
};

/**
 * Longest access-token lifetime believed (one year; LWA grants one hour): anything longer,
 * negative or not a number is a broken answer, refused before it reaches the token file.
 */
export const MAX_EXPIRES_IN_S = 365 * 24 * 60 * 60;

export type LwaClientOptions = {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Per request; default 10 s. */
  requestTimeoutMs?: number;
};

const DEFAULT_TIMEOUT_MS = 10_000;
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

/**
 * Login with Amazon token endpoint client: authorization_code and
 * refresh_token grants. Failures reject with a PressgateError:
 * ERR_LWA_INVALID_GRANT, ERR_LWA_INVALID_CLIENT, ERR_LWA_UNAVAILABLE (network,
 * timeout, 5xx), ERR_LWA_BAD_RESPONSE. No token, code or secret ever appears in
 * an error.
 */
export class LwaClient {
  readonly #options: LwaClientOptions;

  constructor(options: LwaClientOptions) {
    this.#options = options;
  }

  exchangeCode(code: string, signal?: AbortSignal): Promise<LwaTokens> {
    return this.#post({ grant_type: 'authorization_code', code }, signal);
  }

  refresh(refreshToken: string, signal?: AbortSignal): Promise<LwaTokens> {
    return this.#post({ grant_type: 'refresh_token', refresh_token: refreshToken }, signal);
  }

  async #post(grant: Record<string, string>, shutdown?: AbortSignal): Promise<LwaTokens> {
    const form = new URLSearchParams({
      ...grant,
      client_id: this.#options.clientId,
      client_secret: this.#options.clientSecret,
    });
    const timeout = AbortSignal.timeout(this.#options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = shutdown === undefined ? timeout : AbortSignal.any([shutdown, timeout]);
    const url = this.#options.tokenUrl;
    let statusCode: number;
    let text: string;
    let truncated: boolean;
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': FORM_CONTENT_TYPE, accept: 'application/json' },
        body: form.toString(),
        signal,
      });
      statusCode = response.statusCode;
      // At most UPSTREAM_BODY_LIMIT_BYTES of any answer, then the connection is dropped.
      ({ text, truncated } = await readCappedText(response.body));
    } catch (error) {
      const why = timeout.aborted ? 'timed out' : (error as Error).message;
      throw new PressgateError(
        'ERR_LWA_UNAVAILABLE',
        `Login with Amazon at ${url} did not answer (${why}); check the network, then retry`,
        { cause: error },
      );
    }
    if (truncated) {
      // An answer this large is LWA misbehaving, not a refusal: retried like an outage.
      throw new PressgateError(
        'ERR_LWA_UNAVAILABLE',
        `Login with Amazon at ${url} answered ${statusCode} with a body over ${UPSTREAM_BODY_LIMIT_BYTES} bytes (ERR_LWA_BODY_TOO_LARGE); the relay read no more and dropped the connection, and retries later`,
        {
          cause: new PressgateError(
            'ERR_LWA_BODY_TOO_LARGE',
            `answer body over ${UPSTREAM_BODY_LIMIT_BYTES} bytes`,
          ),
        },
      );
    }
    const body = parseJson(text);
    const lwaError = typeof body?.error === 'string' ? body.error : undefined;
    if (statusCode >= 200 && statusCode < 300)
      return readTokens(url, body, grant.grant_type === 'refresh_token');
    if (statusCode >= 500) {
      throw new PressgateError(
        'ERR_LWA_UNAVAILABLE',
        `Login with Amazon at ${url} answered ${statusCode}; it is having trouble, retry later`,
      );
    }
    if (lwaError === 'invalid_grant') {
      throw new PressgateError(
        'ERR_LWA_INVALID_GRANT',
        `Login with Amazon refused the ${grant.grant_type} grant (invalid_grant, status ${statusCode}): it is invalid, expired or revoked; relink the skill in the Alexa app`,
      );
    }
    if (lwaError === 'invalid_client' || lwaError === 'unauthorized_client' || statusCode === 401) {
      throw new PressgateError(
        'ERR_LWA_INVALID_CLIENT',
        `Login with Amazon refused the client credentials (${lwaError ?? 'no error code'}, status ${statusCode}); set alexa.clientId and alexa.clientSecret to the skill's Alexa Client Id and Secret from its Permissions page`,
      );
    }
    throw new PressgateError(
      'ERR_LWA_BAD_RESPONSE',
      `Login with Amazon answered ${statusCode} (${lwaError ?? 'no error code'}) to the ${grant.grant_type} grant; expected 200 with tokens`,
    );
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function readTokens(url: string, body: Record<string, unknown> | undefined, isRefresh: boolean): LwaTokens {
  const accessToken = body?.access_token;
  const refreshToken = body?.refresh_token;
  const expiresIn = body?.expires_in;
  const refreshOk =
    (typeof refreshToken === 'string' && refreshToken !== '') || (isRefresh && refreshToken === undefined);
  if (typeof accessToken !== 'string' || accessToken === '' || !refreshOk || typeof expiresIn !== 'number') {
    const fields =
      body === undefined ? 'not a JSON object' : `fields ${Object.keys(body).join(', ') || 'none'}`;
    throw new PressgateError(
      'ERR_LWA_BAD_RESPONSE',
      `Login with Amazon at ${url} answered 2xx without access_token, refresh_token and expires_in (got ${fields}); check alexa.lwaTokenUrl`,
    );
  }
  if (!(Number.isFinite(expiresIn) && expiresIn > 0 && expiresIn <= MAX_EXPIRES_IN_S)) {
    throw new PressgateError(
      'ERR_LWA_BAD_RESPONSE',
      `Login with Amazon at ${url} answered an expires_in of ${String(expiresIn)} s; expected 1 to ${MAX_EXPIRES_IN_S} s (a token lifetime); check alexa.lwaTokenUrl`,
    );
  }
  return {
    accessToken,
    refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined,
    expiresInS: expiresIn,
  };
}
