import { z } from 'zod';
import { AlexaEndpointId, AlexaMessageId, type MessageOptions, newMessageId } from './envelope.js';

/** `Alexa.Authorization` / `AcceptGrant.Response`: the tokens were exchanged and stored. */
export const AcceptGrantResponseMessage = z.strictObject({
  event: z.strictObject({
    header: z.strictObject({
      namespace: z.literal('Alexa.Authorization'),
      name: z.literal('AcceptGrant.Response'),
      payloadVersion: z.literal('3'),
      messageId: AlexaMessageId,
    }),
    payload: z.strictObject({}),
  }),
});
export type AcceptGrantResponseMessage = z.infer<typeof AcceptGrantResponseMessage>;

/** `Alexa.Authorization` / `ErrorResponse`: the grant could not be exchanged. */
export const AuthorizationErrorResponseMessage = z.strictObject({
  event: z.strictObject({
    header: z.strictObject({
      namespace: z.literal('Alexa.Authorization'),
      name: z.literal('ErrorResponse'),
      payloadVersion: z.literal('3'),
      messageId: AlexaMessageId,
    }),
    payload: z.strictObject({ type: z.literal('ACCEPT_GRANT_FAILED'), message: z.string() }),
  }),
});
export type AuthorizationErrorResponseMessage = z.infer<typeof AuthorizationErrorResponseMessage>;

/** The `Alexa` ErrorResponse types pressgate may answer with (a subset of Amazon's list). */
export const AlexaErrorType = z.enum([
  'INVALID_DIRECTIVE',
  'NO_SUCH_ENDPOINT',
  'INTERNAL_ERROR',
  'ENDPOINT_UNREACHABLE',
  'BRIDGE_UNREACHABLE',
  'ENDPOINT_BUSY',
  'EXPIRED_AUTHORIZATION_CREDENTIAL',
  'INVALID_AUTHORIZATION_CREDENTIAL',
  'INSUFFICIENT_PERMISSIONS',
  'RATE_LIMIT_EXCEEDED',
]);
export type AlexaErrorType = z.infer<typeof AlexaErrorType>;

/** `Alexa` / `ErrorResponse` 3: a directive pressgate cannot or will not carry out. */
export const ErrorResponseMessage = z.strictObject({
  event: z.strictObject({
    header: z.strictObject({
      namespace: z.literal('Alexa'),
      name: z.literal('ErrorResponse'),
      payloadVersion: z.literal('3'),
      messageId: AlexaMessageId,
      correlationToken: z.string().min(1).optional(),
    }),
    endpoint: z.strictObject({ endpointId: AlexaEndpointId }).optional(),
    payload: z.strictObject({ type: AlexaErrorType, message: z.string() }),
  }),
});
export type ErrorResponseMessage = z.infer<typeof ErrorResponseMessage>;

/**
 * The AcceptGrant.Response. AcceptGrant has no correlationToken; the
 * optional argument is the response's own messageId (a fresh UUID v4 when
 * left out), so a caller can log or test one known id.
 */
export function buildAcceptGrantResponse(messageId?: string): AcceptGrantResponseMessage {
  return {
    event: {
      header: {
        namespace: 'Alexa.Authorization',
        name: 'AcceptGrant.Response',
        payloadVersion: '3',
        messageId: messageId ?? newMessageId(),
      },
      payload: {},
    },
  };
}

/**
 * The Alexa.Authorization ErrorResponse. `message` goes to Amazon and into
 * logs: say what failed (e.g. the LWA error code), never a code or token.
 */
export function buildAuthorizationErrorResponse(
  type: 'ACCEPT_GRANT_FAILED',
  message: string,
  options: MessageOptions = {},
): AuthorizationErrorResponseMessage {
  return {
    event: {
      header: {
        namespace: 'Alexa.Authorization',
        name: 'ErrorResponse',
        payloadVersion: '3',
        messageId: options.messageId ?? newMessageId(),
      },
      payload: { type, message },
    },
  };
}

export type ErrorResponseInput = {
  type: AlexaErrorType;
  message: string;
  /** The endpoint the directive addressed, when it named one. */
  endpointId?: string | undefined;
  /** The directive's correlationToken, when it carried one. */
  correlationToken?: string | undefined;
  messageId?: string | undefined;
};

/** An `Alexa` ErrorResponse, echoing the directive's correlationToken and endpoint. */
export function buildErrorResponse(input: ErrorResponseInput): ErrorResponseMessage {
  return {
    event: {
      header: {
        namespace: 'Alexa',
        name: 'ErrorResponse',
        payloadVersion: '3',
        messageId: input.messageId ?? newMessageId(),
        ...(input.correlationToken === undefined ? {} : { correlationToken: input.correlationToken }),
      },
      ...(input.endpointId === undefined ? {} : { endpoint: { endpointId: input.endpointId } }),
      payload: { type: input.type, message: input.message },
    },
  };
}
