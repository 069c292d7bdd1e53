import { z } from 'zod';

/**
 * The Alexa event gateway per region. Tokens are per region: send to the user's.
 * See docs/alexa.md, "Event gateway".
 */
export const GATEWAY_URLS: Readonly<Record<'NA' | 'EU' | 'FE', string>> = Object.freeze({
  NA: 'https://api.amazonalexa.com/v3/events',
  EU: 'https://api.eu.amazonalexa.com/v3/events',
  FE: 'https://api.fe.amazonalexa.com/v3/events',
});
export type GatewayRegion = keyof typeof GATEWAY_URLS;

/** Login with Amazon's token endpoint (authorization_code and refresh_token grants). */
export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

/**
 * What the relay does about a gateway answer: `retry` (at most 3 more times,
 * at least 1 s apart), `refresh` (the access token once, then resend),
 * `relink` (stop sending; the user must link the skill again), `wrong_region` (stop sending;
 * the token belongs to another region's gateway: set alexa.region, or auto), `dead_letter`
 * (never resend; record the code and description).
 */
export type GatewayErrorCategory = 'retry' | 'refresh' | 'relink' | 'wrong_region' | 'dead_letter';

export type GatewayErrorInfo = { status: number; meaning: string; category: GatewayErrorCategory };

/**
 * The gateway's documented error codes (see docs/alexa.md, "Event gateway").
 * Statuses of the 403, 404 and 413 codes come from secondary sources: branch
 * on the code, not the status. The relay's delivery decides by this table;
 * the emulator keeps its own table of codes and statuses on purpose, so a
 * mistake here is not copied into the stand-in the relay is tested against.
 */
export const GATEWAY_ERROR_CODES = Object.freeze({
  INVALID_REQUEST_EXCEPTION: { status: 400, meaning: 'the message is malformed', category: 'dead_letter' },
  INVALID_ACCESS_TOKEN_EXCEPTION: {
    status: 401,
    meaning: 'the access token is expired or invalid (also once the user disabled the skill)',
    category: 'refresh',
  },
  SKILL_DISABLED_EXCEPTION: { status: 403, meaning: 'the user disabled the skill', category: 'relink' },
  SKILL_NEVER_ENABLED_EXCEPTION: {
    status: 403,
    meaning: 'the skill was never enabled in this region (wrong gateway region?)',
    category: 'wrong_region',
  },
  INSUFFICIENT_PERMISSION_EXCEPTION: {
    status: 403,
    meaning: 'the skill lacks the "Send Alexa Events" permission',
    category: 'relink',
  },
  ACCOUNT_NOT_FOUND_EXCEPTION: {
    status: 404,
    meaning: 'the account is gone, or the event was sent too late',
    category: 'relink',
  },
  SKILL_NOT_FOUND_EXCEPTION: {
    status: 404,
    meaning: 'the token was minted for another skill or skill stage',
    category: 'relink',
  },
  REQUEST_ENTITY_TOO_LARGE_EXCEPTION: {
    status: 413,
    meaning: 'the message is too large (at most 300 endpoints a request)',
    category: 'dead_letter',
  },
  THROTTLING_EXCEPTION: { status: 429, meaning: 'too many requests', category: 'retry' },
  INTERNAL_SERVICE_EXCEPTION: { status: 500, meaning: 'the gateway failed', category: 'retry' },
  SERVICE_UNAVAILABLE_EXCEPTION: { status: 503, meaning: 'the gateway is unavailable', category: 'retry' },
} as const satisfies Record<string, GatewayErrorInfo>);
export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_CODES;

/** The gateway's error body: `{"header":{"namespace":"System","name":"Exception",...},"payload":{code,description}}`. */
export const GatewayErrorBody = z.object({
  header: z.object({
    namespace: z.literal('System'),
    name: z.literal('Exception'),
    messageId: z.string().min(1),
  }),
  payload: z.object({ code: z.string().min(1), description: z.string() }),
});
export type GatewayErrorBody = z.infer<typeof GatewayErrorBody>;

/** True for a code in `GATEWAY_ERROR_CODES`. */
export function isGatewayErrorCode(code: string): code is GatewayErrorCode {
  return Object.hasOwn(GATEWAY_ERROR_CODES, code);
}

/**
 * What to do about a gateway answer: `success` for any 2xx (202 documented,
 * 204 seen); a known code decides by the table; otherwise the status does
 * (401 refresh, 403/404 relink, 429 and 5xx retry, other 4xx dead_letter).
 */
export function classifyGatewayResponse(status: number, code?: string): 'success' | GatewayErrorCategory {
  if (status >= 200 && status < 300) return 'success';
  if (code !== undefined && isGatewayErrorCode(code)) return GATEWAY_ERROR_CODES[code].category;
  if (status === 401) return 'refresh';
  if (status === 403 || status === 404) return 'relink';
  if (status === 429 || status >= 500) return 'retry';
  return 'dead_letter';
}
