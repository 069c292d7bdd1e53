import { describe, expect, it } from 'vitest';
import { seqSkipped, stepMs, toDeviceMs } from './wrap-arithmetic.js';

describe('wrap arithmetic', () => {
  it.each([
    [0, 10, 10],
    [2 ** 32 - 5, 5, 10],
    [10, 0, 2 ** 32 - 10],
  ])('stepMs(%d, %d) = %d', (from, to, step) => expect(stepMs(from, to)).toBe(step));

  it.each([
    [1, 2, 0],
    [65535, 0, 0],
    [65535, 2, 2],
    [5, 5, 65535],
  ])('seqSkipped(%d, %d) = %d', (prev, next, skipped) => expect(seqSkipped(prev, next)).toBe(skipped));

  it('maps the unwrapped timeline back to u32', () => {
    expect(toDeviceMs(2 ** 32 + 7)).toBe(7);
    expect(toDeviceMs(123)).toBe(123);
  });
});
