import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openPtyPair, VirtualRemote } from '@pressgate/device-tools';
import { PressgateConfig, type PressgateConfigInput } from '@pressgate/protocol';
import type { RelayEvent } from '@pressgate/relay';
import { freshDir, waitFor } from '@pressgate/test-kit';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Service, startService } from './service.js';

const INSTANCE_1 = '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10';
const INSTANCE_2 = '0c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e62';
/** Every button needs its own instance: remote n gets these with its index as the last digit. */
const instanceOf = (instance: string, remote: number) => `${instance.slice(0, -1)}${remote}`;

function configInput(dataDir: string, remoteIds: string[]): PressgateConfigInput {
  return {
    relay: { host: '127.0.0.1', port: 0, dataDir },
    alexa: {
      clientId: 'client-id',
      clientSecret: 'client-secret',
      gatewayUrl: 'http://127.0.0.1:9/v3/events',
    },
    directives: { secret: 'service-test-directive-secret' },
    remotes: remoteIds.map((id, index) => ({
      id,
      serial: { path: join(dataDir, `${id}-missing-tty`) },
      endpoint: { endpointId: `${id}-endpoint`, friendlyName: `${id} remote` },
      timing: { doublePressMs: 250, longPressMs: 700 },
      buttons: [
        {
          button: 1,
          instance: instanceOf(INSTANCE_1, index),
          names: [{ text: 'Top', locale: 'en-US' }],
          gestures: { single: { id: 'Button.SinglePush.1' }, long: { id: 'Button.LongPush.1' } },
        },
        {
          button: 2,
          instance: instanceOf(INSTANCE_2, index),
          names: [{ text: 'Bottom', locale: 'en-US' }],
          gestures: { double: { id: 'Button.DoublePush.2' } },
          timing: { longPressMs: 1500 },
        },
      ],
    })),
  };
}

function captureLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

describe('Service reload', () => {
  it('applies a valid new config (a remote added) and keeps the old one when the new file is broken', async () => {
    const dir = await freshDir('pressgate-service-');
    const file = join(dir, 'pressgate.yaml');
    const first = configInput(join(dir, 'data'), ['desk']);
    await writeFile(file, JSON.stringify(first));
    const { logger, lines } = captureLogger();
    const service = await startService({
      config: PressgateConfig.parse(first),
      logger,
      configFile: file,
      reloadDebounceMs: 50,
    });
    onTestFinished(() => service.stop());
    expect(service.relay.core.remotes().map((remote) => remote.id)).toEqual(['desk']);

    // A valid change is picked up from the file by the watch, no signal needed.
    await writeFile(file, JSON.stringify(configInput(join(dir, 'data'), ['desk', 'hall'])));
    await waitFor(
      'the watch to reload the file',
      () => service.config().remotes.length === 2,
      () => ({ logs: lines.slice(-5) }),
    );
    expect(service.relay.core.remotes().map((remote) => remote.id)).toEqual(['desk', 'hall']);

    // A broken file: rejected with its problems logged at error; the running config stays.
    const broken = JSON.stringify(configInput(join(dir, 'data'), ['desk'])).replace(
      instanceOf(INSTANCE_2, 0),
      'not-a-uuid',
    );
    await writeFile(file, broken);
    const result = await service.reload('test');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.report).toContain('instance');
    expect(service.config().remotes.map((remote) => remote.id)).toEqual(['desk', 'hall']);
    const rejected = lines.find((line) => String(line.msg).startsWith('new config rejected'));
    expect(rejected?.level).toBe(50);
    expect(JSON.stringify(rejected?.problems)).toContain('remotes[0].buttons[1].instance');

    // The relay still takes gestures for the kept config.
    const ingest = await service.relay.core.ingest({ remoteId: 'hall', button: 2, gesture: 'single' });
    expect(ingest).toMatchObject({ ok: false, code: 'ERR_INGEST_UNMAPPED' });
    await service.stop();
    await service.stop();
  });
});

