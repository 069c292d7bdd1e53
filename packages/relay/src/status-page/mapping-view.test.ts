import { PAGE_TEST_SECRETS, pageTestConfig } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { labelOf, toMappingView } from './mapping-view.js';

describe('toMappingView', () => {
  it('lists every remote with its buttons in number order and an event id or null per gesture', () => {
    expect(toMappingView(pageTestConfig())).toEqual({
      remotes: [
        {
          id: 'living-room',
          endpointId: 'living-room-remote',
          friendlyName: 'Living room remote',
          buttons: [
            {
              button: 1,
              names: ['Alexa.Button.TopButton'],
              label: 'Top button',
              gestures: { single: 'Button.SinglePush.1', double: 'Button.DoublePush.1', long: null },
            },
            {
              button: 3,
              names: ['Bottom button'],
              label: 'Bottom button',
              gestures: { single: null, double: null, long: 'Button.LongPush.3' },
            },
          ],
        },
        {
          id: 'kitchen',
          endpointId: 'kitchen-remote',
          friendlyName: 'Kitchen remote',
          buttons: [
            {
              button: 2,
              names: ['Alexa.Button.OnButton'],
              label: 'On button',
              gestures: { single: 'Kitchen.On', double: null, long: null },
            },
          ],
        },
      ],
    });
  });

  it('carries no secret, token, instance id or serial path', () => {
    const json = JSON.stringify(toMappingView(pageTestConfig()));
    for (const secret of Object.values(PAGE_TEST_SECRETS)) expect(json).not.toContain(secret);
    expect(json).not.toContain('4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10');
    expect(json).not.toContain('/dev/null');
  });
});

describe('labelOf', () => {
  it('prefers a text name, turns an asset id into words, and falls back to the number', () => {
    expect(labelOf([{ asset: 'Alexa.Button.FirstButton' }, { text: 'Lamp', locale: 'en-US' }], 4)).toBe(
      'Lamp',
    );
    expect(labelOf([{ asset: 'Alexa.Button.BrightenButton' }], 4)).toBe('Brighten button');
    expect(labelOf([], 4)).toBe('Button 4');
  });
});
