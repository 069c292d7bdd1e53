import { PressgateError } from '@pressgate/protocol';
import type { Timing } from './types.js';

/** Throws ERR_DECODER_TIMING for timing the decoder cannot work with; `where` names the setup. */
export function checkTiming(where: string, timing: Timing): void {
  const { doublePressMs, longPressMs, debounceMs } = timing;
  const valid =
    Number.isFinite(doublePressMs) &&
    Number.isFinite(longPressMs) &&
    Number.isFinite(debounceMs) &&
    debounceMs >= 0 &&
    doublePressMs > 0 &&
    longPressMs > debounceMs;
  if (!valid) {
    throw new PressgateError(
      'ERR_DECODER_TIMING',
      `gesture timing for ${where} must be finite with debounceMs >= 0, doublePressMs > 0 and ` +
        `longPressMs > debounceMs; got ${JSON.stringify(timing)}: fix the remote's "timing" in the config`,
    );
  }
}
