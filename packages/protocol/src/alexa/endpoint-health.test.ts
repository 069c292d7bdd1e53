import { describe, expect, it } from 'vitest';
import {
  buildChangeReport,
  buildStateReport,
  ChangeReportMessage,
  ConnectivityProperty,
  StateReportMessage,
} from './endpoint-health.js';
import { withScopeToken } from './scope-token.js';

const MESSAGE_ID = '7e6d5c4b-3a2f-4e1d-9c0b-a1b2c3d4e5f6';

describe('buildChangeReport', () => {
  it('reports a connectivity change with the token in event.endpoint.scope', () => {
    const message = buildChangeReport({
      token: 'Atza|access',
      endpointId: 'living-room-remote',
      connectivity: 'UNREACHABLE',
      timeOfSample: '2026-11-22T16:20:50.52Z',
      messageId: MESSAGE_ID,
    });
    expect(message).toStrictEqual({
      event: {
        header: {
          namespace: 'Alexa',
          name: 'ChangeReport',
          payloadVersion: '3',
          messageId: '7e6d5c4b-3a2f-4e1d-9c0b-a1b2c3d4e5f6',
        },
        endpoint: {
          scope: { type: 'BearerToken', token: 'Atza|access' },
          endpointId: 'living-room-remote',
        },
        payload: {
          change: {
            cause: { type: 'PHYSICAL_INTERACTION' },
            properties: [
              {
                namespace: 'Alexa.EndpointHealth',
                name: 'connectivity',
                value: { value: 'UNREACHABLE' },
                timeOfSample: '2026-11-22T16:20:50.52Z',
                uncertaintyInMilliseconds: 0,
              },
            ],
          },
        },
      },
    });
    expect(ChangeReportMessage.safeParse(message).success).toBe(true);
  });

  it('takes another cause and a Date sample time', () => {
    const message = buildChangeReport({
      token: 't',
      endpointId: 'remote',
      connectivity: 'OK',
      cause: 'PERIODIC_POLL',
      timeOfSample: new Date(Date.UTC(2026, 10, 22, 16, 20, 50)),
    });
    expect(message.event.payload.change.cause).toStrictEqual({ type: 'PERIODIC_POLL' });
    expect(message.event.payload.change.properties[0]?.timeOfSample).toBe('2026-11-22T16:20:50.000Z');
    expect(message.event.payload.change.properties[0]?.value).toStrictEqual({ value: 'OK' });
  });

  it('is stored without a token and made sendable by withScopeToken', () => {
    const stored = buildChangeReport({ endpointId: 'remote', connectivity: 'OK', timeOfSample: 0 });
    expect(ChangeReportMessage.safeParse(stored).success).toBe(false);
    const ready = withScopeToken(stored, 'Atza|now');
    expect(ready.event.endpoint).toStrictEqual({
      scope: { type: 'BearerToken', token: 'Atza|now' },
      endpointId: 'remote',
    });
    expect(ChangeReportMessage.safeParse(ready).success).toBe(true);
  });

  it('schema rejects an unknown cause and a connectivity value other than OK/UNREACHABLE', () => {
    const message = buildChangeReport({ token: 't', endpointId: 'r', connectivity: 'OK', timeOfSample: 0 });
    const badCause = structuredClone(message);
    (badCause.event.payload.change.cause as { type: string }).type = 'BUTTON_PRESS';
    expect(ChangeReportMessage.safeParse(badCause).success).toBe(false);
    const badValue = structuredClone(message);
    (badValue.event.payload.change.properties[0]?.value as { value: string }).value = 'DOWN';
    expect(ChangeReportMessage.safeParse(badValue).success).toBe(false);
  });
});

describe('buildStateReport', () => {
  it('answers ReportState with the correlationToken and connectivity in context', () => {
    const message = buildStateReport({
      endpointId: 'living-room-remote',
      correlationToken: 'dFMb0z+PgpgdDmluhJ1LddFvSqZ/jCc8ptlAKulUj90jSqg==',
      connectivity: 'OK',
      timeOfSample: Date.UTC(2026, 10, 22, 16, 20, 50, 520),
      messageId: MESSAGE_ID,
    });
    expect(message).toStrictEqual({
      event: {
        header: {
          namespace: 'Alexa',
          name: 'StateReport',
          payloadVersion: '3',
          messageId: '7e6d5c4b-3a2f-4e1d-9c0b-a1b2c3d4e5f6',
          correlationToken: 'dFMb0z+PgpgdDmluhJ1LddFvSqZ/jCc8ptlAKulUj90jSqg==',
        },
        endpoint: { endpointId: 'living-room-remote' },
        payload: {},
      },
      context: {
        properties: [
          {
            namespace: 'Alexa.EndpointHealth',
            name: 'connectivity',
            value: { value: 'OK' },
            timeOfSample: '2026-11-22T16:20:50.520Z',
            uncertaintyInMilliseconds: 0,
          },
        ],
      },
    });
    expect(StateReportMessage.safeParse(message).success).toBe(true);
  });

  it('schema requires the correlationToken', () => {
    const message = buildStateReport({
      endpointId: 'remote',
      correlationToken: 'c',
      connectivity: 'OK',
      timeOfSample: 0,
    });
    const { correlationToken: _dropped, ...header } = message.event.header;
    expect(StateReportMessage.safeParse({ ...message, event: { ...message.event, header } }).success).toBe(
      false,
    );
  });
});

describe('ConnectivityProperty', () => {
  it('rejects a negative uncertainty and a sample time with an offset', () => {
    const property = {
      namespace: 'Alexa.EndpointHealth',
      name: 'connectivity',
      value: { value: 'OK' },
      timeOfSample: '2026-11-22T16:20:50Z',
      uncertaintyInMilliseconds: 0,
    };
    expect(ConnectivityProperty.safeParse(property).success).toBe(true);
    expect(ConnectivityProperty.safeParse({ ...property, uncertaintyInMilliseconds: -1 }).success).toBe(
      false,
    );
    expect(
      ConnectivityProperty.safeParse({ ...property, timeOfSample: '2026-11-22T16:20:50+00:00' }).success,
    ).toBe(false);
  });
});
