import { HELLO, summary, testListener, testPtyPair, testRemote, waitFor } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

describe('Listener and buttons the HELLO did not announce', () => {
  it('drops E and G lines above the HELLO button count with a warning and a count, never decoding them', async () => {
    const pair = await testPtyPair();
    const remote = await testRemote(pair, { answer: HELLO }); // 4 buttons
    const { listener, seen, records } = testListener({ path: pair.hostPath, baudRate: 115200 });
    await listener.start();
    // Button 5 edges and a device gesture for button 9 (both above 4), around a real press of 1.
    await remote.send(
      'E 1 1000 5 D\nE 2 1050 1 D\nG 3 1080 9 single\nE 4 1100 5 U\nE 5 1120 1 U\nE 6 1500 4 D\nE 7 1560 4 U\n',
    );
    await waitFor(
      'both real presses decoded',
      () => seen.gesture.length === 2,
      () => summary(seen),
    );
    expect(seen.gesture.map((gesture) => gesture.button)).toEqual([1, 4]);
    expect(listener.state().unreadableLines).toBe(3);
    // No gap: the dropped lines' seq still counted, so the press on button 1 survived them.
    expect(seen.anomaly.map((anomaly) => anomaly.kind)).not.toContain('seq_gap');
    expect(records).toContainEqual(
      expect.objectContaining({
        level: 40,
        code: 'ERR_LISTENER_BUTTON_RANGE',
        example: expect.stringMatching(/button 5.*4 buttons/),
      }),
    );
    // Rate-limited: one warning for the burst.
    expect(records.filter((record) => record.code === 'ERR_LISTENER_BUTTON_RANGE')).toHaveLength(1);
  });
});
