import { describe, expect, it } from 'vitest';
import { buildEndpoint, DiscoveryEndpoint, type DiscoveryEndpointInput } from './discovery-endpoint.js';
import {
  AddOrUpdateReportMessage,
  buildAddOrUpdateReport,
  buildDeleteReport,
  buildDiscoverResponse,
  DeleteReportMessage,
  DiscoverResponseMessage,
} from './discovery-messages.js';
import { toAlexaName } from './friendly-name.js';
import { withScopeToken } from './scope-token.js';

const MESSAGE_ID = '5d2f7c1a-8b3e-4f60-9a1d-2c4e6f8a0b1c';

const remote: DiscoveryEndpointInput = {
  endpointId: 'living-room-remote',
  friendlyName: 'Living room remote',
  manufacturerName: 'pressgate',
  description: 'Four button USB remote',
  displayCategory: 'REMOTE',
  buttons: [
    {
      instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
      names: [{ asset: 'Alexa.Button.TopButton' }],
      events: [{ id: 'Button.SinglePush.1', names: [{ asset: 'Alexa.Button.SinglePush' }] }],
    },
    {
      instance: '9b1e2d3c-4a5f-4e6d-8c7b-0a1f2e3d4c5b',
      names: [{ text: 'Bottom button', locale: 'en-US' }],
      events: [
        { id: 'Button.SinglePush.2', names: [{ text: 'Single press', locale: 'en-US' }] },
        { id: 'Button.LongPush.2', names: [{ text: 'Long press', locale: 'en-GB' }] },
      ],
    },
  ],
};

describe('toAlexaName', () => {
  it('turns config names into @type asset and text entries', () => {
    expect(toAlexaName({ asset: 'Alexa.Button.OnButton' })).toStrictEqual({
      '@type': 'asset',
      value: { assetId: 'Alexa.Button.OnButton' },
    });
    expect(toAlexaName({ text: 'Top button', locale: 'en-US' })).toStrictEqual({
      '@type': 'text',
      value: { text: 'Top button', locale: 'en-US' },
    });
  });
});

describe('buildEndpoint', () => {
  it('lists Alexa 3, EndpointHealth 3.2 and one SimpleEventSource 1.0 per button', () => {
    const endpoint = buildEndpoint(remote);
    expect(endpoint).toStrictEqual({
      endpointId: 'living-room-remote',
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
        // Exactly the capability entry docs/alexa.md shows ("Directives").
        {
          type: 'AlexaInterface',
          interface: 'Alexa.SimpleEventSource',
          version: '1.0',
          instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
          capabilityResources: {
            friendlyNames: [{ '@type': 'asset', value: { assetId: 'Alexa.Button.TopButton' } }],
          },
          configuration: {
            supportedEvents: [
              {
                id: 'Button.SinglePush.1',
                friendlyNames: [{ '@type': 'asset', value: { assetId: 'Alexa.Button.SinglePush' } }],
              },
            ],
          },
        },
        {
          type: 'AlexaInterface',
          interface: 'Alexa.SimpleEventSource',
          version: '1.0',
          instance: '9b1e2d3c-4a5f-4e6d-8c7b-0a1f2e3d4c5b',
          capabilityResources: {
            friendlyNames: [{ '@type': 'text', value: { text: 'Bottom button', locale: 'en-US' } }],
          },
          configuration: {
            supportedEvents: [
              {
                id: 'Button.SinglePush.2',
                friendlyNames: [{ '@type': 'text', value: { text: 'Single press', locale: 'en-US' } }],
              },
              {
                id: 'Button.LongPush.2',
                friendlyNames: [{ '@type': 'text', value: { text: 'Long press', locale: 'en-GB' } }],
              },
            ],
          },
        },
      ],
    });
    expect(DiscoveryEndpoint.safeParse(endpoint).success).toBe(true);
  });

  it('carries the cookie only when given, as a copy', () => {
    const cookie = { remoteId: 'living-room' };
    const endpoint = buildEndpoint({ ...remote, cookie });
    expect(endpoint.cookie).toStrictEqual({ remoteId: 'living-room' });
    cookie.remoteId = 'changed';
    expect(endpoint.cookie).toStrictEqual({ remoteId: 'living-room' });
    expect('cookie' in buildEndpoint(remote)).toBe(false);
  });
});

