import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isPressgateError } from '@pressgate/protocol';
import { FakeRemote, freshDir, testPtyPair, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openPtyPair } from './pty-pair.js';

const gone = (path: string): Promise<boolean> =>
  access(path).then(
    () => false,
    () => true,
  );

describe('openPtyPair', () => {
  it('connects device side and host side both ways', async () => {
    const pair = await testPtyPair();
    const device = await FakeRemote.open(pair.devicePath);
    onTestFinished(() => device.close());
    const host = await FakeRemote.open(pair.hostPath);
    onTestFinished(() => host.close());
    await device.send('B 1 10\n');
    await host.send('?\n');
    await waitFor(
      "host.received === 'B 1 10\\n' && device.received === '?\\n'",
      () => host.received === 'B 1 10\n' && device.received === '?\n',
      () => JSON.stringify({ host: host.received, device: device.received }),
    );
  });

  it('uses the given link paths, and kill (unplug) removes them', async () => {
    const dir = await freshDir('pressgate-pty-test-');
    const pair = await openPtyPair({ devicePath: join(dir, 'remote'), hostPath: join(dir, 'ttyPRESS0') });
    onTestFinished(() => pair.kill());
    expect(pair.devicePath).toBe(join(dir, 'remote'));
    expect(pair.hostPath).toBe(join(dir, 'ttyPRESS0'));
    expect(await gone(pair.hostPath)).toBe(false);
    await pair.kill();
    await pair.closed;
    expect(await gone(pair.hostPath)).toBe(true);
    expect(await gone(pair.devicePath)).toBe(true);
    await pair.kill();
  });

  it('can be recreated on the same link paths (replug)', async () => {
    const dir = await freshDir('pressgate-pty-test-');
    const paths = { devicePath: join(dir, 'd'), hostPath: join(dir, 'h') };
    const first = await openPtyPair(paths);
    await first.kill();
    const second = await testPtyPair(paths);
    const host = await FakeRemote.open(second.hostPath);
    onTestFinished(() => host.close());
    const device = await FakeRemote.open(second.devicePath);
    onTestFinished(() => device.close());
    await device.send('B 2 20\n');
    await waitFor(
      "host.received === 'B 2 20\\n'",
      () => host.received === 'B 2 20\n',
      () => JSON.stringify(host.received),
    );
  });

  it('removes the temp folder it made once socat exits', async () => {
    const pair = await openPtyPair();
    await pair.kill();
    expect(await gone(dirname(pair.hostPath))).toBe(true);
  });

  it('says how to install socat when it is missing', async () => {
    const error = await openPtyPair({ socatPath: '/nonexistent/socat' }).catch((caught: unknown) => caught);
    expect(isPressgateError(error, 'ERR_PTY_SOCAT_MISSING')).toBe(true);
    expect((error as Error).message).toContain('apt-get install socat');
  });

  it("reports socat's own words when it cannot create the links", async () => {
    const dir = await freshDir('pressgate-pty-test-');
    const error = await openPtyPair({
      devicePath: join(dir, 'no-such-folder', 'd'),
      hostPath: join(dir, 'h'),
    }).catch((caught: unknown) => caught);
    expect(isPressgateError(error, 'ERR_PTY_SOCAT_FAILED')).toBe(true);
    expect((error as Error).message).toContain('no-such-folder');
    expect((error as Error).message).toMatch(/socat said: .*(No such file|symlink)/s);
  });
});
