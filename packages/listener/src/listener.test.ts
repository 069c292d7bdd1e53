import { join } from 'node:path';
import {
  freshDir,
  HELLO,
  summary,
  testListener,
  testPtyPair,
  testRemote,
  waitFor,
} from '@pressgate/test-kit';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import type { PortInfo } from './ports/list-ports.js';

describe('Listener over a real pty', () => {
  it('turns protocol lines into connected, line, press and gesture events', async () => {
    const pair = await testPtyPair();
    const remote = await testRemote(pair, { answer: HELLO });
    const { listener, seen } = testListener({ path: pair.hostPath, baudRate: 115200 });
    await listener.start();
    expect(seen.connected).toEqual([
      { remoteId: 'living-room', path: pair.hostPath, deviceId: 'rmt-1', firmware: '0.1.0', buttons: 4 },
    ]);
    await remote.send('E 1 1000 1 D\nE 2 1100 1 U\nG 3 2000 2 long\n');
    await waitFor(
      'seen.gesture.length >= 2',
      () => seen.gesture.length >= 2,
      () => summary(seen),
    );
    expect(seen.gesture[0]).toMatchObject({
      remoteId: 'living-room',
      button: 1,
      gesture: 'single',
      mapped: true,
      source: 'edges',
    });
    expect(seen.gesture[1]).toMatchObject({ button: 2, gesture: 'long', mapped: false, source: 'device' });
    // The press began before its gesture was decided; a U or a device G is not a press.
    expect(seen.press).toEqual([{ remoteId: 'living-room', button: 1 }]);
    expect(Date.parse(seen.gesture[0]?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(seen.line.map((line) => line.raw)).toEqual([
      HELLO,
      'E 1 1000 1 D',
      'E 2 1100 1 U',
      'G 3 2000 2 long',
    ]);
    expect(listener.state()).toMatchObject({
      connected: true,
      path: pair.hostPath,
      deviceId: 'rmt-1',
      firmware: '0.1.0',
      buttons: 4,
      lastSeenAt: seen.line[3]?.at,
    });
  });

  it('survives unplug and replug on the same path, losing nothing decoded before', async () => {
    const dir = await freshDir('pressgate-listener-');
    const paths = { devicePath: join(dir, 'device'), hostPath: join(dir, 'ttyPRESS0') };
    const first = await testPtyPair(paths);
    const remote = await testRemote(first, { answer: HELLO });
    const { listener, seen } = testListener({ path: paths.hostPath, baudRate: 115200 });
    await listener.start();
    await remote.send('E 1 1000 1 D\nE 2 1100 1 U\nB 3 1200\n');
    await waitFor(
      'seen.gesture.length === 1',
      () => seen.gesture.length === 1,
      () => summary(seen),
    );

    await first.kill();
    await waitFor(
      'seen.disconnected.length === 1',
      () => seen.disconnected.length === 1,
      () => summary(seen),
    );
    expect(seen.disconnected[0]).toMatchObject({ remoteId: 'living-room', code: 'ERR_SERIAL_DISCONNECTED' });
    expect(listener.state().connected).toBe(false);
    await waitFor(
      "seen.retry.some((retry) => retry.code === 'ERR_SERIAL_NOT_FOUND')",
      () => seen.retry.some((retry) => retry.code === 'ERR_SERIAL_NOT_FOUND'),
      () => summary(seen),
    );

    const second = await testPtyPair(paths);
    const again = await testRemote(second, { answer: HELLO });
    await waitFor(
      'seen.connected.length === 2',
      () => seen.connected.length === 2,
      () => summary(seen),
    );
    await again.send('E 1 500 1 D\nE 2 600 1 U\nB 3 700\n');
    await waitFor(
      'seen.gesture.length === 2',
      () => seen.gesture.length === 2,
      () => summary(seen),
    );
    expect(seen.gesture.map((gesture) => [gesture.button, gesture.gesture])).toEqual([
      [1, 'single'],
      [1, 'single'],
    ]);
    expect(listener.state().connected).toBe(true);
  });

  it('finds the remote again by vendor and product id under another path', async () => {
    const dir = await freshDir('pressgate-listener-');
    const first = await testPtyPair({ devicePath: join(dir, 'dev-a'), hostPath: join(dir, 'ttyACM0') });
    await testRemote(first, { answer: HELLO });
    let ports: PortInfo[] = [
      { path: '/dev/ttyS0' },
      { path: first.hostPath, vendorId: '2E8A', productId: '000A', serialNumber: 'A1' },
    ];
    const { listener, seen } = testListener(
      { match: { vendorId: '2e8a', productId: '000a' }, baudRate: 115200 },
      { listPorts: async () => ports },
    );
    await listener.start();
    expect(seen.connected[0]?.path).toBe(first.hostPath);

    ports = [{ path: '/dev/ttyS0' }];
    await first.kill();
    await waitFor(
      "seen.retry.some((retry) => retry.code === 'ERR_SERIAL_NOT_FOUND')",
      () => seen.retry.some((retry) => retry.code === 'ERR_SERIAL_NOT_FOUND'),
      () => summary(seen),
    );
    expect(seen.retry.at(-1)?.message).toContain('pressgate ports');

    const second = await testPtyPair({ devicePath: join(dir, 'dev-b'), hostPath: join(dir, 'ttyACM1') });
    const remote = await testRemote(second, { answer: HELLO });
    ports = [{ path: second.hostPath, vendorId: '2e8a', productId: '000a', serialNumber: 'A1' }];
    await waitFor(
      'seen.connected.length === 2',
      () => seen.connected.length === 2,
      () => summary(seen),
    );
    expect(seen.connected[1]?.path).toBe(second.hostPath);
    await remote.send('E 1 1000 1 D\nE 2 1100 1 U\nB 3 1200\n');
    await waitFor(
      'seen.gesture.length === 1',
      () => seen.gesture.length === 1,
      () => summary(seen),
    );
  });

  it('keeps looking when the path does not exist yet, then connects', async () => {
    const dir = await freshDir('pressgate-listener-');
    const hostPath = join(dir, 'ttyACM0');
    const { listener, seen } = testListener({ path: hostPath, baudRate: 115200 });
    await listener.start();
    expect(listener.state()).toMatchObject({ connected: false, lastError: { code: 'ERR_SERIAL_NOT_FOUND' } });
    expect(seen.retry[0]?.message).toContain('plugged in');
    await waitFor(
      'seen.retry.length >= 3',
      () => seen.retry.length >= 3,
      () => summary(seen),
    );
    const delays = seen.retry.slice(0, 3).map((retry) => retry.delayMs);
    expect(delays).toEqual([30, 60, 120]);
    // Missing from the start is "not connected", said once (not per retry), with the reason.
    expect(seen.disconnected).toEqual([
      { remoteId: 'living-room', code: 'ERR_SERIAL_NOT_FOUND', message: seen.retry[0]?.message },
    ]);

    const pair = await testPtyPair({ devicePath: join(dir, 'device'), hostPath });
    await testRemote(pair, { answer: HELLO });
    await waitFor(
      'seen.connected.length === 1',
      () => seen.connected.length === 1,
      () => summary(seen),
    );
    expect(listener.state().lastError).toBeUndefined();
    expect(seen.disconnected).toHaveLength(1);
  });

  it('treats heartbeat silence as a disconnect and reconnects', async () => {
    const pair = await testPtyPair();
    await testRemote(pair, { answer: HELLO });
    const { listener, seen } = testListener(
      { path: pair.hostPath, baudRate: 115200 },
      { heartbeatTimeoutMs: 300 },
    );
    await listener.start();
    await waitFor(
      'seen.connected.length === 2',
      () => seen.connected.length === 2,
      () => summary(seen),
    );
    expect(seen.disconnected[0]).toMatchObject({ code: 'ERR_SERIAL_SILENT' });
    expect(seen.disconnected[0]?.message).toContain('heartbeat');
  });

  it('stop() closes the port, is idempotent, and an abort signal stops it too', async () => {
    const pair = await testPtyPair();
    await testRemote(pair, { answer: HELLO });
    const { listener } = testListener({ path: pair.hostPath, baudRate: 115200 });
    const controller = new AbortController();
    await listener.start(controller.signal);
    expect(listener.state().connected).toBe(true);
    controller.abort();
    await listener.stop();
    await listener.stop();
    expect(listener.state().connected).toBe(false);
    // The port is free again: another program can open it.
    const other = new SerialPort({ path: pair.hostPath, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => other.open((error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });
});
