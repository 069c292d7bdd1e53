/**
 * Picks the schema for a gateway message by its header and validates it. Expected bad input
 * is a returned value: `{ ok: false, description }` names the field that is wrong.
 */
import type { z } from 'zod';
import {
  AddOrUpdateReport,
  ChangeReport,
  DeleteReport,
  describeIssues,
  MAX_ENDPOINTS,
  SimpleEvent,
} from './alexa-schemas.js';

export type GatewayMessage =
  | { kind: 'SimpleEvent'; message: SimpleEvent; scopeToken: string }
  | { kind: 'ChangeReport'; message: ChangeReport; scopeToken: string }
  | { kind: 'AddOrUpdateReport'; message: AddOrUpdateReport; scopeToken: string }
  | { kind: 'DeleteReport'; message: DeleteReport; scopeToken: string };

export type ValidationResult =
  | { ok: true; value: GatewayMessage }
  | { ok: false; tooLarge: boolean; description: string };

/** What can be read from a body before validation, for records and error bodies. */
export type MessagePeek = { namespace?: string; name?: string; messageId?: string; endpointId?: string };

const SUPPORTED = [
  'Alexa.SimpleEventSource/Event',
  'Alexa/ChangeReport',
  'Alexa.Discovery/AddOrUpdateReport',
  'Alexa.Discovery/DeleteReport',
];

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === 'string' ? found : undefined;
}

export function peekMessage(body: unknown): MessagePeek {
  const event = field(body, 'event');
  const header = field(event, 'header');
  const peek: MessagePeek = {};
  const namespace = stringField(header, 'namespace');
  const name = stringField(header, 'name');
  const messageId = stringField(header, 'messageId');
  const endpointId = stringField(field(event, 'endpoint'), 'endpointId');
  if (namespace !== undefined) peek.namespace = namespace;
  if (name !== undefined) peek.name = name;
  if (messageId !== undefined) peek.messageId = messageId;
  if (endpointId !== undefined) peek.endpointId = endpointId;
  return peek;
}

function checked<T>(
  schema: z.ZodType<T>,
  body: unknown,
  build: (message: T) => GatewayMessage,
): ValidationResult {
  const result = schema.safeParse(body);
  if (!result.success) return { ok: false, tooLarge: false, description: describeIssues(result.error) };
  return { ok: true, value: build(result.data) };
}

export function validateGatewayMessage(body: unknown): ValidationResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, tooLarge: false, description: 'expected a JSON object with an "event" field' };
  }
  const { namespace, name } = peekMessage(body);
  const endpoints = field(field(field(body, 'event'), 'payload'), 'endpoints');
  if (Array.isArray(endpoints) && endpoints.length > MAX_ENDPOINTS) {
    return {
      ok: false,
      tooLarge: true,
      description: `event.payload.endpoints has ${endpoints.length} endpoints; at most ${MAX_ENDPOINTS} a request`,
    };
  }
  switch (`${namespace}/${name}`) {
    case 'Alexa.SimpleEventSource/Event':
      return checked(SimpleEvent, body, (message) => ({
        kind: 'SimpleEvent',
        message,
        scopeToken: message.event.endpoint.scope.token,
      }));
    case 'Alexa/ChangeReport':
      return checked(ChangeReport, body, (message) => ({
        kind: 'ChangeReport',
        message,
        scopeToken: message.event.endpoint.scope.token,
      }));
    case 'Alexa.Discovery/AddOrUpdateReport':
      return checked(AddOrUpdateReport, body, (message) => ({
        kind: 'AddOrUpdateReport',
        message,
        scopeToken: message.event.payload.scope.token,
      }));
    case 'Alexa.Discovery/DeleteReport':
      return checked(DeleteReport, body, (message) => ({
        kind: 'DeleteReport',
        message,
        scopeToken: message.event.payload.scope.token,
      }));
    default:
      return {
        ok: false,
        tooLarge: false,
        description: `event.header: unsupported message ${String(namespace)}/${String(name)}; expected one of ${SUPPORTED.join(', ')}`,
      };
  }
}

/** A deep copy of the message with every scope token replaced, safe to record and show. */
export function redactScope(body: unknown): unknown {
  const copy = structuredClone(body) as {
    event?: { endpoint?: { scope?: { token?: unknown } }; payload?: { scope?: { token?: unknown } } };
  };
  if (copy.event?.endpoint?.scope?.token !== undefined) copy.event.endpoint.scope.token = '<redacted>';
  if (copy.event?.payload?.scope?.token !== undefined) copy.event.payload.scope.token = '<redacted>';
  return copy;
}
