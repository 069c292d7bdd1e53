import type { PressgateConfigInput } from '@pressgate/protocol';

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
