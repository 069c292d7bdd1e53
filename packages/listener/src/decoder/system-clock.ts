import { performance } from 'node:perf_hooks';
import type { Clock } from './types.js';

/**
 * The default clock: monotonic `performance.now()` (a wall clock can jump when NTP steps it,
 * which a Raspberry Pi without an RTC does right after boot) and the global timers.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
