import {
  type FakeRemote,
  HELLO,
  summary,
  testListener,
  testPtyPair,
  testRemote,
  waitFor,
} from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

const queries = (remote: FakeRemote): number =>
  remote.received.split('\n').filter((line) => line === '?').length;

describe('Listener and HELLO answering its own "?"', () => {
  it('loses no gesture when the device answers a "?" late, after edges began; a HELLO nobody asked for still resets', async () => {
    const pair = await testPtyPair();
    const remote = await testRemote(pair); // answers only what this test sends
    const { listener, seen } = testListener(
      { path: pair.hostPath, baudRate: 115200 },
      { helloTimeoutMs: 1000 },
    );
    const started = listener.start();
    // The device is slow: the link asks twice (at 0 and halfway) before the first HELLO.
    await waitFor(
      'queries(remote) === 2',
      () => queries(remote) === 2,
      () => JSON.stringify(remote.received),
    );
    await remote.send(`${HELLO}\n`);
    await started;
    expect(seen.connected).toHaveLength(1);

    // The answer to the second "?" comes mid-press: shown as a line, not a restart.
    await remote.send(`E 1 1000 1 D\n${HELLO}\nE 2 1100 1 U\n`);
    await waitFor(
      'seen.gesture.length === 1',
      () => seen.gesture.length === 1,
      () => summary(seen),
    );
    expect(seen.gesture[0]).toMatchObject({ button: 1, gesture: 'single', deviceMs: 1100 });
    expect(seen.line.filter((line) => line.raw === HELLO)).toHaveLength(2);
    expect(seen.anomaly).toEqual([]);

    // Now every "?" is answered: a HELLO mid-press means the device restarted.
    await remote.send(`E 3 2000 1 D\n${HELLO}\nE 4 2100 1 U\nE 5 3000 1 D\nE 6 3080 1 U\n`);
    await waitFor(
      'seen.gesture.length === 2',
      () => seen.gesture.length === 2,
      () => summary(seen),
    );
    expect(seen.anomaly.map((anomaly) => anomaly.kind)).toContain('device_restart');
    expect(seen.gesture[1]).toMatchObject({ button: 1, gesture: 'single', deviceMs: 3080 });
    // The link stopped asking once a HELLO arrived.
    expect(queries(remote)).toBe(2);
  });

  it('counts the "?" of a failed attempt that a device reads later, and loses no gesture to their answers', async () => {
    const pair = await testPtyPair();
    const { listener, seen } = testListener(
      { path: pair.hostPath, baudRate: 115200 },
      { helloTimeoutMs: 300 },
    );
    // Nothing reads the device side yet: the first attempt's "?" wait in the pty.
    await listener.start();
    expect(seen.retry[0]?.code).toBe('ERR_SERIAL_SILENT');
    const remote = await testRemote(pair);
    await waitFor(
      'queries(remote) >= 3',
      () => queries(remote) >= 3,
      () => JSON.stringify(remote.received),
    );
    const asked = queries(remote);
    await remote.send(`${HELLO}\n`);
    await waitFor(
      'seen.connected.length === 1',
      () => seen.connected.length === 1,
      () => summary(seen),
    );
    // The device answers the stale "?" one by one while the user already presses.
    await remote.send(`E 1 1000 1 D\n${`${HELLO}\n`.repeat(asked - 1)}E 2 1100 1 U\n`);
    await waitFor(
      'seen.gesture.length === 1',
      () => seen.gesture.length === 1,
      () => summary(seen),
    );
    expect(seen.gesture[0]).toMatchObject({ button: 1, gesture: 'single', deviceMs: 1100 });
    expect(seen.anomaly).toEqual([]);
  });
});
