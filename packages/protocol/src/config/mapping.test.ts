import { describe, expect, it } from 'vitest';
import { buttonTiming, indexMappings, mappedGestures, resolveGesture } from './mapping.js';
import type { PressgateConfig, PressgateConfigInput } from './schema.js';
import { validateConfig } from './validate.js';

const INPUT: PressgateConfigInput = {
  alexa: { clientId: 'id', clientSecret: 'secret' },
  directives: { secret: 'directive-secret-123' },
  remotes: [
    {
      id: 'desk',
      serial: { path: '/dev/ttyACM0' },
      endpoint: { endpointId: 'desk-remote', friendlyName: 'Desk' },
      timing: { doublePressMs: 250 },
      buttons: [
        {
          button: 1,
          instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
          names: [{ asset: 'Alexa.Button.TopButton' }],
          gestures: { single: { id: 'S1' }, long: { id: 'L1' } },
          timing: { longPressMs: 1500, debounceMs: 40 },
        },
        {
          button: 3,
          instance: '9b1d2c47-5e3a-4f68-8c0b-3a7e6d5f4c21',
          names: [{ text: 'Three', locale: 'en-US' }],
          gestures: { double: { id: 'D3' } },
        },
      ],
    },
    {
      id: 'hall',
      serial: { match: { vendorId: '2E8A', productId: '000a' } },
      endpoint: { endpointId: 'hall-remote', friendlyName: 'Hall' },
      buttons: [
        {
          button: 1,
          instance: '2a6f8e13-7c4d-4b92-a1e5-6d0c9b8f7e34',
          names: [{ asset: 'Alexa.Button.FirstButton' }],
          gestures: { single: { id: 'H1' } },
        },
      ],
    },
  ],
};

function config(): PressgateConfig {
  const result = validateConfig(INPUT, {});
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

describe('resolveGesture and indexMappings', () => {
  const cases: [string, string, number, 'single' | 'double' | 'long', object | undefined][] = [
    [
      'mapped',
      'desk',
      1,
      'long',
      { endpointId: 'desk-remote', instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10', eventId: 'L1' },
    ],
    [
      'mapped on another remote',
      'hall',
      1,
      'single',
      { endpointId: 'hall-remote', instance: '2a6f8e13-7c4d-4b92-a1e5-6d0c9b8f7e34', eventId: 'H1' },
    ],
    ['unmapped gesture', 'desk', 1, 'double', undefined],
    ['unknown button', 'desk', 2, 'single', undefined],
    ['unknown remote', 'attic', 1, 'single', undefined],
  ];
  it.each(cases)('%s', (_name, remoteId, button, gesture, expected) => {
    const validated = config();
    expect(resolveGesture(validated, remoteId, button, gesture)).toEqual(expected);
    expect(indexMappings(validated).resolve(remoteId, button, gesture)).toEqual(expected);
  });

  it('indexes remotes by id', () => {
    const index = indexMappings(config());
    expect(index.remote('hall')?.serial.match).toEqual({ vendorId: '2e8a', productId: '000a' });
    expect(index.remote('attic')).toBeUndefined();
  });
});

describe('mappedGestures', () => {
  it('lists the gestures a button maps, none for an unknown button', () => {
    const desk = config().remotes[0];
    if (desk === undefined) throw new Error('no remote');
    expect([...mappedGestures(desk, 1)].sort()).toEqual(['long', 'single']);
    expect([...mappedGestures(desk, 3)]).toEqual(['double']);
    expect(mappedGestures(desk, 9).size).toBe(0);
  });
});

describe('buttonTiming', () => {
  it('applies button overrides over the remote timing over the defaults', () => {
    const [desk, hall] = config().remotes;
    if (desk === undefined || hall === undefined) throw new Error('no remote');
    expect(buttonTiming(desk, 1)).toEqual({ doublePressMs: 250, longPressMs: 1500, debounceMs: 40 });
    expect(buttonTiming(desk, 3)).toEqual({ doublePressMs: 250, longPressMs: 800, debounceMs: 20 });
    expect(buttonTiming(desk, 9)).toEqual({ doublePressMs: 250, longPressMs: 800, debounceMs: 20 });
    expect(buttonTiming(hall, 1)).toEqual({ doublePressMs: 300, longPressMs: 800, debounceMs: 20 });
  });
});
