import { performance } from 'node:perf_hooks';
import type { Clock } from './types.js';

type Handle = { timeout?: NodeJS.Timeout; immediate?: NodeJS.Immediate };

/**
 * The default clock: monotonic `performance.now()` (a wall clock can jump when NTP steps it,
 * which a Raspberry Pi without an RTC does right after boot) and the global timers.
 * - `setTimeout(fn, 0)` is `setImmediate`: it runs after the I/O already waiting, in the same
 *   turn of the event loop (Node's `setTimeout(fn, 0)` waits at least 1 ms).
 * - Node's timers count whole ms of a loop clock, so they fire up to about 1 ms early or late:
 *   a delay is rounded down, so it errs early, and the caller checks the time and asks again for
 *   what is left. A delay under 1 ms (which Node rounds up to 1) polls with `setImmediate` until
 *   it has passed; I/O is served between polls.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const handle: Handle = {};
    if (ms >= 1) {
      handle.timeout = setTimeout(fn, Math.floor(ms));
    } else if (ms > 0) {
      const dueMs = performance.now() + ms;
      const poll = (): void => {
        if (performance.now() >= dueMs) fn();
        else handle.immediate = setImmediate(poll);
      };
      handle.immediate = setImmediate(poll);
    } else {
      handle.immediate = setImmediate(fn);
    }
    return handle;
  },
  clearTimeout: (handle) => {
    const { timeout, immediate } = (handle ?? {}) as Handle;
    if (timeout !== undefined) clearTimeout(timeout);
    if (immediate !== undefined) clearImmediate(immediate);
  },
};
