import { HELLO, summary, testListener, testPtyPair, testRemote, waitFor } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOG_BURST, DEFAULT_LOG_PER_SECOND } from './log-limiter.js';

const EDGE_LINES = 100_000;
const GESTURE_SPACING_MS = 400;

/** `count` edge lines on button 1: down/up pairs, one single press each. */
function edgeLines(count: number): string {
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const press = Math.floor(index / 2);
    const ms = 1_000 + press * GESTURE_SPACING_MS + (index % 2) * 50;
    lines.push(`E ${(index + 1) % 65_536} ${ms} 1 ${index % 2 === 0 ? 'D' : 'U'}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('listener log rate limit over a real pty', () => {
  it('100,000 edge lines: every gesture is an event, the log gets a bounded number of lines', async () => {
    const pair = await testPtyPair();
    const remote = await testRemote(pair, { answer: HELLO });
    const { listener, seen, records } = testListener({ path: pair.hostPath, baudRate: 115200 });
    await listener.start();
    const startedAt = Date.now();
    const before = records.length;
    await remote.send(edgeLines(EDGE_LINES));
    await waitFor(
      'every press to be decoded',
      () => seen.gesture.length >= EDGE_LINES / 2,
      () => summary(seen),
      60_000,
    );
    await listener.stop();
    const elapsedS = (Date.now() - startedAt) / 1000;
    const lines = records.slice(before);
    const gestureLines = lines.filter((record) => record.msg === 'gesture');
    const summaries = lines.filter((record) => /^\d+ similar lines suppressed$/.test(record.msg));
    // The burst, then the rate; each summary says how many were held back.
    const bound = DEFAULT_LOG_BURST + Math.ceil(DEFAULT_LOG_PER_SECOND * elapsedS) + 1;
    expect(gestureLines.length).toBeLessThanOrEqual(bound);
    expect(lines.length).toBeLessThanOrEqual(2 * bound + 20);
    const suppressed = summaries.reduce((sum, record) => sum + Number(record.suppressed), 0);
    expect(gestureLines.length + suppressed).toBe(EDGE_LINES / 2);
  }, 90_000);
});
