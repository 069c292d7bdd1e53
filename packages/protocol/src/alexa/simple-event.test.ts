import { describe, expect, it } from 'vitest';
import { isPressgateError } from '../errors.js';
import { SCOPE_TOKEN_PLACEHOLDER } from './envelope.js';
import { withScopeToken } from './scope-token.js';
import { buildSimpleEvent, SimpleEventMessage } from './simple-event.js';

const INSTANCE = '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10';
const MESSAGE_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('buildSimpleEvent', () => {
  it('builds the Alexa.SimpleEventSource event exactly as docs/alexa.md shows it', () => {
    const message = buildSimpleEvent({
      token: 'Atza|access',
      endpointId: 'living-room-remote',
      instance: INSTANCE,
      eventId: 'Button.SinglePush.1',
      timestamp: '2026-11-22T16:20:50.52Z',
      messageId: MESSAGE_ID,
    });
    expect(message).toStrictEqual({
      event: {
        header: {
          namespace: 'Alexa.SimpleEventSource',
          name: 'Event',
          instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
          messageId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
          payloadVersion: '1.0',
        },
        endpoint: {
          scope: { type: 'BearerToken', token: 'Atza|access' },
          endpointId: 'living-room-remote',
          cookie: {},
        },
        payload: { id: 'Button.SinglePush.1', timestamp: '2026-11-22T16:20:50.52Z' },
      },
    });
    expect(SimpleEventMessage.safeParse(message).success).toBe(true);
  });

  it('mints a UUID v4 messageId and formats Date timestamps in UTC with ms', () => {
    const message = buildSimpleEvent({
      token: 't',
      endpointId: 'remote',
      instance: INSTANCE,
      eventId: 'Button.LongPush.1',
      timestamp: new Date(Date.UTC(2026, 10, 22, 16, 20, 50, 5)),
    });
    expect(message.event.header.messageId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(message.event.payload.timestamp).toBe('2026-11-22T16:20:50.005Z');
    expect(SimpleEventMessage.safeParse(message).success).toBe(true);
  });

  it('throws ERR_ALEXA_TIMESTAMP for a timestamp without a zone', () => {
    try {
      buildSimpleEvent({
        endpointId: 'remote',
        instance: INSTANCE,
        eventId: 'Button.SinglePush.1',
        timestamp: '2026-11-22 16:20:50',
      });
      expect.unreachable('a zoneless time must not be guessed');
    } catch (error) {
      expect(isPressgateError(error, 'ERR_ALEXA_TIMESTAMP')).toBe(true);
    }
  });
});

describe('SimpleEventMessage', () => {
  const valid = () =>
    buildSimpleEvent({
      token: 'tok',
      endpointId: 'remote',
      instance: INSTANCE,
      eventId: 'Button.SinglePush.1',
      timestamp: 0,
      messageId: MESSAGE_ID,
    });

  it('rejects a wrong payloadVersion, a bad timestamp, a bad messageId and extra keys', () => {
    const wrongVersion = valid();
    (wrongVersion.event.header as { payloadVersion: string }).payloadVersion = '3';
    expect(SimpleEventMessage.safeParse(wrongVersion).success).toBe(false);

    const typo = valid();
    typo.event.payload.timestamp = '2026-11-22T16:20:50:52Z';
    expect(SimpleEventMessage.safeParse(typo).success).toBe(false);

    const badId = valid();
    badId.event.header.messageId = 'not_a_uuid';
    expect(SimpleEventMessage.safeParse(badId).success).toBe(false);

    const extra = { ...valid(), context: {} };
    expect(SimpleEventMessage.safeParse(extra).success).toBe(false);
  });
});

describe('stored events and withScopeToken', () => {
  it('leaves the placeholder scope without a token, which the schema refuses until filled', () => {
    const stored = buildSimpleEvent({
      endpointId: 'remote',
      instance: INSTANCE,
      eventId: 'Button.DoublePush.1',
      timestamp: '2026-11-22T16:20:50Z',
      messageId: MESSAGE_ID,
    });
    expect(stored.event.endpoint.scope).toStrictEqual({ type: 'BearerToken', token: '' });
    expect(SCOPE_TOKEN_PLACEHOLDER).toBe('');
    expect(SimpleEventMessage.safeParse(stored).success).toBe(false);

    const ready = withScopeToken(stored, 'Atza|fresh');
    expect(ready.event.endpoint).toStrictEqual({
      scope: { type: 'BearerToken', token: 'Atza|fresh' },
      endpointId: 'remote',
      cookie: {},
    });
    expect(SimpleEventMessage.safeParse(ready).success).toBe(true);
    expect(stored.event.endpoint.scope.token).toBe('');
    expect(JSON.stringify(stored)).not.toContain('Atza');
  });

  it('replaces a stale token on resend and survives a JSON round trip (the outbox)', () => {
    const stored = JSON.parse(
      JSON.stringify(
        buildSimpleEvent({
          token: 'Atza|old',
          endpointId: 'remote',
          instance: INSTANCE,
          eventId: 'Button.SinglePush.1',
          timestamp: '2026-11-22T16:20:50Z',
        }),
      ),
    ) as SimpleEventMessage;
    const resent = withScopeToken(stored, 'Atza|new');
    expect(resent.event.endpoint.scope.token).toBe('Atza|new');
    expect(resent.event.payload).toStrictEqual(stored.event.payload);
    expect(resent.event.header).toStrictEqual(stored.event.header);
  });

  it('refuses an empty token with ERR_ALEXA_SCOPE_TOKEN', () => {
    const stored = buildSimpleEvent({
      endpointId: 'remote',
      instance: INSTANCE,
      eventId: 'Button.SinglePush.1',
      timestamp: 0,
    });
    expect(() => withScopeToken(stored, '')).toThrow(
      expect.objectContaining({ code: 'ERR_ALEXA_SCOPE_TOKEN' }),
    );
  });
});
