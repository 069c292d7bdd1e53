/**
 * Polls `check` every `intervalMs` until it returns something other than undefined or false.
 * On timeout it throws with `what` and whatever `seen()` reports, so a failing test says what
 * it was waiting for and what it saw instead. The one polling helper of every package's tests.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  seen: () => unknown = () => undefined,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) {
      const saw = seen();
      const text = typeof saw === 'string' ? saw : JSON.stringify(saw);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw: ${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
