import { type Emulator, startEmulator } from '@pressgate/emulator';
import { isPressgateError, type PressgateConfig, SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';
import {
  captureLogs,
  discoverDirective,
  freshDir,
  HARNESS_CLIENT_ID,
  HARNESS_CLIENT_SECRET,
  HARNESS_DIRECTIVE_SECRET,
  harnessConfig,
} from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createRelay } from './relay.js';

async function setup(): Promise<{ emulator: Emulator; config: PressgateConfig }> {
  const dataDir = await freshDir('pressgate-relay-');
  const emulator = await startEmulator({ clientId: HARNESS_CLIENT_ID, clientSecret: HARNESS_CLIENT_SECRET });
  onTestFinished(() => emulator.close());
  return { emulator, config: harnessConfig({ dataDir, emulator }) };
}

async function discover(url: string): Promise<{ endpointId: string }[]> {
  const body = JSON.stringify(discoverDirective());
  const response = await fetch(`${url}/alexa/directive`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signDirective(HARNESS_DIRECTIVE_SECRET, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
  const answer = (await response.json()) as { event: { payload: { endpoints: { endpointId: string }[] } } };
  return answer.event.payload.endpoints;
}

describe('createRelay', () => {
  it('starts the core and listens on relay.host:relay.port, and stop() is idempotent', async () => {
    const { config } = await setup();
    const logs = captureLogs();
    const relay = createRelay({ config, logger: logs.logger, stopDrainMs: 200 });
    onTestFinished(() => relay.stop());
    expect(relay.url).toBeUndefined();
    const url = await relay.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(relay.url).toBe(url);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/^<!doctype html>/i);
    expect((await discover(url)).map((endpoint) => endpoint.endpointId)).toEqual(['living-room-remote']);

    await Promise.all([relay.stop(), relay.stop()]);
    await relay.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    // The onClose hook stopped the core: it takes no more gestures.
    await expect(
      relay.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single' }),
    ).rejects.toSatisfy((error) => isPressgateError(error, 'ERR_RELAY_STOPPED'));
    expect(logs.entries().map((entry) => entry.msg)).toEqual(
      expect.arrayContaining(['relay listening', 'relay core stopped; outbox flushed', 'relay stopped']),
    );
  });

  it('undoes the core start when it cannot listen (port taken)', async () => {
    const { config } = await setup();
    const first = createRelay({ config, logger: captureLogs().logger, stopDrainMs: 200 });
    onTestFinished(() => first.stop());
    const url = await first.start();
    const port = Number(new URL(url).port);
    const otherDir = await freshDir('pressgate-relay-');
    const second = createRelay({
      config: { ...config, relay: { ...config.relay, port, dataDir: otherDir } },
      logger: captureLogs().logger,
    });
    onTestFinished(() => second.stop());
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expect(
      second.core.ingest({ remoteId: 'living-room', button: 1, gesture: 'single' }),
    ).rejects.toSatisfy((error) => isPressgateError(error, 'ERR_RELAY_STOPPED'));
  });

  it('announces a remote added by updateConfig in the next Discover', async () => {
    const { config } = await setup();
    const relay = createRelay({ config, logger: captureLogs().logger, stopDrainMs: 200 });
    onTestFinished(() => relay.stop());
    const url = await relay.start();
    const [remote] = config.remotes;
    if (remote === undefined) throw new Error('the test config has a remote');
    await relay.updateConfig({
      ...config,
      remotes: [
        ...config.remotes,
        {
          ...remote,
          id: 'kitchen',
          endpoint: { ...remote.endpoint, endpointId: 'kitchen-remote', friendlyName: 'Kitchen remote' },
          buttons: remote.buttons.map((button, index) => ({
            ...button,
            instance: `0b6c1f5e-8d2a-4e3b-9c4d-5e6f7a8b9c${index}0`,
          })),
        },
      ],
    });
    expect((await discover(url)).map((endpoint) => endpoint.endpointId)).toEqual([
      'living-room-remote',
      'kitchen-remote',
    ]);
    const ingest = await relay.core.ingest({ remoteId: 'kitchen', button: 1, gesture: 'single' });
    expect(ingest).toMatchObject({ ok: true, endpointId: 'kitchen-remote' });
  });
});
