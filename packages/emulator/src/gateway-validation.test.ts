import {
  addOrUpdateReport,
  changeReport,
  endpoint,
  expectGatewayError,
  postEvent,
  readyGateway,
  type simpleEvent,
} from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';

describe('event gateway: validation', () => {
  it('answers 400 for a wrong content type and for a body that is not JSON', async () => {
    const { app, token, event } = await readyGateway(onTestFinished);
    const text = await app.inject({
      method: 'POST',
      url: '/v3/events',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      payload: JSON.stringify(event()),
    });
    expectGatewayError(text, 400, 'INVALID_REQUEST_EXCEPTION', /application\/json; got text\/plain/);
    const broken = await app.inject({
      method: 'POST',
      url: '/v3/events',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
      payload: '{"event":',
    });
    expectGatewayError(broken, 400, 'INVALID_REQUEST_EXCEPTION', /not valid JSON/);
  });

  it('names an unknown field in the description', async () => {
    const { app, token, event } = await readyGateway(onTestFinished);
    const extra = event() as ReturnType<typeof simpleEvent> & { context?: unknown };
    (extra.event.payload as Record<string, unknown>).value = 1;
    expectGatewayError(
      await postEvent(app, token, extra),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /unknown field event\.payload\.value/,
    );
    const withContext = { ...event(), context: { properties: [] } };
    expectGatewayError(
      await postEvent(app, token, withContext),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /unknown field context/,
    );
  });

  it.each([
    [
      'messageId with a dot',
      (e: ReturnType<typeof simpleEvent>) => {
        e.event.header.messageId = 'a.b';
      },
      /event\.header\.messageId/,
    ],
    [
      'messageId of 128 chars',
      (e: ReturnType<typeof simpleEvent>) => {
        e.event.header.messageId = 'a'.repeat(128);
      },
      /event\.header\.messageId/,
    ],
    [
      'payloadVersion 3',
      (e: ReturnType<typeof simpleEvent>) => {
        e.event.header.payloadVersion = '3';
      },
      /event\.header\.payloadVersion/,
    ],
    [
      'timestamp with offset',
      (e: ReturnType<typeof simpleEvent>) => {
        e.event.payload.timestamp = '2026-11-22T16:20:00+00:00';
      },
      /event\.payload\.timestamp/,
    ],
    [
      'timestamp with 4 fraction digits',
      (e: ReturnType<typeof simpleEvent>) => {
        e.event.payload.timestamp = '2026-11-22T16:20:00.1234Z';
      },
      /event\.payload\.timestamp/,
    ],
    [
      'timestamp with colon fraction',
      (e: ReturnType<typeof simpleEvent>) => {
        e.event.payload.timestamp = '2026-11-22T16:20:50:52Z';
      },
      /event\.payload\.timestamp/,
    ],
    [
      'endpointId with a space',
      (e: ReturnType<typeof simpleEvent>) => {
        e.event.endpoint.endpointId = 'living room';
      },
      /event\.endpoint\.endpointId/,
    ],
    [
      'missing instance',
      (e: ReturnType<typeof simpleEvent>) => {
        delete (e.event.header as Partial<typeof e.event.header>).instance;
      },
      /event\.header\.instance/,
    ],
    [
      'scope type',
      (e: ReturnType<typeof simpleEvent>) => {
        (e.event.endpoint.scope as { type: string }).type = 'Bearer';
      },
      /event\.endpoint\.scope\.type/,
    ],
  ])('rejects a SimpleEvent with a bad %s', async (_name, mutate, field) => {
    const { app, token, event } = await readyGateway(onTestFinished);
    const bad = event();
    mutate(bad);
    expectGatewayError(await postEvent(app, token, bad), 400, 'INVALID_REQUEST_EXCEPTION', field);
  });

  it('rejects a SimpleEvent for an unknown endpoint, instance or event id, naming which', async () => {
    const { app, token, event } = await readyGateway(onTestFinished);
    expectGatewayError(
      await postEvent(app, token, event({ endpointId: 'kitchen' })),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /unknown endpoint "kitchen"/,
    );
    expectGatewayError(
      await postEvent(app, token, event({ instance: '00000000-0000-4000-8000-000000000000' })),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /no Alexa\.SimpleEventSource instance "00000000-0000-4000-8000-000000000000"/,
    );
    expectGatewayError(
      await postEvent(app, token, event({ id: 'Button.LongPush.1' })),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /does not support event "Button\.LongPush\.1"/,
    );
  });

  it('rejects a timestamp more than 5 s in the future and accepts one within the skew', async () => {
    const { app, token, event, clock } = await readyGateway(onTestFinished);
    expect(
      (await postEvent(app, token, event({ timestamp: new Date(clock.ms + 5000).toISOString() }))).statusCode,
    ).toBe(202);
    expectGatewayError(
      await postEvent(app, token, event({ timestamp: new Date(clock.ms + 5001).toISOString() })),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /in the future/,
    );
  });

  it('rejects bad ChangeReports: cause type, connectivity value, property repeated in context', async () => {
    const { app, token } = await readyGateway(onTestFinished);
    const cause = changeReport(token);
    (cause.event.payload.change.cause as { type: string }).type = 'BUTTON_PRESS';
    expectGatewayError(
      await postEvent(app, token, cause),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /event\.payload\.change\.cause\.type/,
    );
    const value = changeReport(token);
    (value.event.payload.change.properties[0]?.value as { value: string }).value = 'DOWN';
    expectGatewayError(
      await postEvent(app, token, value),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /properties\[0\]\.value\.value/,
    );
    const repeated = changeReport(token);
    repeated.context.properties = [...repeated.event.payload.change.properties] as never[];
    expectGatewayError(
      await postEvent(app, token, repeated),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /context\.properties\[0\]/,
    );
  });

  it('rejects AddOrUpdateReports with bad endpoints, naming the field', async () => {
    const { app, token } = await readyGateway(onTestFinished);
    const unknownAsset = endpoint('b');
    (unknownAsset.capabilities[2] as { capabilityResources: unknown }).capabilityResources = {
      friendlyNames: [{ '@type': 'asset', value: { assetId: 'Alexa.Button.Off' } }],
    };
    expectGatewayError(
      await postEvent(app, token, addOrUpdateReport(token, [unknownAsset])),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /endpoints\[0\]\.capabilities\[2\]\.capabilityResources\.friendlyNames\[0\]\.value\.assetId: unknown asset id "Alexa\.Button\.Off"/,
    );
    const duplicateInstance = endpoint('c');
    duplicateInstance.capabilities.push(duplicateInstance.capabilities[2] as never);
    expectGatewayError(
      await postEvent(app, token, addOrUpdateReport(token, [duplicateInstance])),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /duplicate SimpleEventSource instance/,
    );
    const longName = { ...endpoint('d'), friendlyName: 'x'.repeat(129) };
    expectGatewayError(
      await postEvent(app, token, addOrUpdateReport(token, [longName])),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /endpoints\[0\]\.friendlyName/,
    );
    const extra = { ...endpoint('e'), color: 'red' };
    expectGatewayError(
      await postEvent(app, token, addOrUpdateReport(token, [extra])),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /unknown field event\.payload\.endpoints\[0\]\.color/,
    );
  });

  it('answers 400 for a message it does not know', async () => {
    const { app, token, event } = await readyGateway(onTestFinished);
    const other = event();
    (other.event.header as { name: string }).name = 'Press';
    expectGatewayError(
      await postEvent(app, token, other),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /unsupported message Alexa\.SimpleEventSource\/Press/,
    );
  });

  it('answers 413 for more than 300 endpoints and for a body over 1 MiB', async () => {
    const { app, token, event } = await readyGateway(onTestFinished);
    const many = Array.from({ length: 301 }, (_, i) => endpoint(`remote-${i}`));
    expectGatewayError(
      await postEvent(app, token, addOrUpdateReport(token, many)),
      413,
      'REQUEST_ENTITY_TOO_LARGE_EXCEPTION',
      /301 endpoints/,
    );
    const big = event() as ReturnType<typeof simpleEvent> & { pad?: string };
    big.pad = 'x'.repeat(1_048_576);
    expectGatewayError(
      await postEvent(app, token, big),
      413,
      'REQUEST_ENTITY_TOO_LARGE_EXCEPTION',
      /at most 1048576/,
    );
    const huge = { pad: 'x'.repeat(5_000_000) };
    expectGatewayError(await postEvent(app, token, huge), 413, 'REQUEST_ENTITY_TOO_LARGE_EXCEPTION');
  });
});
