/**
 * The event gateway's decision for one request, without HTTP: content type, bearer token,
 * skill state, size, strict validation, bearer/scope match, known endpoints, timestamps.
 * Order of checks: content type, JSON, Authorization header, live token, skill enabled,
 * endpoint count, message schema, scope token = bearer, then what the event refers to.
 */
import { type GatewayRejection, gatewayRejection } from './errors.js';
import { type GatewayMessage, redactScope, validateGatewayMessage } from './gateway-message.js';
import type { EmulatorState } from './state.js';
import type { AcceptedEvent } from './types.js';

/** Largest body the gateway takes (1 MiB). */
export const MAX_BODY_BYTES = 1_048_576;
/** How far in the future a SimpleEvent timestamp may be (clock skew). */
export const MAX_FUTURE_SKEW_MS = 5_000;

export type GatewayInput = {
  contentType: string | undefined;
  authorization: string | undefined;
  body: Buffer | undefined;
  /** The body parsed as JSON, when it is JSON. */
  json: { ok: true; value: unknown } | { ok: false };
};

export type GatewayDecision =
  | { ok: true; accepted: AcceptedEvent }
  | { ok: false; rejection: GatewayRejection };

const reject = (code: string, description: string): GatewayDecision => ({
  ok: false,
  rejection: gatewayRejection(code, description),
});

export function parseJsonBody(body: Buffer | undefined): GatewayInput['json'] {
  if (body === undefined || body.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export function isJsonContentType(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '');
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}

export function decideGatewayRequest(state: EmulatorState, input: GatewayInput): GatewayDecision {
  if (!isJsonContentType(input.contentType)) {
    return reject(
      'INVALID_REQUEST_EXCEPTION',
      `Expected Content-Type application/json; got ${input.contentType ?? 'none'}.`,
    );
  }
  if ((input.body?.length ?? 0) > MAX_BODY_BYTES) {
    return reject(
      'REQUEST_ENTITY_TOO_LARGE_EXCEPTION',
      `The body is ${input.body?.length} bytes; the gateway takes at most ${MAX_BODY_BYTES}.`,
    );
  }
  if (!input.json.ok) return reject('INVALID_REQUEST_EXCEPTION', 'The body is not valid JSON.');
  const token = bearerToken(input.authorization);
  if (token === undefined) {
    return reject(
      'INVALID_ACCESS_TOKEN_EXCEPTION',
      'Expected an "Authorization: Bearer <access token>" header; it is missing or malformed.',
    );
  }
  if (!state.tokens.isLiveAccessToken(token)) {
    return reject(
      'INVALID_ACCESS_TOKEN_EXCEPTION',
      'The access token is unknown or expired. Refresh it with LWA and send again.',
    );
  }
  if (!state.skillEnabled) {
    return reject(
      'SKILL_DISABLED_EXCEPTION',
      'The skill is disabled for this account; the user must enable it.',
    );
  }
  const validated = validateGatewayMessage(input.json.value);
  if (!validated.ok) {
    return reject(
      validated.tooLarge ? 'REQUEST_ENTITY_TOO_LARGE_EXCEPTION' : 'INVALID_REQUEST_EXCEPTION',
      validated.description,
    );
  }
  const message = validated.value;
  if (message.scopeToken !== token) {
    const where = message.kind === 'SimpleEvent' || message.kind === 'ChangeReport' ? 'endpoint' : 'payload';
    return reject(
      'INVALID_ACCESS_TOKEN_EXCEPTION',
      `event.${where}.scope.token does not match the Authorization bearer token; send the same access token in both.`,
    );
  }
  const problem = checkReferences(state, message);
  if (problem !== undefined) return reject('INVALID_REQUEST_EXCEPTION', problem);
  applyDiscovery(state, message);
  return { ok: true, accepted: toAccepted(state, message, input.json.value) };
}

function checkReferences(state: EmulatorState, message: GatewayMessage): string | undefined {
  if (message.kind !== 'SimpleEvent') return undefined;
  const { header, endpoint, payload } = message.message.event;
  const known = state.endpoints.checkEvent(endpoint.endpointId, header.instance, payload.id);
  if (known !== undefined) return known;
  const aheadMs = Date.parse(payload.timestamp) - state.now();
  if (aheadMs > MAX_FUTURE_SKEW_MS) {
    return `event.payload.timestamp: ${payload.timestamp} is ${aheadMs} ms in the future (at most ${MAX_FUTURE_SKEW_MS} ms of clock skew); send when the device detected the press`;
  }
  return undefined;
}

function applyDiscovery(state: EmulatorState, message: GatewayMessage): void {
  if (message.kind === 'AddOrUpdateReport')
    state.endpoints.addOrUpdate(message.message.event.payload.endpoints);
  if (message.kind === 'DeleteReport') {
    state.endpoints.delete(message.message.event.payload.endpoints.map((endpoint) => endpoint.endpointId));
  }
}

function toAccepted(state: EmulatorState, message: GatewayMessage, raw: unknown): AcceptedEvent {
  const base = { at: state.nowIso(), message: redactScope(raw) };
  switch (message.kind) {
    case 'SimpleEvent': {
      const { header, endpoint, payload } = message.message.event;
      return {
        ...base,
        namespace: header.namespace,
        name: header.name,
        messageId: header.messageId,
        endpointId: endpoint.endpointId,
        instance: header.instance,
        eventId: payload.id,
        timestamp: payload.timestamp,
      };
    }
    case 'ChangeReport': {
      const { header, endpoint } = message.message.event;
      return {
        ...base,
        namespace: header.namespace,
        name: header.name,
        messageId: header.messageId,
        endpointId: endpoint.endpointId,
      };
    }
    case 'AddOrUpdateReport':
    case 'DeleteReport': {
      const { header, payload } = message.message.event;
      return {
        ...base,
        namespace: header.namespace,
        name: header.name,
        messageId: header.messageId,
        endpointIds: payload.endpoints.map((endpoint) => endpoint.endpointId),
      };
    }
  }
}
