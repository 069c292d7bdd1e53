import { chmod, realpath } from 'node:fs/promises';
import { encodeLine } from '@pressgate/protocol';
import { HELLO, summary, testListener, testPtyPair, testRemote, waitFor } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

/** Deterministic noise, so a failure can be replayed. */
function noise(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let index = 0; index < length; index += 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    bytes[index] = state >>> 16;
  }
  return bytes;
}

async function connected(options: { heartbeatTimeoutMs?: number } = {}) {
  const pair = await testPtyPair();
  const remote = await testRemote(pair, { answer: HELLO });
  const run = testListener({ path: pair.hostPath, baudRate: 115200 }, options);
  await run.listener.start();
  expect(run.listener.state().connected).toBe(true);
  return { pair, remote, ...run };
}

describe('Listener with bad input over a real pty', () => {
  it('shrugs off random bytes and still decodes the next good lines', async () => {
    const { remote, listener, seen } = await connected();
    await remote.send(noise(4096, 7));
    await remote.send('\nE 1 1000 1 D\nE 2 1100 1 U\nB 3 1200\n');
    await waitFor(
      'seen.gesture.length === 1',
      () => seen.gesture.length === 1,
      () => summary(seen),
    );
    expect(seen.gesture[0]).toMatchObject({ button: 1, gesture: 'single' });
    expect(listener.state().unreadableLines).toBeGreaterThan(0);
    expect(listener.state().connected).toBe(true);
    expect(seen.disconnected).toEqual([]);
  });

  it('counts a 10 KB line without newline as one overlong error and decodes the next line', async () => {
    const { remote, listener, seen } = await connected();
    await remote.send(Buffer.alloc(10 * 1024, 0x45));
    await remote.send('\nE 1 1000 1 D\nE 2 1100 1 U\nB 3 1200\n');
    await waitFor(
      'seen.gesture.length === 1',
      () => seen.gesture.length === 1,
      () => summary(seen),
    );
    const errors = seen.line.flatMap((line) => (line.result.ok ? [] : [line.result.error.code]));
    expect(errors).toEqual(['ERR_WIRE_TOO_LONG']);
    expect(listener.state().unreadableLines).toBe(1);
  });

  it('drops lines with a wrong checksum and never invents a gesture from what is left', async () => {
    const { remote, seen } = await connected();
    const down = encodeLine({ type: 'edge', seq: 1, ms: 1000, button: 1, edge: 'D' }, { checksum: true });
    const corrupted = `${down.slice(0, -2)}${down.endsWith('00') ? '01' : '00'}`;
    const up = encodeLine({ type: 'edge', seq: 2, ms: 1100, button: 1, edge: 'U' }, { checksum: true });
    await remote.send(`${corrupted}\n${up}\n`);
    const goodDown = encodeLine({ type: 'edge', seq: 3, ms: 2000, button: 1, edge: 'D' }, { checksum: true });
    const goodUp = encodeLine({ type: 'edge', seq: 4, ms: 2100, button: 1, edge: 'U' }, { checksum: true });
    await remote.send(`${goodDown}\n${goodUp}\nB 5 2200\n`);
    await waitFor(
      'seen.gesture.length === 1',
      () => seen.gesture.length === 1,
      () => summary(seen),
    );
    expect(seen.line[1]?.result).toMatchObject({ ok: false, error: { code: 'ERR_WIRE_CHECKSUM' } });
    expect(seen.line[2]?.result).toMatchObject({ ok: true, checksum: true });
    expect(seen.gesture).toHaveLength(1);
    expect(seen.gesture[0]?.deviceMs).toBeGreaterThanOrEqual(2000);
  });

  it('takes a burst of 5,000 lines without losing one', async () => {
    const { remote, seen } = await connected();
    const lines: string[] = [];
    for (let seq = 1; seq <= 5000; seq += 1) lines.push(`B ${seq} ${1000 + seq}`);
    await remote.send(`${lines.join('\n')}\n`);
    const heartbeats = (): number =>
      seen.line.filter((line) => line.result.ok && line.result.message.type === 'heartbeat').length;
    await waitFor(
      'heartbeats() === 5000',
      () => heartbeats() === 5000,
      () => `heartbeats ${heartbeats()}; ${summary(seen)}`,
      15_000,
    );
    expect(seen.anomaly.filter((anomaly) => anomaly.kind === 'seq_gap')).toEqual([]);
  });

  it('counts 5,000 junk lines but warns only once per interval', async () => {
    const { remote, listener, records, seen } = await connected();
    await remote.send('this is not protocol\n'.repeat(5000));
    await waitFor(
      'listener.state().unreadableLines === 5000',
      () => listener.state().unreadableLines === 5000,
      () => `unreadable ${listener.state().unreadableLines}; ${summary(seen)}`,
      15_000,
    );
    const warnings = records.filter((record) => record.msg === 'unreadable lines from the remote (ignored)');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 40,
      component: 'listener',
      remoteId: 'living-room',
      count: 1,
    });
    expect(listener.state().connected).toBe(true);
  });

  const isRoot = process.getuid?.() === 0;
  it.skipIf(isRoot)(
    'reports permission denied with the dialout fix and keeps retrying (skipped as root: chmod 000 does not stop root)',
    async () => {
      const pair = await testPtyPair();
      await chmod(await realpath(pair.hostPath), 0o000);
      const { listener, seen } = testListener({ path: pair.hostPath, baudRate: 115200 });
      await listener.start();
      expect(listener.state().lastError?.code).toBe('ERR_SERIAL_PERMISSION');
      expect(seen.retry[0]?.message).toContain('dialout');
      await waitFor(
        'seen.retry.length >= 2',
        () => seen.retry.length >= 2,
        () => summary(seen),
      );
    },
  );
});
