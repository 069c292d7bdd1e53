import { PressgateConfig } from '@pressgate/protocol';

export const SECRETS = {
  clientId: 'amzn1.application-oa2-client.status-page-test-id',
  clientSecret: 'status-page-client-secret-0123456789abcdef',
  directiveSecret: 'status-page-directive-secret-0123456789',
  apiToken: 'status-page-api-token-fedcba9876543210',
} as const;

/** Two remotes: living-room (button 1 single+double with an asset name, button 3 long with a text name) and kitchen. */
export function pageTestConfig(): PressgateConfig {
  return PressgateConfig.parse({
    relay: { host: '127.0.0.1', port: 0, dataDir: '/nonexistent', apiToken: SECRETS.apiToken },
    alexa: { region: 'NA', clientId: SECRETS.clientId, clientSecret: SECRETS.clientSecret },
    directives: { secret: SECRETS.directiveSecret },
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
