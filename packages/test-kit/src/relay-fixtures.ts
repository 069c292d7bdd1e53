import {
  buildSimpleEvent,
  newMessageId,
  PressgateConfig,
  type PressgateConfigInput,
} from '@pressgate/protocol';
import type { OutboxEntry } from '@pressgate/relay/internals';

/*
 * What the relay's tests (and test/) feed it: the relay test config, directives as the skill's
 * Lambda forwards them, the status page's two-remote config, and outbox entries.
 */

export const LIVING_ROOM_ENDPOINT_ID = 'living-room-remote';
export const BUTTON_1_INSTANCE = '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10';
export const BUTTON_2_INSTANCE = '9b1d2c3e-4f50-4a6b-8c7d-0e1f2a3b4c5d';

export type RelayTestCredentials = { clientId: string; clientSecret: string; directiveSecret: string };

export type RelayTestConfigOptions = {
  dataDir: string;
  gatewayUrl: string;
  lwaTokenUrl: string;
  credentials: RelayTestCredentials;
  maxEventAgeMs?: number;
  apiToken?: string;
  /** Adds button 2 (long only, with a text name) next to button 1 (single + double). */
  withButton2?: boolean;
};

/**
 * The relay config the relay's tests use (in-process and as a child process): one remote,
 * living-room, button 1 with single and double, listening on 127.0.0.1:0.
 */
export function relayTestConfigInput(options: RelayTestConfigOptions): PressgateConfigInput {
  const button1 = {
    button: 1,
    instance: BUTTON_1_INSTANCE,
    names: [{ asset: 'Alexa.Button.TopButton' }],
    gestures: { single: { id: 'Button.SinglePush.1' }, double: { id: 'Button.DoublePush.1' } },
  };
  const button2 = {
    button: 2,
    instance: BUTTON_2_INSTANCE,
    names: [{ text: 'Bottom button', locale: 'en-US' }],
    gestures: { long: { id: 'Button.LongPush.2' } },
  };
  return {
    relay: {
      host: '127.0.0.1',
      port: 0,
      dataDir: options.dataDir,
      ...(options.apiToken === undefined ? {} : { apiToken: options.apiToken }),
    },
    alexa: {
      region: 'NA',
      clientId: options.credentials.clientId,
      clientSecret: options.credentials.clientSecret,
      gatewayUrl: options.gatewayUrl,
      lwaTokenUrl: options.lwaTokenUrl,
      maxEventAgeMs: options.maxEventAgeMs ?? 30_000,
    },
    directives: { secret: options.credentials.directiveSecret },
    remotes: [
      {
        id: 'living-room',
        serial: { path: '/dev/null' },
        endpoint: { endpointId: LIVING_ROOM_ENDPOINT_ID, friendlyName: 'Living room remote' },
        buttons: options.withButton2 === true ? [button1, button2] : [button1],
      },
    ],
  };
}

/** An AcceptGrant as the skill's Lambda forwards it. */
export function acceptGrantDirective(
  code: string,
  granteeToken = 'Atza|grantee-user-token-from-alexa',
): object {
  return {
    directive: {
      header: {
        namespace: 'Alexa.Authorization',
        name: 'AcceptGrant',
        payloadVersion: '3',
        messageId: crypto.randomUUID(),
      },
      payload: {
        grant: { type: 'OAuth2.AuthorizationCode', code },
        grantee: { type: 'BearerToken', token: granteeToken },
      },
    },
  };
}

/** A Discover as the skill's Lambda forwards it. */
export function discoverDirective(scopeToken = 'Atza|discover-user-token-from-alexa'): object {
  return {
    directive: {
      header: {
        namespace: 'Alexa.Discovery',
        name: 'Discover',
        payloadVersion: '3',
        messageId: crypto.randomUUID(),
      },
      payload: { scope: { type: 'BearerToken', token: scopeToken } },
    },
  };
}

