import { z } from 'zod';

/**
 * Pieces every Alexa message shares: message ids, endpoint ids and the
 * bearer-token scope (see docs/alexa.md, "Directives").
 */

/** 1..127 characters of letters, digits and `-`; pressgate always mints a UUID v4. */
export const AlexaMessageId = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,127}$/, 'a messageId of 1 to 127 letters, digits or "-" (a UUID v4)');
export type AlexaMessageId = z.infer<typeof AlexaMessageId>;

/** A fresh messageId: a UUID v4 from the platform's crypto. */
export function newMessageId(): string {
  return globalThis.crypto.randomUUID();
}

/** Options of the builders that take positional arguments: a known messageId instead of a fresh one. */
export type MessageOptions = { messageId?: string | undefined };

/** Amazon's endpointId alphabet, 1..256 characters (pressgate's config keeps to `[A-Za-z0-9_-]`). */
export const AlexaEndpointId = z
  .string()
  .regex(/^[A-Za-z0-9_\-=#;:?@&]{1,256}$/, 'an endpointId of 1 to 256 letters, digits or _ - = # ; : ? @ &');
export type AlexaEndpointId = z.infer<typeof AlexaEndpointId>;

/** `{"type":"BearerToken","token":...}` with a real (non-empty) token: what the gateway accepts. */
export const BearerTokenScope = z.strictObject({
  type: z.literal('BearerToken'),
  token: z.string().min(1, 'a bearer token (withScopeToken fills the placeholder at send time)'),
});
export type BearerTokenScope = z.infer<typeof BearerTokenScope>;

/**
 * The token a message carries when it was built without one. The relay's
 * outbox stores events with this placeholder (no secret on disk) and
 * `withScopeToken` puts the current access token in at send time. It is the
 * empty string on purpose: Amazon requires a non-empty token, so a message
 * sent without filling it fails every message schema here and at the gateway
 * instead of reaching Amazon with a made-up token.
 */
export const SCOPE_TOKEN_PLACEHOLDER = '';

/** The scope object for `token`, or the placeholder scope when there is none yet. */
export function toBearerScope(token: string | undefined): BearerTokenScope {
  return { type: 'BearerToken', token: token ?? SCOPE_TOKEN_PLACEHOLDER };
}
