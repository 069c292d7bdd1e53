import { setTimeout as sleep } from 'node:timers/promises';

// Taken when the kit loads, before any test fakes the clock: a test that fakes `performance`
// (vi.useFakeTimers() with its defaults) still gets a deadline in real time.
const realNowMs = performance.now.bind(performance);

/**
 * Polls `check` every `intervalMs` until it returns something other than undefined or false.
 * On timeout it throws with `what` and whatever `seen()` reports, so a failing test says what
 * it was waiting for and what it saw instead. The one polling helper of every package's tests.
 *
 * It sleeps with `node:timers/promises`, which fake timers leave alone, so it also polls in a
 * test that fakes the global `setTimeout` (time being that test's subject).
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  seen: () => unknown = () => undefined,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<T> {
  const deadline = realNowMs() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (realNowMs() > deadline) {
      const saw = seen();
      const text = typeof saw === 'string' ? saw : JSON.stringify(saw);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw: ${text}`);
    }
    await sleep(intervalMs);
  }
}
