import { MS_MODULO, SEQ_MODULO } from '@pressgate/protocol';

/** A step of device time larger than this is time going backwards: the device restarted. */
export const MAX_FORWARD_STEP_MS = 2 ** 31;

/** Forward distance from device time `from` to `to`, both u32 that wrap: (to - from) mod 2^32. */
export function stepMs(from: number, to: number): number {
  return (((to - from) % MS_MODULO) + MS_MODULO) % MS_MODULO;
}

/** How many sequence numbers were skipped between `prev` and `next` (u16 that wraps); 0 when in order. */
export function seqSkipped(prev: number, next: number): number {
  return (((next - prev - 1) % SEQ_MODULO) + SEQ_MODULO) % SEQ_MODULO;
}

/** A position on the decoder's unwrapped device timeline, as the u32 the device would send. */
export function toDeviceMs(timelineMs: number): number {
  return ((timelineMs % MS_MODULO) + MS_MODULO) % MS_MODULO;
}
