import { endpoint } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { DiscoveryEndpoints, formatPath, isUtcTimestamp } from './alexa-schemas.js';

function withEventAsset(assetId: string) {
  const value = endpoint();
  const capability = value.capabilities[2] as {
    configuration: { supportedEvents: { friendlyNames: unknown[] }[] };
  };
  const first = capability.configuration.supportedEvents[0];
  if (first) first.friendlyNames = [{ '@type': 'asset', value: { assetId } }];
  return value;
}

describe('isUtcTimestamp', () => {
  it.each([
    '2026-11-22T16:20:50Z',
    '2026-11-22T16:20:50.5Z',
    '2026-11-22T16:20:50.52Z',
    '2026-11-22T16:20:50.520Z',
    '2028-02-29T00:00:00Z',
  ])('accepts %s', (value) => {
    expect(isUtcTimestamp(value)).toBe(true);
  });

  it.each([
    '2026-11-22T16:20:50.5200Z',
    '2026-11-22T16:20:50.Z',
    '2026-11-22T16:20:50:52Z',
    '2026-11-22T16:20:50+00:00',
    '2026-11-22 16:20:50Z',
    '2026-02-30T00:00:00Z',
    '2027-02-29T00:00:00Z',
    '2026-11-22T24:00:00Z',
    '2026-11-22T16:20:60Z',
  ])('rejects %s', (value) => {
    expect(isUtcTimestamp(value)).toBe(false);
  });
});

describe('discovery endpoint schema', () => {
  it('accepts the fixture endpoint and both DoubleTap spellings', () => {
    expect(DiscoveryEndpoints.safeParse([endpoint()]).success).toBe(true);
    expect(DiscoveryEndpoints.safeParse([withEventAsset('Alexa.Gesture.DoubleTap')]).success).toBe(true);
    expect(DiscoveryEndpoints.safeParse([withEventAsset('Alexa.Gestures.DoubleTap')]).success).toBe(true);
  });

  it('rejects asset ids that do not exist', () => {
    for (const assetId of ['Alexa.Gesture.SinglePush', 'Alexa.Button.Off', 'Alexa.Button.NinthButton']) {
      expect(DiscoveryEndpoints.safeParse([withEventAsset(assetId)]).success, assetId).toBe(false);
    }
  });

  it('rejects duplicate endpoint ids and duplicate event ids', () => {
    expect(DiscoveryEndpoints.safeParse([endpoint(), endpoint()]).success).toBe(false);
    const repeated = endpoint();
    const capability = repeated.capabilities[2] as { configuration: { supportedEvents: unknown[] } };
    capability.configuration.supportedEvents.push(capability.configuration.supportedEvents[0]);
    const result = DiscoveryEndpoints.safeParse([repeated]);
    expect(result.error?.issues[0]?.message).toBe('duplicate event id "Button.SinglePush.1"');
  });
});

describe('formatPath', () => {
  it('writes array indexes in brackets', () => {
    expect(formatPath(['event', 'payload', 'endpoints', 0, 'capabilities', 2, 'instance'])).toBe(
      'event.payload.endpoints[0].capabilities[2].instance',
    );
    expect(formatPath([])).toBe('');
  });
});
