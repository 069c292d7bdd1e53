import { type ParseResult, parseLine, type WireMessage } from '@pressgate/protocol';
import { testPtyPair, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LineTap } from './line-tap.js';
import { MIN_RELEASE_MS, VirtualRemote, type VirtualRemoteOptions } from './virtual-remote.js';

type Parsed = Extract<ParseResult, { ok: true }>;

/** A pty pair, a tap on the host side (opened first: opening a port flushes what waits in it), a started remote. */
async function setup(options: Omit<VirtualRemoteOptions, 'path'> = {}) {
  const pair = await testPtyPair();
  const tap = await LineTap.open(pair.hostPath);
  onTestFinished(() => tap.close());
  const remote = new VirtualRemote({ path: pair.devicePath, heartbeatMs: 0, ...options });
  onTestFinished(() => remote.stop());
  await remote.start();
  const parsed = (): Parsed[] =>
    tap.lines.map((line) => {
      const result = parseLine(line);
      if (!result.ok)
        throw new Error(`the remote sent an invalid line ${JSON.stringify(line)}: ${result.error.message}`);
      return result;
    });
  const messages = (): WireMessage[] => parsed().map((result) => result.message);
  const waitForLines = (count: number) =>
    waitFor(
      'tap.lines.length >= count',
      () => tap.lines.length >= count,
      () => JSON.stringify(tap.lines),
    );
  return { pair, tap, remote, parsed, messages, waitForLines };
}

describe('VirtualRemote on a real pty', () => {
  it('says HELLO at start, and again when the host asks with ?', async () => {
    const { tap, messages, waitForLines } = await setup({
      deviceId: 'rmt-test',
      firmware: '1.2.3',
      buttons: 6,
    });
    await waitForLines(1);
    const hello = { type: 'hello', proto: 1, deviceId: 'rmt-test', firmware: '1.2.3', buttons: 6 };
    expect(messages()).toEqual([hello]);
    await tap.write('?');
    await waitForLines(2);
    expect(messages()).toEqual([hello, hello]);
    await tap.write('x?');
    await tap.write('?\r');
    await waitForLines(3);
    expect(messages()).toEqual([hello, hello, hello]);
  });

  it('presses with device times that match the hold, one increasing seq for edges and heartbeats', async () => {
    const { remote, messages, waitForLines } = await setup({ startUptimeMs: 5000 });
    const before = remote.uptimeMs();
    await remote.press(2, { holdMs: 90 });
    await remote.heartbeat();
    await remote.double(1);
    await waitForLines(8);
    const [hello, down, up, beat, ...double] = messages();
    expect(hello?.type).toBe('hello');
    expect(down).toMatchObject({ type: 'edge', seq: 0, button: 2, edge: 'D' });
    expect(up).toMatchObject({ type: 'edge', seq: 1, button: 2, edge: 'U' });
    expect(beat).toMatchObject({ type: 'heartbeat', seq: 2 });
    expect(
      double.map((message) => message.type === 'edge' && [message.seq, message.button, message.edge]),
    ).toEqual([
      [3, 1, 'D'],
      [4, 1, 'U'],
      [5, 1, 'D'],
      [6, 1, 'U'],
    ]);
    const ms = messages().flatMap((message) => ('ms' in message ? [message.ms] : []));
    expect(ms[0]).toBeGreaterThanOrEqual(before);
    expect(before).toBeGreaterThanOrEqual(5000);
    // Timers never fire early; a loaded machine may make them late.
    const held = (ms[1] ?? 0) - (ms[0] ?? 0);
    expect(held).toBeGreaterThanOrEqual(90);
    expect(held).toBeLessThan(90 + 150);
    for (let index = 1; index < ms.length; index += 1) {
      expect(ms[index]).toBeGreaterThanOrEqual(ms[index - 1] ?? 0);
    }
    const gap = (ms[5] ?? 0) - (ms[4] ?? 0);
    expect(gap).toBeGreaterThanOrEqual(120);
  });

  it('checksums lines when asked and wraps the device clock at 2^32', async () => {
    const { remote, parsed, waitForLines } = await setup({ checksum: true, startUptimeMs: 2 ** 32 - 30 });
    await remote.press(1, { holdMs: 60 });
    await remote.log('a note');
    await waitForLines(4);
    const results = parsed();
    expect(results.map((result) => result.checksum)).toEqual([true, true, true, false]);
    const [down, up] = results.slice(1, 3).map((result) => result.message);
    expect(down).toMatchObject({ edge: 'D' });
    expect(down?.type === 'edge' && down.ms).toBeGreaterThanOrEqual(2 ** 32 - 30);
    expect(up?.type === 'edge' && up.ms).toBeLessThan(1000);
  });

  it('keeps a released button up at least MIN_RELEASE_MS before pressing it again', async () => {
    const { remote, messages, waitForLines } = await setup();
    await remote.press(1, { holdMs: 30 });
    await remote.press(1, { holdMs: 30 });
    await waitForLines(5);
    const ms = messages().flatMap((message) => (message.type === 'edge' ? [message.ms] : []));
    expect((ms[2] ?? 0) - (ms[1] ?? 0)).toBeGreaterThanOrEqual(MIN_RELEASE_MS);
  });

  it('sends heartbeats on its own, and refuses a button it does not have', async () => {
    const { remote, messages, waitForLines } = await setup({ heartbeatMs: 40, buttons: 2 });
    await waitForLines(3);
    const beats = messages().filter((message) => message.type === 'heartbeat');
    expect(beats.map((beat) => beat.type === 'heartbeat' && beat.seq).slice(0, 2)).toEqual([0, 1]);
    await expect(remote.press(3)).rejects.toMatchObject({ code: 'ERR_SIM_BUTTON' });
  });

  it('reports when the pty pair goes away', async () => {
    const { pair, remote } = await setup();
    let closedWith: unknown;
    remote.once('closed', (error) => {
      closedWith = error;
    });
    await pair.kill();
    // A hung-up pty may only show on a write: keep writing heartbeats until the remote notices.
    const result = await waitFor(
      '{ if (closedWith === undefined) remote.heartbeat().catch(() => {}); return closedWith; }',
      () => {
        if (closedWith === undefined) remote.heartbeat().catch(() => {});
        return closedWith;
      },
      () => `no closed event; remote open: ${remote.isOpen}`,
      3000,
    );
    expect(result).toMatchObject({ code: 'ERR_SIM_CLOSED' });
  });
});
