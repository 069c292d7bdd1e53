import { describe, expect, it } from 'vitest';
import {
  AcceptGrantResponseMessage,
  AuthorizationErrorResponseMessage,
  buildAcceptGrantResponse,
  buildAuthorizationErrorResponse,
  buildErrorResponse,
  ErrorResponseMessage,
} from './responses.js';

const MESSAGE_ID = '3c2b1a09-8f7e-4d6c-b5a4-392817161514';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('AcceptGrant answers', () => {
  it('builds AcceptGrant.Response in Alexa.Authorization with an empty payload', () => {
    const message = buildAcceptGrantResponse(MESSAGE_ID);
    expect(message).toStrictEqual({
      event: {
        header: {
          namespace: 'Alexa.Authorization',
          name: 'AcceptGrant.Response',
          payloadVersion: '3',
          messageId: '3c2b1a09-8f7e-4d6c-b5a4-392817161514',
        },
        payload: {},
      },
    });
    expect(AcceptGrantResponseMessage.safeParse(message).success).toBe(true);
    expect(buildAcceptGrantResponse().event.header.messageId).toMatch(UUID_V4);
    expect(
      AcceptGrantResponseMessage.safeParse({ ...message, event: { ...message.event, payload: { a: 1 } } })
        .success,
    ).toBe(false);
  });

  it('builds the Alexa.Authorization ErrorResponse with ACCEPT_GRANT_FAILED', () => {
    const message = buildAuthorizationErrorResponse(
      'ACCEPT_GRANT_FAILED',
      'LWA refused the code: invalid_grant',
      {
        messageId: MESSAGE_ID,
      },
    );
    expect(message).toStrictEqual({
      event: {
        header: {
          namespace: 'Alexa.Authorization',
          name: 'ErrorResponse',
          payloadVersion: '3',
          messageId: '3c2b1a09-8f7e-4d6c-b5a4-392817161514',
        },
        payload: { type: 'ACCEPT_GRANT_FAILED', message: 'LWA refused the code: invalid_grant' },
      },
    });
    expect(AuthorizationErrorResponseMessage.safeParse(message).success).toBe(true);
  });
});

describe('buildErrorResponse', () => {
  it('builds an Alexa ErrorResponse echoing correlationToken and endpoint', () => {
    const message = buildErrorResponse({
      type: 'NO_SUCH_ENDPOINT',
      message: 'no remote has endpointId kitchen-remote',
      endpointId: 'kitchen-remote',
      correlationToken: 'corr-123',
      messageId: MESSAGE_ID,
    });
    expect(message).toStrictEqual({
      event: {
        header: {
          namespace: 'Alexa',
          name: 'ErrorResponse',
          payloadVersion: '3',
          messageId: '3c2b1a09-8f7e-4d6c-b5a4-392817161514',
          correlationToken: 'corr-123',
        },
        endpoint: { endpointId: 'kitchen-remote' },
        payload: { type: 'NO_SUCH_ENDPOINT', message: 'no remote has endpointId kitchen-remote' },
      },
    });
    expect(ErrorResponseMessage.safeParse(message).success).toBe(true);
  });

  it('leaves out endpoint and correlationToken when the directive had none', () => {
    const message = buildErrorResponse({
      type: 'INVALID_DIRECTIVE',
      message: 'unsupported',
      messageId: MESSAGE_ID,
    });
    expect(message).toStrictEqual({
      event: {
        header: {
          namespace: 'Alexa',
          name: 'ErrorResponse',
          payloadVersion: '3',
          messageId: '3c2b1a09-8f7e-4d6c-b5a4-392817161514',
        },
        payload: { type: 'INVALID_DIRECTIVE', message: 'unsupported' },
      },
    });
    expect(ErrorResponseMessage.safeParse(message).success).toBe(true);
  });

  it('schema rejects an error type Alexa does not know and the Authorization namespace', () => {
    const message = buildErrorResponse({ type: 'INTERNAL_ERROR', message: 'boom' });
    const unknownType = structuredClone(message);
    (unknownType.event.payload as { type: string }).type = 'ACCEPT_GRANT_FAILED';
    expect(ErrorResponseMessage.safeParse(unknownType).success).toBe(false);
    const wrongNamespace = structuredClone(message);
    (wrongNamespace.event.header as { namespace: string }).namespace = 'Alexa.Authorization';
    expect(ErrorResponseMessage.safeParse(wrongNamespace).success).toBe(false);
  });
});
