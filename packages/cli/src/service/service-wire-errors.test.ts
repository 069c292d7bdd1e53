import { join } from 'node:path';
import { openPtyPair, VirtualRemote } from '@pressgate/device-tools';
import { PressgateConfig } from '@pressgate/protocol';
import { freshDir, waitFor } from '@pressgate/test-kit';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startService } from './service.js';

describe('wire errors in /v1/status', () => {
  it('counts unreadable lines from a remote on a pty, per remote and code', async () => {
    const dir = await freshDir('pressgate-service-wire-');
    const pair = await openPtyPair({
      devicePath: join(dir, 'desk-device'),
      hostPath: join(dir, 'desk-host'),
    });
    onTestFinished(() => pair.kill());
    const remote = new VirtualRemote({ path: pair.devicePath, deviceId: 'rmt-desk', heartbeatMs: 0 });
    onTestFinished(() => remote.stop());
    await remote.start();
    const config = PressgateConfig.parse({
      relay: { host: '127.0.0.1', port: 0, dataDir: join(dir, 'data') },
      alexa: {
        clientId: 'client-id',
        clientSecret: 'client-secret',
        gatewayUrl: 'http://127.0.0.1:9/v3/events',
      },
      directives: { secret: 'service-test-directive-secret' },
      remotes: [
        {
          id: 'desk',
          serial: { path: pair.hostPath },
          endpoint: { endpointId: 'desk-endpoint', friendlyName: 'desk remote' },
          buttons: [
            {
              button: 1,
              instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
              names: [{ text: 'Top', locale: 'en-US' }],
              gestures: { single: { id: 'Button.SinglePush.1' } },
            },
          ],
        },
      ],
    });
    const service = await startService({ config, logger: pino({ level: 'silent' }), watch: false });
    onTestFinished(() => service.stop());
    await waitFor('the remote to connect', () => service.relay.core.remotes()[0]?.connected === true);
    await remote.sendRaw('E 1 1000 9 X\nnot a line at all\nG 2 nope\n');
    const status = await waitFor('three wire errors in /v1/status', async () => {
      const body = (await (await fetch(`${service.relay.url}/v1/status`)).json()) as {
        wireErrors: Record<string, { total: number; byCode: Record<string, number> }>;
      };
      return (body.wireErrors.desk?.total ?? 0) >= 3 ? body : undefined;
    });
    expect(status.wireErrors.desk?.total).toBeGreaterThanOrEqual(3);
    expect(Object.keys(status.wireErrors.desk?.byCode ?? {}).every((code) => code.startsWith('ERR_'))).toBe(
      true,
    );
    expect(service.relay.wireErrors.counts()).toEqual(status.wireErrors);
  });
});