describe('DiscoveryEndpoint', () => {
  it('rejects two buttons with one instance and one button with a repeated event id', () => {
    const [first] = remote.buttons;
    if (first === undefined) throw new Error('fixture has buttons');
    const sameInstance = DiscoveryEndpoint.safeParse(buildEndpoint({ ...remote, buttons: [first, first] }));
    expect(sameInstance.success).toBe(false);
    expect(sameInstance.error?.issues[0]?.message).toContain('4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10');

    const [event] = first.events;
    if (event === undefined) throw new Error('fixture has events');
    const repeated = buildEndpoint({ ...remote, buttons: [{ ...first, events: [event, event] }] });
    expect(DiscoveryEndpoint.safeParse(repeated).success).toBe(false);
  });

  it('rejects a button without names or events, and an endpointId outside Amazon alphabet', () => {
    const [first] = remote.buttons;
    if (first === undefined) throw new Error('fixture has buttons');
    expect(
      DiscoveryEndpoint.safeParse(buildEndpoint({ ...remote, buttons: [{ ...first, names: [] }] })).success,
    ).toBe(false);
    expect(
      DiscoveryEndpoint.safeParse(buildEndpoint({ ...remote, buttons: [{ ...first, events: [] }] })).success,
    ).toBe(false);
    expect(DiscoveryEndpoint.safeParse(buildEndpoint({ ...remote, endpointId: 'living room' })).success).toBe(
      false,
    );
    expect(
      DiscoveryEndpoint.safeParse(buildEndpoint({ ...remote, description: 'x'.repeat(129) })).success,
    ).toBe(false);
  });
});

describe('buildDiscoverResponse', () => {
  it('wraps the endpoints in Alexa.Discovery Discover.Response, payloadVersion 3', () => {
    const endpoint = buildEndpoint(remote);
    const message = buildDiscoverResponse([endpoint], { messageId: MESSAGE_ID });
    expect(message).toStrictEqual({
      event: {
        header: {
          namespace: 'Alexa.Discovery',
          name: 'Discover.Response',
          payloadVersion: '3',
          messageId: '5d2f7c1a-8b3e-4f60-9a1d-2c4e6f8a0b1c',
        },
        payload: { endpoints: [endpoint] },
      },
    });
    expect(DiscoverResponseMessage.safeParse(message).success).toBe(true);
    expect(DiscoverResponseMessage.safeParse(buildDiscoverResponse([])).success).toBe(true);
  });

  it('refuses more than 300 endpoints in the schema', () => {
    const endpoints = Array.from({ length: 301 }, (_, index) =>
      buildEndpoint({ ...remote, endpointId: `remote-${index}` }),
    );
    expect(DiscoverResponseMessage.safeParse(buildDiscoverResponse(endpoints)).success).toBe(false);
    expect(DiscoverResponseMessage.safeParse(buildDiscoverResponse(endpoints.slice(0, 300))).success).toBe(
      true,
    );
  });
});

describe('AddOrUpdateReport and DeleteReport', () => {
  it('puts the token in payload.scope of an AddOrUpdateReport', () => {
    const endpoint = buildEndpoint(remote);
    const message = buildAddOrUpdateReport([endpoint], 'Atza|access', { messageId: MESSAGE_ID });
    expect(message).toStrictEqual({
      event: {
        header: {
          namespace: 'Alexa.Discovery',
          name: 'AddOrUpdateReport',
          payloadVersion: '3',
          messageId: '5d2f7c1a-8b3e-4f60-9a1d-2c4e6f8a0b1c',
        },
        payload: { endpoints: [endpoint], scope: { type: 'BearerToken', token: 'Atza|access' } },
      },
    });
    expect(AddOrUpdateReportMessage.safeParse(message).success).toBe(true);
  });

  it('lists endpoint ids only in a DeleteReport, token in payload.scope', () => {
    const message = buildDeleteReport(['old-remote', 'other-remote'], 'Atza|access', {
      messageId: MESSAGE_ID,
    });
    expect(message).toStrictEqual({
      event: {
        header: {
          namespace: 'Alexa.Discovery',
          name: 'DeleteReport',
          payloadVersion: '3',
          messageId: '5d2f7c1a-8b3e-4f60-9a1d-2c4e6f8a0b1c',
        },
        payload: {
          endpoints: [{ endpointId: 'old-remote' }, { endpointId: 'other-remote' }],
          scope: { type: 'BearerToken', token: 'Atza|access' },
        },
      },
    });
    expect(DeleteReportMessage.safeParse(message).success).toBe(true);
  });

  it('fills the placeholder payload.scope with withScopeToken and adds no endpoint.scope', () => {
    const stored = buildAddOrUpdateReport([buildEndpoint(remote)]);
    expect(stored.event.payload.scope).toStrictEqual({ type: 'BearerToken', token: '' });
    expect(AddOrUpdateReportMessage.safeParse(stored).success).toBe(false);
    const ready = withScopeToken(stored, 'Atza|now');
    expect(ready.event.payload.scope).toStrictEqual({ type: 'BearerToken', token: 'Atza|now' });
    expect('endpoint' in ready.event).toBe(false);
    expect(AddOrUpdateReportMessage.safeParse(ready).success).toBe(true);

    const deleted = withScopeToken(buildDeleteReport(['gone']), 'Atza|now');
    expect(deleted.event.payload.scope.token).toBe('Atza|now');
    expect(DeleteReportMessage.safeParse(deleted).success).toBe(true);
  });
});
