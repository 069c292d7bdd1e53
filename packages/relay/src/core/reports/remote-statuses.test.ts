import { PressgateConfig } from '@pressgate/protocol';
import { relayTestConfigInput } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { RemoteStatuses } from './remote-statuses.js';

const config = PressgateConfig.parse(
  relayTestConfigInput({
    dataDir: '/tmp/unused',
    gatewayUrl: 'http://127.0.0.1:9/gateway',
    lwaTokenUrl: 'http://127.0.0.1:9/token',
    credentials: {
      clientId: 'client',
      clientSecret: 'secret',
      directiveSecret: 'directive-secret-0123456789',
    },
  }),
);

describe('RemoteStatuses', () => {
  it('gives a remote never connected no lastSeenAt, but the reason it is not connected', () => {
    const statuses = new RemoteStatuses(config);
    const reason = { code: 'ERR_SERIAL_NOT_FOUND', message: 'no such device /dev/ttyACM9' };
    const next = statuses.update(
      'living-room',
      { connected: false, reason },
      Date.parse('2026-01-01T00:00:00Z'),
    );
    expect(next).toEqual({ id: 'living-room', endpointId: expect.any(String), connected: false, reason });
    expect(statuses.heard('living-room')).toBe(true);
  });

  it('keeps the last time a remote was connected, and clears the reason when it connects', () => {
    const statuses = new RemoteStatuses(config);
    statuses.update(
      'living-room',
      { connected: false, reason: { code: 'ERR_SERIAL_BUSY', message: 'busy' } },
      1_000,
    );
    const up = statuses.update('living-room', { connected: true, deviceId: 'rmt-1' }, 2_000);
    expect(up?.reason).toBeUndefined();
    expect(up?.lastSeenAt).toBe(new Date(2_000).toISOString());
    const down = statuses.update(
      'living-room',
      { connected: false, reason: { code: 'ERR_SERIAL_DISCONNECTED', message: 'gone' } },
      3_000,
    );
    expect(down?.lastSeenAt).toBe(new Date(3_000).toISOString());
    const stillDown = statuses.update(
      'living-room',
      { connected: false, reason: { code: 'ERR_SERIAL_NOT_FOUND', message: 'unplugged' } },
      9_000,
    );
    expect(stillDown?.lastSeenAt).toBe(new Date(3_000).toISOString());
    expect(stillDown?.reason?.code).toBe('ERR_SERIAL_NOT_FOUND');
  });
});
