import { waitFor } from './wait-for.js';

/**
 * `waitFor` with the argument order of the cli's former local helper, `(check, seen,
 * timeoutMs)`, for the tests that still call it that way. It is the same loop: new tests call
 * `waitFor(what, check, seen, timeoutMs)`, which also names what they wait for.
 */
export function pollUntil<T>(
  check: () => T | undefined | false,
  seen: () => string,
  timeoutMs = 8_000,
): Promise<T> {
  return waitFor('a condition', check, seen, timeoutMs);
}
