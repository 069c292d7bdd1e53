import { describe, expect, it } from 'vitest';
import { isDeviceRestart, msStep, seqGap, signedMsStep, wrapMs } from './sequence.js';

describe('seqGap', () => {
  it('is 0 for the next seq, including across the 16-bit wrap', () => {
    expect(seqGap(0, 1)).toBe(0);
    expect(seqGap(41, 42)).toBe(0);
    expect(seqGap(65534, 65535)).toBe(0);
    expect(seqGap(65535, 0)).toBe(0);
  });

  it('counts the lost lines, across the wrap too', () => {
    expect(seqGap(10, 13)).toBe(2);
    expect(seqGap(65535, 1)).toBe(1);
    expect(seqGap(65530, 4)).toBe(9);
  });

  it('reads a repeated or earlier seq as a large gap', () => {
    expect(seqGap(7, 7)).toBe(65535);
    expect(seqGap(7, 6)).toBe(65534);
    expect(seqGap(0, 65535)).toBe(65534);
  });
});

describe('msStep', () => {
  it('is the forward distance modulo 2^32', () => {
    expect(msStep(1000, 1090)).toBe(90);
    expect(msStep(5, 5)).toBe(0);
    expect(msStep(4294967295, 0)).toBe(1);
    expect(msStep(4294967200, 204)).toBe(300);
    expect(msStep(1, 0)).toBe(4294967295);
  });
});

describe('isDeviceRestart', () => {
  it('is false for forward steps up to 2^31, wrap included', () => {
    expect(isDeviceRestart(1000, 1000)).toBe(false);
    expect(isDeviceRestart(4294967295, 0)).toBe(false);
    expect(isDeviceRestart(0, 2 ** 31)).toBe(false);
    expect(isDeviceRestart(2 ** 32 - 100, 2 ** 31 - 101)).toBe(false);
  });

  it('is true when time went backwards: a step over 2^31', () => {
    expect(isDeviceRestart(0, 2 ** 31 + 1)).toBe(true);
    expect(isDeviceRestart(86_400_000, 150)).toBe(true);
    expect(isDeviceRestart(1001, 1000)).toBe(true);
  });
});

describe('wrap arithmetic as the decoder uses it', () => {
  it.each([
    [0, 10, 10],
    [2 ** 32 - 5, 5, 10],
    [10, 0, 2 ** 32 - 10],
  ])('msStep(%d, %d) = %d', (from, to, step) => expect(msStep(from, to)).toBe(step));

  it.each([
    [1, 2, 0],
    [65535, 0, 0],
    [65535, 2, 2],
    [5, 5, 65535],
  ])('seqGap(%d, %d) = %d', (prev, next, skipped) => expect(seqGap(prev, next)).toBe(skipped));

  it('maps an unwrapped timeline back to u32', () => {
    expect(wrapMs(2 ** 32 + 7)).toBe(7);
    expect(wrapMs(123)).toBe(123);
  });
});

describe('signedMsStep', () => {
  it('is the short way round the u32 clock: forward across the wrap, negative when earlier', () => {
    expect(signedMsStep(1000, 1500)).toBe(500);
    expect(signedMsStep(1500, 1000)).toBe(-500);
    expect(signedMsStep(2 ** 32 - 100, 50)).toBe(150);
    expect(signedMsStep(50, 2 ** 32 - 100)).toBe(-150);
    expect(signedMsStep(0, 2 ** 31)).toBe(2 ** 31);
  });
});
