// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openPtyPair, VirtualRemote } from '@pressgate/device-tools';
import { captureIo, freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../cli.js';
import { formatRecord, type MonitorRecord, monitorCommand } from './monitor.js';

async function ptyWithRemote(paths: { hostPath: string; devicePath: string }) {
  const pair = await openPtyPair(paths);
  onTestFinished(() => pair.kill());
  const remote = new VirtualRemote({ path: pair.devicePath, deviceId: 'rmt-desk', buttons: 4 });
  onTestFinished(() => remote.stop());
  await remote.start();
  return { pair, remote };
}

const configText = (port: string) => `alexa: { clientId: test-client, clientSecret: test-secret }
directives: { secret: directive-secret-0123456789 }
remotes:
  - id: desk
    serial: { path: ${port} }
    endpoint: { endpointId: desk-remote, friendlyName: Desk remote }
    buttons:
      - button: 1
        instance: 4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10
        names: [{ text: One, locale: en-US }]
        gestures:
          single: { id: Button.SinglePush.1 }
          double: { id: Button.DoublePush.1 }
      - button: 2
        instance: 9b1d2c47-5e3a-4f68-8c0b-3a7e6d5f4c21
        names: [{ text: Two, locale: en-US }]
        gestures:
          long: { id: Button.LongPush.2 }
`;

function startMonitor(args: string[]) {
  const shutdown = new AbortController();
  const io = captureIo({ signal: shutdown.signal });
  const exit = runCli(['monitor', ...args], io, [monitorCommand]);
  onTestFinished(async () => {
    shutdown.abort();
    await exit;
  });
  const records = (): MonitorRecord[] =>
    io
      .out()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as MonitorRecord);
  return { io, exit, shutdown, records };
}

describe('pressgate monitor --json on a real pty', () => {
  it('shows gestures with their eventIds, unmapped ones as null, bad lines with their code; survives unplug', async () => {
    const dir = await freshDir('pressgate-monitor-');
    const paths = { hostPath: join(dir, 'ttyREMOTE'), devicePath: join(dir, 'device') };
    const config = join(dir, 'pressgate.yaml');
    await writeFile(config, configText(paths.hostPath));
    const first = await ptyWithRemote(paths);
    const { records, exit, shutdown, io } = startMonitor([
      '--port',
      paths.hostPath,
      '--config',
      config,
      '--json',
    ]);
    const seen = () => io.out().slice(-3000) + io.err();
    const byType = <T extends MonitorRecord['type']>(type: T) =>
      records().filter((record): record is Extract<MonitorRecord, { type: T }> => record.type === type);
    await waitFor("byType('connected').length === 1", () => byType('connected').length === 1, seen);
    expect(byType('connected')[0]).toMatchObject({ path: paths.hostPath, deviceId: 'rmt-desk', buttons: 4 });

    const nextGesture = async (press: () => Promise<void>) => {
      const before = byType('gesture').length;
      await press();
      return waitFor("byType('gesture')[before]", () => byType('gesture')[before], seen);
    };
    const single = await nextGesture(() => first.remote.single(1));
    expect(single).toEqual({
      type: 'gesture',
      button: 1,
      gesture: 'single',
      eventId: 'Button.SinglePush.1',
      deviceMs: expect.any(Number),
      at: expect.any(String),
    });
    expect(Object.keys(single)).toEqual(['type', 'button', 'gesture', 'eventId', 'deviceMs', 'at']);
    expect(Date.parse(single.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await nextGesture(() => first.remote.double(1))).toMatchObject({
      button: 1,
      gesture: 'double',
      eventId: 'Button.DoublePush.1',
    });
    expect(await nextGesture(() => first.remote.long(2))).toMatchObject({
      button: 2,
      gesture: 'long',
      eventId: 'Button.LongPush.2',
    });
    // Button 2 maps only long: a short press is decoded and shown, not mapped.
    expect(await nextGesture(() => first.remote.single(2))).toMatchObject({
      button: 2,
      gesture: 'single',
      eventId: null,
    });
    // Button 3 is not in the config at all.
    expect(await nextGesture(() => first.remote.double(3))).toMatchObject({
      button: 3,
      gesture: 'double',
      eventId: null,
    });
    expect(byType('anomaly')).toContainEqual(expect.objectContaining({ kind: 'unknown_button', button: 3 }));

    await first.remote.sendRaw('B 7 5000*71');
    const bad = await waitFor(
      "byType('line').find((line) => !line.ok)",
      () => byType('line').find((line) => !line.ok),
      seen,
    );
    expect(bad).toMatchObject({ raw: 'B 7 5000*71', ok: false, error: { code: 'ERR_WIRE_CHECKSUM' } });
    const good = byType('line').find((line) => line.ok && line.raw.startsWith('E '));
    expect(good).toMatchObject({ ok: true, message: { type: 'edge', button: 1, edge: 'D' } });

    await first.remote.stop();
    await first.pair.kill();
    await waitFor("byType('disconnected').length === 1", () => byType('disconnected').length === 1, seen);
    expect(byType('disconnected')[0]?.code).toMatch(/^ERR_SERIAL_/);
    await ptyWithRemote(paths);
    await waitFor("byType('connected').length === 2", () => byType('connected').length === 2, seen);

    shutdown.abort();
    expect(await exit).toBe(0);
    expect(io.err()).toBe('');
  });

  it('exits 2 without --port, and on a bad config with file:line problems', async () => {
    const none = startMonitor([]);
    expect(await none.exit).toBe(2);
    expect(none.io.err()).toContain('missing required option --port');
    const dir = await freshDir('pressgate-monitor-');
    const config = join(dir, 'pressgate.yaml');
    await writeFile(
      config,
      // The Alexa secrets may be unset for monitor; any other value may not.
      configText('/dev/ttyX').replace('friendlyName: Desk remote', 'friendlyName: "${NOPE}"'),
    );
    const bad = startMonitor(['--port', '/dev/ttyX', '--config', config]);
    expect(await bad.exit).toBe(2);
    expect(bad.io.err()).toMatch(
      /pressgate\.yaml:6:\d+ remotes\[0\]\.endpoint\.friendlyName: environment variable NOPE is not set/,
    );
    const other = startMonitor([
      '--port',
      '/dev/ttyX',
      '--config',
      config.replace('pressgate', 'x'),
      '--remote',
      'a',
    ]);
    expect(await other.exit).toBe(2);
  });
});

describe('formatRecord', () => {
  it('prints aligned columns: time, what, details, with the mapping or "not mapped"', () => {
    const at = new Date(2026, 0, 2, 3, 4, 5, 67).toISOString();
    const mapped = formatRecord({
      type: 'gesture',
      button: 1,
      gesture: 'double',
      eventId: 'Button.DoublePush.1',
      deviceMs: 1234,
      at,
    });
    const unmapped = formatRecord({
      type: 'gesture',
      button: 12,
      gesture: 'long',
      eventId: null,
      deviceMs: 9,
      at,
    });
    const bad = formatRecord({
      type: 'line',
      raw: 'B 7 5000*71',
      ok: false,
      error: { code: 'ERR_WIRE_CHECKSUM', message: 'expected checksum 70' },
      at,
    });
    expect(mapped).toBe(
      '03:04:05.067  GESTURE       button 1   double  Button.DoublePush.1  (device 1234 ms)',
    );
    expect(unmapped).toBe('03:04:05.067  GESTURE       button 12  long    not mapped  (device 9 ms)');
    expect(bad).toBe('03:04:05.067  bad line      ERR_WIRE_CHECKSUM  expected checksum 70');
  });
});
