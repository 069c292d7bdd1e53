import { type GatewayMessage, withScopeToken } from '@pressgate/protocol';

/**
 * The stored message with the access token as its scope, for one send. An event with an
 * endpoint (SimpleEvent, ChangeReport) gets a copy of just the path to its scope, not a deep
 * clone of the whole message (the input is not changed either way); discovery reports go
 * through the protocol's `withScopeToken`.
 */
export function scopedCopy(message: Record<string, unknown>, token: string): unknown {
  const event = message.event as { endpoint?: Record<string, unknown> } | undefined;
  if (token.length === 0 || event?.endpoint === undefined) {
    return withScopeToken(message as unknown as GatewayMessage, token);
  }
  const scope = { type: 'BearerToken', token };
  return { ...message, event: { ...event, endpoint: { ...event.endpoint, scope } } };
}
