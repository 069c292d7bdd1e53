import { DEFAULT_TIMING, PressgateConfig } from '@pressgate/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { decoderSetupFor, listenerOptionsFor } from './listener-options.js';

const config = PressgateConfig.parse({
  relay: { host: '127.0.0.1', port: 0, dataDir: '/tmp/unused' },
  alexa: { clientId: 'client-id', clientSecret: 'client-secret', gatewayUrl: 'http://127.0.0.1:9/v3/events' },
  directives: { secret: 'listener-options-test-directive-secret' },
  remotes: [
    {
      id: 'desk',
      serial: { path: '/tmp/unused/desk-missing-tty' },
      endpoint: { endpointId: 'desk-endpoint', friendlyName: 'desk remote' },
      timing: { doublePressMs: 250, longPressMs: 700 },
      buttons: [
        {
          button: 1,
          instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
          names: [{ text: 'Top', locale: 'en-US' }],
          gestures: { single: { id: 'Button.SinglePush.1' }, long: { id: 'Button.LongPush.1' } },
        },
        {
          button: 2,
          instance: '0c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e60',
          names: [{ text: 'Bottom', locale: 'en-US' }],
          gestures: { double: { id: 'Button.DoublePush.2' } },
          timing: { longPressMs: 1500 },
        },
      ],
    },
  ],
});

describe('listenerOptionsFor', () => {
  it('gives each configured button its own timing and mapped gestures', () => {
    const remote = config.remotes[0];
    if (remote === undefined) throw new Error('no remote');
    const options = listenerOptionsFor(remote, pino({ level: 'silent' }));
    expect(options.remoteId).toBe('desk');
    expect(options.serial).toEqual({ path: '/tmp/unused/desk-missing-tty', baudRate: 115_200 });
    expect(options.decoder.defaults).toEqual({ doublePressMs: 250, longPressMs: 700, debounceMs: 20 });
    expect(options.decoder.buttons.get(1)).toEqual({
      timing: { doublePressMs: 250, longPressMs: 700, debounceMs: 20 },
      mapped: new Set(['single', 'long']),
    });
    expect(options.decoder.buttons.get(2)).toEqual({
      timing: { doublePressMs: 250, longPressMs: 1500, debounceMs: 20 },
      mapped: new Set(['double']),
    });
    expect(options.decoder.buttons.has(3)).toBe(false);
  });
});

describe('decoderSetupFor', () => {
  it('without a remote: the default timing and no configured button, so nothing is mapped', () => {
    const setup = decoderSetupFor(undefined);
    expect(setup.defaults).toEqual(DEFAULT_TIMING);
    expect(setup.buttons.size).toBe(0);
  });
});
