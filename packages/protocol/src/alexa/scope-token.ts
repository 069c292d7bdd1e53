import { PressgateError } from '../errors.js';
import type { AddOrUpdateReportMessage, DeleteReportMessage } from './discovery-messages.js';
import type { ChangeReportMessage } from './endpoint-health.js';
import type { SimpleEventMessage } from './simple-event.js';

/** Messages sent to the event gateway, which carry the access token in their body too. */
export type GatewayMessage =
  | SimpleEventMessage
  | ChangeReportMessage
  | AddOrUpdateReportMessage
  | DeleteReportMessage;

/**
 * A copy of `message` with `token` as its bearer scope: in `event.payload.scope`
 * for AddOrUpdateReport/DeleteReport, in `event.endpoint.scope` otherwise.
 * The relay builds and stores events without a token (the builders leave
 * `SCOPE_TOKEN_PLACEHOLDER`) and calls this at send time with the current
 * access token, which also replaces a stale one on a resend. The input is
 * not changed.
 */
export function withScopeToken<Message extends GatewayMessage>(message: Message, token: string): Message {
  if (token.length === 0) {
    throw new PressgateError(
      'ERR_ALEXA_SCOPE_TOKEN',
      'expected a non-empty access token for the message scope, got an empty string: pass the current LWA access token',
    );
  }
  const copy = structuredClone(message);
  const scope = { type: 'BearerToken' as const, token };
  const { event } = copy as GatewayMessage;
  if ('endpoint' in event) {
    event.endpoint.scope = scope;
  } else {
    event.payload.scope = scope;
  }
  return copy;
}
