/**
 * Reconnect delays: doubling from `initialMs` up to `maxMs`, each drawn at random from the upper
 * half of its step ("equal jitter"), so a fleet that lost its broker together does not come back
 * in one wave, and no delay is ever longer than `maxMs`.
 */
export type BackoffOptions = { initialMs: number; maxMs: number; random?: () => number };

export function reconnectDelayMs(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const exponent = Math.min(Math.max(0, attempt), 30);
  const stepMs = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
  return Math.round(stepMs / 2 + random() * (stepMs / 2));
}