export function reportStateDirective(endpointId: string, correlationToken: string): object {
  return {
    directive: {
      header: {
        namespace: 'Alexa',
        name: 'ReportState',
        payloadVersion: '3',
        messageId: crypto.randomUUID(),
        correlationToken,
      },
      endpoint: { scope: { type: 'BearerToken', token: 'Atza|report-user-token' }, endpointId },
      payload: {},
    },
  };
}

export const PAGE_TEST_SECRETS = {
  clientId: 'amzn1.application-oa2-client.status-page-test-id',
  clientSecret: 'status-page-client-secret-0123456789abcdef',
  directiveSecret: 'status-page-directive-secret-0123456789',
  apiToken: 'status-page-api-token-fedcba9876543210',
} as const;

/** Two remotes: living-room (button 1 single+double with an asset name, button 3 long with a text name) and kitchen. */
export function pageTestConfig(): PressgateConfig {
  return PressgateConfig.parse({
    relay: { host: '127.0.0.1', port: 0, dataDir: '/nonexistent', apiToken: PAGE_TEST_SECRETS.apiToken },
    alexa: {
      region: 'NA',
      clientId: PAGE_TEST_SECRETS.clientId,
      clientSecret: PAGE_TEST_SECRETS.clientSecret,
    },
    directives: { secret: PAGE_TEST_SECRETS.directiveSecret },
    remotes: [
      {
        id: 'living-room',
        serial: { path: '/dev/null' },
        endpoint: { endpointId: 'living-room-remote', friendlyName: 'Living room remote' },
        buttons: [
          {
            button: 3,
            instance: '9b1d2c3e-4f50-4a6b-8c7d-0e1f2a3b4c5d',
            names: [{ text: 'Bottom button', locale: 'en-US' }],
            gestures: { long: { id: 'Button.LongPush.3' } },
          },
          {
            button: 1,
            instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
            names: [{ asset: 'Alexa.Button.TopButton' }],
            gestures: {
              single: { id: 'Button.SinglePush.1', names: [{ text: 'Single press', locale: 'en-US' }] },
              double: { id: 'Button.DoublePush.1' },
            },
          },
        ],
      },
      {
        id: 'kitchen',
        serial: { path: '/dev/null' },
        endpoint: { endpointId: 'kitchen-remote', friendlyName: 'Kitchen remote' },
        buttons: [
          {
            button: 2,
            instance: '0b6c1f5e-8d2a-4e3b-9c4d-5e6f7a8b9c00',
            names: [{ asset: 'Alexa.Button.OnButton' }],
            gestures: { single: { id: 'Kitchen.On' } },
          },
        ],
      },
    ],
  });
}

/** An outbox entry for a SimpleEvent created at `createdAt` (epoch ms). */
export function simpleEntry(
  endpointId = 'living-room',
  createdAt = Date.now(),
  eventId = 'Button.SinglePush.1',
  enqueuedAt = Date.now(),
): OutboxEntry {
  const messageId = newMessageId();
  const message = buildSimpleEvent({
    endpointId,
    instance: BUTTON_1_INSTANCE,
    eventId,
    timestamp: createdAt,
    messageId,
  });
  return {
    messageId,
    endpointId,
    eventId,
    createdAt: new Date(createdAt).toISOString(),
    enqueuedAt: new Date(enqueuedAt).toISOString(),
    message: message as unknown as Record<string, unknown>,
  };
}

export type SentEvent = {
  messageId: string;
  scopeToken: string;
  endpointId: string;
};

export function parseSent(body: string): SentEvent & { raw: Record<string, unknown> } {
  const raw = JSON.parse(body) as {
    event: { header: { messageId: string }; endpoint: { scope: { token: string }; endpointId: string } };
  };
  return {
    raw: raw as unknown as Record<string, unknown>,
    messageId: raw.event.header.messageId,
    scopeToken: raw.event.endpoint.scope.token,
    endpointId: raw.event.endpoint.endpointId,
  };
}
