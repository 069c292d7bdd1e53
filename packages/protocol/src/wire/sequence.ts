import { MS_MODULO, SEQ_MODULO } from './message.js';

/**
 * The one home of the wire's wrap arithmetic: `seq` is a u16 and `ms` a u32,
 * both wrap, and every step between two lines is taken modulo their range.
 * See docs/architecture.md, "Device time".
 */
function modulo(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}

/**
 * How many sequenced lines were lost between two consecutive ones, with the
 * 16-bit wrap: 0 when `next` is `previous + 1` (mod 65536). A repeated seq
 * reads as 65535 lost lines; any non-zero gap means the host lost track.
 */
export function seqGap(previous: number, next: number): number {
  return modulo(next - previous - 1, SEQ_MODULO);
}

/** Device milliseconds between two lines, with the 32-bit wrap: `(next - previous) mod 2^32`. */
export function msStep(previous: number, next: number): number {
  return modulo(next - previous, MS_MODULO);
}

/** `to - from` on the u32 device clock as a signed step in (-2^31, 2^31]: negative when `to` is earlier. */
export function signedMsStep(from: number, to: number): number {
  const step = msStep(from, to);
  return step > MS_MODULO / 2 ? step - MS_MODULO : step;
}

/** A position on an unwrapped device timeline, as the u32 the device would send. */
export function wrapMs(timelineMs: number): number {
  return modulo(timelineMs, MS_MODULO);
}

/**
 * True when the device clock went backwards: a step over 2^31 ms (24.8 days)
 * is not explained by the 32-bit wrap, so the device restarted.
 */
export function isDeviceRestart(previousMs: number, nextMs: number): boolean {
  return msStep(previousMs, nextMs) > MS_MODULO / 2;
}