/** A VirtualRemote on a real pty pair under `dir`; its host side is what the config points at. */
async function pluggedRemote(dir: string, name: string): Promise<string> {
  const pair = await openPtyPair({
    devicePath: join(dir, `${name}-device`),
    hostPath: join(dir, `${name}-host`),
  });
  onTestFinished(() => pair.kill());
  const remote = new VirtualRemote({ path: pair.devicePath, deviceId: `rmt-${name}`, heartbeatMs: 0 });
  onTestFinished(() => remote.stop());
  await remote.start();
  return pair.hostPath;
}

type RemoteChange = { id: string; connected: boolean };

function remoteChanges(service: Service): RemoteChange[] {
  const changes: RemoteChange[] = [];
  const unsubscribe = service.relay.core.subscribe((event: RelayEvent) => {
    if (event.type === 'remote') changes.push({ id: event.remote.id, connected: event.remote.connected });
  });
  onTestFinished(unsubscribe);
  return changes;
}

describe('Service remote status (EndpointHealth)', () => {
  it('reports a remote missing at startup as not connected, once', async () => {
    const dir = await freshDir('pressgate-service-');
    const { logger, lines } = captureLogger('debug');
    const service = new Service({
      config: PressgateConfig.parse(configInput(join(dir, 'data'), ['desk'])),
      logger,
      listener: { reconnect: { initialDelayMs: 20, maxDelayMs: 40 } },
    });
    onTestFinished(() => service.stop());
    const changes = remoteChanges(service);
    await service.start();
    await waitFor(
      'the missing remote reported',
      () => changes.length > 0,
      () => JSON.stringify(changes),
    );
    // Several retries later it is still one report, not one per attempt.
    await waitFor(
      'three retries of the missing remote',
      () => lines.filter((line) => line.msg === 'remote still not available').length >= 3,
      () => JSON.stringify(lines.slice(-5)),
    );
    expect(changes).toEqual([{ id: 'desk', connected: false }]);
    expect(service.relay.core.remotes()[0]).toMatchObject({ id: 'desk', connected: false });
    // Why, for the status page; and never seen, so no lastSeenAt.
    expect(service.relay.core.remotes()[0]?.reason?.code).toBe('ERR_SERIAL_NOT_FOUND');
    expect(service.relay.core.remotes()[0]?.lastSeenAt).toBeUndefined();
  });

  it('on reload reports a removed remote disconnected, and restarts a changed one without UNREACHABLE', async () => {
    const dir = await freshDir('pressgate-service-');
    const input = configInput(join(dir, 'data'), ['desk', 'hall']);
    const [desk, hall] = input.remotes ?? [];
    if (desk === undefined || hall === undefined) throw new Error('no remotes');
    desk.serial = { path: await pluggedRemote(dir, 'desk') };
    hall.serial = { path: await pluggedRemote(dir, 'hall') };
    const file = join(dir, 'pressgate.yaml');
    await writeFile(file, JSON.stringify(input));
    const { logger, lines } = captureLogger();
    const service = await startService({
      config: PressgateConfig.parse(input),
      logger,
      configFile: file,
      watch: false,
    });
    onTestFinished(() => service.stop());
    const connected = (id: string) =>
      service.relay.core.remotes().find((remote) => remote.id === id)?.connected;
    await waitFor(
      'both remotes connected',
      () => connected('desk') === true && connected('hall') === true,
      () => JSON.stringify(service.relay.core.remotes()),
    );

    const changes = remoteChanges(service);
    const next = structuredClone(input);
    next.remotes = [{ ...hall, timing: { doublePressMs: 350, longPressMs: 700 } }];
    await writeFile(file, JSON.stringify(next));
    expect(await service.reload('test')).toEqual({ ok: true, changed: true });
    await waitFor(
      'the changed remote restarted',
      () => changes.some((change) => change.id === 'hall'),
      () => JSON.stringify({ changes, logs: lines.slice(-5) }),
    );
    expect(changes).toEqual([
      { id: 'desk', connected: false },
      { id: 'hall', connected: true },
    ]);
    expect(service.relay.core.remotes()).toEqual([expect.objectContaining({ id: 'hall', connected: true })]);
  });
});
