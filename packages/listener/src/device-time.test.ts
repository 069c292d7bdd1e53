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

  it('starts again when the device clock steps backwards (a restart without HELLO)', () => {
    const time = new DeviceTime();
    time.observe(3_600_000, 1_000_000); // up for an hour
    time.observe(3_601_000, 1_001_000);
    // Restarted: uptime 200 ms at wall 1_002_000. Mixed with the old samples it would
    // map to an hour ago; alone it maps to the wall time the device really had.
    time.observe(200, 1_002_000);
    expect(time.toWallMs(700, 1_010_000)).toBe(1_002_500);
    // A u32 wrap is a forward step, not a restart: the samples before it stay.
    const wrapping = new DeviceTime();
    wrapping.observe(2 ** 32 - 50, 500_000);
    wrapping.observe(30, 500_090); // 10 ms late: the first sample stays the best one
    expect(wrapping.toWallMs(100, 600_000)).toBe(500_150);
  });
});
