import { describe, expect, it } from 'vitest';
import { DeviceTime } from './device-time.js';

describe('DeviceTime', () => {
  it('maps device ms to wall time through the least-delayed line, never later than now', () => {
    const time = new DeviceTime();
    expect(time.toWallMs(5_000, 1_000_000)).toBe(1_000_000);
    time.observe(1_000, 900_040); // arrived 40 ms after it left
    time.observe(2_000, 901_005); // arrived 5 ms after it left: the best estimate
    expect(time.toWallMs(2_500, 1_000_000)).toBe(901_505);
    expect(time.toWallMs(500_000, 901_600)).toBe(901_600);
  });

  it('follows the u32 wrap of the device clock and forgets everything on reset', () => {
    const time = new DeviceTime();
    time.observe(2 ** 32 - 100, 50_000);
    expect(time.toWallMs(50, 1_000_000)).toBe(50_150);
    time.reset();
    expect(time.toWallMs(50, 60_000)).toBe(60_000);
  });
});
