/**
 * The one emulator fixture: hand-written Alexa messages (not @pressgate/protocol's builders),
 * an emulator app on an injectable clock with a linked account (the emulator's own tests), and
 * a real emulator on 127.0.0.1:0 (the relay's tests).
 */
import { randomUUID } from 'node:crypto';
import {
  buildEmulatorApp,
  createEmulatorState,
  type Emulator,
  type EmulatorState,
  startEmulator,
} from '@pressgate/emulator';
import { expect, onTestFinished } from 'vitest';

type FastifyInstance = ReturnType<typeof buildEmulatorApp>;
type LightMyRequestResponse = Awaited<ReturnType<typeof postEvent>>;

/** A real emulator on 127.0.0.1:0 for these client credentials, closed when the test finishes. */
export async function startTestEmulator(credentials: {
  clientId: string;
  clientSecret: string;
}): Promise<Emulator> {
  const emulator = await startEmulator(credentials);
  onTestFinished(() => emulator.close());
  return emulator;
}

export const CLIENT_ID = 'amzn1.application-oa2-client.test';
export const CLIENT_SECRET = 'emulator-test-secret-0123456789';
export const ENDPOINT_ID = 'living-room-remote';
export const INSTANCE = '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10';
export const EVENT_ID = 'Button.SinglePush.1';

export function endpoint(endpointId = ENDPOINT_ID, instance = INSTANCE) {
  return {
    endpointId,
    manufacturerName: 'pressgate',
    friendlyName: 'Living room remote',
    description: 'Four button USB remote',
    displayCategories: ['REMOTE'],
    capabilities: [
      { type: 'AlexaInterface', interface: 'Alexa', version: '3' },
      {
        type: 'AlexaInterface',
        interface: 'Alexa.EndpointHealth',
        version: '3.2',
        properties: { supported: [{ name: 'connectivity' }], proactivelyReported: true, retrievable: true },
      },
      {
        type: 'AlexaInterface',
        interface: 'Alexa.SimpleEventSource',
        version: '1.0',
        instance,
        capabilityResources: {
          friendlyNames: [{ '@type': 'asset', value: { assetId: 'Alexa.Button.OnButton' } }],
        },
        configuration: {
          supportedEvents: [
            {
              id: EVENT_ID,
              friendlyNames: [{ '@type': 'text', value: { text: 'Single press', locale: 'en-US' } }],
            },
            {
              id: 'Button.DoublePush.1',
              friendlyNames: [{ '@type': 'asset', value: { assetId: 'Alexa.Button.DoublePush' } }],
            },
          ],
        },
      },
    ],
  };
}

export function addOrUpdateReport(token: string, endpoints: unknown[] = [endpoint()]) {
  return {
    event: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'AddOrUpdateReport',
        payloadVersion: '3',
        messageId: randomUUID() as string,
      },
      payload: { endpoints, scope: { type: 'BearerToken', token } },
    },
  };
}

export function deleteReport(token: string, endpointIds: string[] = [ENDPOINT_ID]) {
  return {
    event: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'DeleteReport',
        payloadVersion: '3',
        messageId: randomUUID() as string,
      },
      payload: {
        endpoints: endpointIds.map((endpointId) => ({ endpointId })),
        scope: { type: 'BearerToken', token },
      },
    },
  };
}

export function discoverResponse(endpoints: unknown[] = [endpoint()]) {
  return {
    event: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'Discover.Response',
        payloadVersion: '3',
        messageId: randomUUID() as string,
      },
      payload: { endpoints },
    },
  };
}

export function simpleEvent(
  token: string,
  options: { endpointId?: string; instance?: string; id?: string; timestamp?: string } = {},
) {
  return {
    event: {
      header: {
        namespace: 'Alexa.SimpleEventSource',
        name: 'Event',
        instance: options.instance ?? INSTANCE,
        messageId: randomUUID() as string,
        payloadVersion: '1.0',
      },
      endpoint: {
        scope: { type: 'BearerToken', token },
        endpointId: options.endpointId ?? ENDPOINT_ID,
        cookie: {},
      },
      payload: { id: options.id ?? EVENT_ID, timestamp: options.timestamp ?? new Date().toISOString() },
    },
  };
}

function connectivity(value: 'OK' | 'UNREACHABLE') {
  return {
    namespace: 'Alexa.EndpointHealth',
    name: 'connectivity',
    value: { value },
    timeOfSample: new Date().toISOString(),
    uncertaintyInMilliseconds: 0,
  };
}

export function changeReport(token: string, value: 'OK' | 'UNREACHABLE' = 'UNREACHABLE') {
  return {
    event: {
      header: { namespace: 'Alexa', name: 'ChangeReport', payloadVersion: '3', messageId: randomUUID() },
      endpoint: { scope: { type: 'BearerToken', token }, endpointId: ENDPOINT_ID },
      payload: { change: { cause: { type: 'PHYSICAL_INTERACTION' }, properties: [connectivity(value)] } },
    },
    context: { properties: [] },
  };
}

export function tokenForm(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export type TestApp = { app: FastifyInstance; state: EmulatorState; clock: { ms: number } };

/** An app on an injectable clock; closed when the test finishes. */
export function testApp(
  onFinished: (fn: () => Promise<void>) => void,
  options: { accessTokenTtlSec?: number; authorizationCodeTtlSec?: number } = {},
): TestApp {
  const clock = { ms: Date.parse('2026-11-22T16:20:00.000Z') };
  const state = createEmulatorState({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    now: () => clock.ms,
    ...options,
  });
  const app = buildEmulatorApp(state);
  onFinished(() => app.close());
  return { app, state, clock };
}

export function exchangeCode(app: FastifyInstance, code: string): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/auth/o2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    payload: tokenForm({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    }),
  });
}

/** Link the account (code exchange) and return the tokens. */
export async function link(app: FastifyInstance, state: EmulatorState) {
  const response = await exchangeCode(app, state.tokens.issueAuthorizationCode());
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { access_token: string; refresh_token: string; expires_in: number };
}

export function postEvent(app: FastifyInstance, token: string | undefined, body: unknown) {
  return app.inject({
    method: 'POST',
    url: '/v3/events',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    payload: JSON.stringify(body),
  });
}

/** Assert the exact gateway error body and status. */
export function expectGatewayError(
  response: LightMyRequestResponse,
  status: number,
  code: string,
  description?: RegExp | string,
): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json()).toEqual({
    header: {
      namespace: 'System',
      name: 'Exception',
      messageId: expect.stringMatching(/^[A-Za-z0-9-]{1,127}$/),
    },
    payload: {
      code,
      description: description === undefined ? expect.any(String) : expect.stringMatching(description),
    },
  });
}

/** A linked app that knows the test endpoint, and an event stamped on its clock. */
export async function readyGateway(
  onFinished: (fn: () => Promise<void>) => void,
  options: { accessTokenTtlSec?: number } = {},
) {
  const setup = testApp(onFinished, options);
  const tokens = await link(setup.app, setup.state);
  const announced = await postEvent(setup.app, tokens.access_token, addOrUpdateReport(tokens.access_token));
  expect(announced.statusCode, announced.body).toBe(202);
  const event = (overrides: Parameters<typeof simpleEvent>[1] = {}) =>
    simpleEvent(tokens.access_token, { timestamp: new Date(setup.clock.ms).toISOString(), ...overrides });
  return { ...setup, token: tokens.access_token, event };
}
