import { HELLO, summary, testListener, testPtyPair, testRemote, waitFor } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

/** How much longer than the device's 100 ms the release takes to reach the host. */
const RELEASE_DELAY_MS = 300;

describe('Listener device time', () => {
  it('times a gesture by the device clock through the least-delayed line; junk is ignored, a HELLO nobody asked for starts the clock again', async () => {
    const pair = await testPtyPair();
    const remote = await testRemote(pair, { answer: HELLO });
    const { listener, seen } = testListener({ path: pair.hostPath, baudRate: 115200 });
    await listener.start();
    expect(seen.connected).toHaveLength(1);
    const arrivedAt = (raw: string): number | undefined => {
      const line = seen.line.find((event) => event.raw === raw);
      return line === undefined ? undefined : Date.parse(line.at);
    };
    /** Send `before` (ending with a press), hold the release back, then release: the gesture it ends. */
    const pressSlowly = async (before: string, press: string, release: string) => {
      const gestures = seen.gesture.length;
      await remote.send(`${before}${press}\n`);
      const pressedAt = await waitFor(
        `the press ${press}`,
        () => arrivedAt(press),
        () => summary(seen),
      );
      await waitFor(
        `${RELEASE_DELAY_MS} ms after the press arrived`,
        () => Date.now() - pressedAt > RELEASE_DELAY_MS,
        () => summary(seen),
      );
      await remote.send(`${release}\n`);
      const gesture = await waitFor(
        `the gesture of ${release}`,
        () => seen.gesture[gestures],
        () => summary(seen),
      );
      return { pressedAt, releasedAt: arrivedAt(release) ?? Number.NaN, gesture };
    };

    // The release leaves the device 100 ms after the press but reaches the host later:
    // the press line was delayed least, so the gesture is timed from it.
    const first = await pressSlowly('garbage\n', 'E 1 1000 1 D', 'E 2 1100 1 U');
    expect(first.gesture).toMatchObject({ button: 1, gesture: 'single', deviceMs: 1100 });
    expect(Date.parse(first.gesture.at)).toBe(first.pressedAt + 100);
    expect(Date.parse(first.gesture.at)).toBeLessThan(first.releasedAt);
    expect(seen.line.some((event) => event.raw === 'garbage' && !event.result.ok)).toBe(true);

    // The device restarts and says so; its uptime is 1200 ms. Mixed with the samples from
    // before, device ms 1300 would map to 300 ms after the first press; alone it maps to
    // 100 ms after the new press arrived.
    const second = await pressSlowly(`${HELLO}\n`, 'E 3 1200 1 D', 'E 4 1300 1 U');
    expect(seen.anomaly.map((anomaly) => anomaly.kind)).toContain('device_restart');
    expect(second.gesture).toMatchObject({ button: 1, gesture: 'single', deviceMs: 1300 });
    expect(Date.parse(second.gesture.at)).toBe(second.pressedAt + 100);
  });
});
