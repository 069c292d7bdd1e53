import { HELLO, summary, testListener, testPtyPair, testRemote, waitFor } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

describe('Listener device time', () => {
  it('times a gesture by the device clock through the least-delayed line; junk is ignored, a HELLO nobody asked for starts the clock again', async () => {
    const pair = await testPtyPair();
    const remote = await testRemote(pair, { answer: HELLO });
    const { listener, seen } = testListener({ path: pair.hostPath, baudRate: 115200 });
    await listener.start();
    expect(seen.connected).toHaveLength(1);
    const arrivedAt = (raw: string): number => {
      const line = seen.line.find((event) => event.raw === raw);
      if (line === undefined) throw new Error(`no line ${raw}`);
      return Date.parse(line.at);
    };

    // The release leaves the device 100 ms after the press but reaches the host later:
    // the press line was delayed least, so the gesture is timed from it.
    await remote.send('E 1 1000 1 D\ngarbage\n');
    await waitFor(
      'seen.line.length >= 3',
      () => seen.line.length >= 3,
      () => summary(seen),
    );
    await waitFor(
      "Date.now() - arrivedAt('E 1 1000 1 D') > 300",
      () => Date.now() - arrivedAt('E 1 1000 1 D') > 300,
      () => summary(seen),
    );
    await remote.send('E 2 1100 1 U\n');
    await waitFor(
      'seen.gesture.length === 1',
      () => seen.gesture.length === 1,
      () => summary(seen),
    );
    expect(seen.gesture[0]).toMatchObject({ button: 1, gesture: 'single', deviceMs: 1100 });
    expect(Date.parse(seen.gesture[0]?.at ?? '')).toBe(arrivedAt('E 1 1000 1 D') + 100);
    expect(Date.parse(seen.gesture[0]?.at ?? '')).toBeLessThan(arrivedAt('E 2 1100 1 U'));

    // The device restarts and says so; its uptime is 1200 ms. Mixed with the samples from
    // before, device ms 1300 would map to 300 ms after the first press; alone it maps to
    // 100 ms after the new press arrived.
    await remote.send(`${HELLO}\nE 3 1200 1 D\n`);
    await waitFor(
      "seen.line.some((event) => event.raw === 'E 3 1200 1 D')",
      () => seen.line.some((event) => event.raw === 'E 3 1200 1 D'),
      () => summary(seen),
    );
    await waitFor(
      "Date.now() - arrivedAt('E 3 1200 1 D') > 300",
      () => Date.now() - arrivedAt('E 3 1200 1 D') > 300,
      () => summary(seen),
    );
    await remote.send('E 4 1300 1 U\n');
    await waitFor(
      'seen.gesture.length === 2',
      () => seen.gesture.length === 2,
      () => summary(seen),
    );
    expect(seen.anomaly.map((anomaly) => anomaly.kind)).toContain('device_restart');
    expect(seen.gesture[1]).toMatchObject({ button: 1, gesture: 'single', deviceMs: 1300 });
    expect(Date.parse(seen.gesture[1]?.at ?? '')).toBe(arrivedAt('E 3 1200 1 D') + 100);
  });
});
