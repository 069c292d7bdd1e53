import { isDeviceRestart, signedMsStep } from '@pressgate/protocol';

/** How many recent lines the device-to-wall offset is estimated from. */
const SAMPLE_WINDOW = 32;

type Sample = { deviceMs: number; wallMs: number };

/**
 * Maps device uptime (u32 ms, wraps) to wall-clock time, for the `at` of a
 * gesture: when the device detected it, not when the host got around to it.
 * See docs/architecture.md, "Device time".
 *
 * Each line that carries `ms` is a sample: it left the device at `deviceMs`
 * and arrived at `wallMs`, so `wallMs - deviceMs` is the offset plus that
 * line's transport delay. The smallest value over the last few lines is the
 * best estimate (the line that was delayed least); a small window follows a
 * device crystal that drifts. The result is never later than now. It resets
 * itself when the device clock steps backwards (a restart nobody announced);
 * the Listener resets it too on a HELLO that means a restart, and on every
 * (re)connect and disconnect: the uptime starts again.
 */
export class DeviceTime {
  readonly #samples: Sample[] = [];

  /** A line with device time `deviceMs` arrived at `wallMs` (epoch ms). */
  observe(deviceMs: number, wallMs: number): void {
    const last = this.#samples.at(-1);
    if (last !== undefined && isDeviceRestart(last.deviceMs, deviceMs)) this.reset();
    this.#samples.push({ deviceMs, wallMs });
    if (this.#samples.length > SAMPLE_WINDOW) this.#samples.shift();
  }

  reset(): void {
    this.#samples.length = 0;
  }

  /** Wall time (epoch ms) of device time `deviceMs`; `nowMs` when nothing was observed yet. */
  toWallMs(deviceMs: number, nowMs: number): number {
    let best: number | undefined;
    for (const sample of this.#samples) {
      const estimate = sample.wallMs + signedMsStep(sample.deviceMs, deviceMs);
      if (best === undefined || estimate < best) best = estimate;
    }
    return best === undefined ? nowMs : Math.min(best, nowMs);
  }
}
