import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './backoff.js';

describe('reconnectDelayMs', () => {
  it('doubles from the first delay and never passes the ceiling', () => {
    const top = (attempt: number) =>
      reconnectDelayMs(attempt, { initialMs: 500, maxMs: 30_000, random: () => 1 });
    expect([0, 1, 2, 3, 6, 7, 50].map(top)).toEqual([500, 1000, 2000, 4000, 30_000, 30_000, 30_000]);
  });

  it('draws from the upper half of each step', () => {
    const bottom = reconnectDelayMs(3, { initialMs: 500, maxMs: 30_000, random: () => 0 });
    expect(bottom).toBe(2000);
    for (let i = 0; i < 100; i += 1) {
      const delay = reconnectDelayMs(i % 10, { initialMs: 500, maxMs: 30_000 });
      expect(delay).toBeGreaterThanOrEqual(250);
      expect(delay).toBeLessThanOrEqual(30_000);
    }
  });
});
