import { randomUUID } from 'node:crypto';

/**
 * The answers the forwarder gives Alexa itself, when the relay cannot
 * (see docs/alexa.md, "Directives"). Built here, without the zod
 * schemas of @pressgate/protocol, so the Lambda bundle stays small.
 */

/** A message for Alexa: `{ event: {...}, context?: {...} }`. */
export type AlexaReply = Record<string, unknown>;

export type ForwarderErrorType = 'ENDPOINT_UNREACHABLE' | 'INTERNAL_ERROR' | 'INVALID_DIRECTIVE';

/** What the forwarder reads from a directive; everything else passes through untouched. */
export type DirectiveSummary = {
  namespace?: string;
  name?: string;
  messageId?: string;
  correlationToken?: string;
  endpointId?: string;
};

function field(record: unknown, key: string): unknown {
  return typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[key] : undefined;
}

/** Reads the header and endpoint of whatever arrived; a malformed event gives an empty summary. */
export function summarizeDirective(event: unknown): DirectiveSummary {
  const directive = field(event, 'directive');
  const header = field(directive, 'header');
  const summary: DirectiveSummary = {};
  for (const key of ['namespace', 'name', 'messageId', 'correlationToken'] as const) {
    const value = field(header, key);
    if (typeof value === 'string' && value !== '') {
      summary[key] = value;
    }
  }
  const endpointId = field(field(directive, 'endpoint'), 'endpointId');
  if (typeof endpointId === 'string' && endpointId !== '') {
    summary.endpointId = endpointId;
  }
  return summary;
}

export function isAcceptGrant(summary: DirectiveSummary): boolean {
  return summary.namespace === 'Alexa.Authorization' && summary.name === 'AcceptGrant';
}

/** `Alexa.Authorization` ErrorResponse: the only error AcceptGrant may answer with. */
export function buildAcceptGrantFailed(message: string): AlexaReply {
  return {
    event: {
      header: {
        namespace: 'Alexa.Authorization',
        name: 'ErrorResponse',
        messageId: randomUUID(),
        payloadVersion: '3',
      },
      payload: { type: 'ACCEPT_GRANT_FAILED', message },
    },
  };
}

/** `Alexa` ErrorResponse echoing the directive's correlationToken and endpointId when it had them. */
export function buildAlexaErrorResponse(
  type: ForwarderErrorType,
  message: string,
  summary: DirectiveSummary,
): AlexaReply {
  const header: Record<string, string> = {
    namespace: 'Alexa',
    name: 'ErrorResponse',
    messageId: randomUUID(),
    payloadVersion: '3',
  };
  if (summary.correlationToken !== undefined) {
    header.correlationToken = summary.correlationToken;
  }
  const event: Record<string, unknown> = { header };
  if (summary.endpointId !== undefined) {
    event.endpoint = { endpointId: summary.endpointId };
  }
  event.payload = { type, message };
  return { event };
}

/** The right error for this directive: ACCEPT_GRANT_FAILED for AcceptGrant, else `type`. */
export function buildErrorFor(event: unknown, type: ForwarderErrorType, message: string): AlexaReply {
  const summary = summarizeDirective(event);
  return isAcceptGrant(summary)
    ? buildAcceptGrantFailed(message)
    : buildAlexaErrorResponse(type, message, summary);
}
