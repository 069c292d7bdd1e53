import type { Listener } from '@pressgate/listener';
import { isDeviceRestart, MS_MODULO, type ParseResult } from '@pressgate/protocol';

/** How many recent lines the device-to-wall offset is estimated from. */
const SAMPLE_WINDOW = 32;

type Sample = { deviceMs: number; wallMs: number };

/**
 * Maps device uptime (u32 ms, wraps) to wall-clock time, for the `at` of a
 * gesture: when the device detected it, not when the host got around to it.
 *
 * Each line that carries `ms` is a sample: it left the device at `deviceMs`
 * and arrived at `wallMs`, so `wallMs - deviceMs` is the offset plus that
 * line's transport delay. The smallest value over the last few lines is the
 * best estimate (the line that was delayed least); a small window follows a
 * device crystal that drifts. The result is never later than now. It resets
 * itself when the device clock steps backwards (a restart nobody announced);
 * reset it too on HELLO and on a reconnect: the uptime starts again.
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

  /**
   * Take one line from the device, as a Listener's `line` event carries it:
   * HELLO resets (the device restarted or reconnected), a line with `ms` is a
   * sample, anything else is ignored. `pressgate run` and `pressgate listen`
   * both feed their lines through here.
   */
  observeLine(line: { result: ParseResult; at: string }): void {
    if (!line.result.ok) return;
    const message = line.result.message;
    if (message.type === 'hello') this.reset();
    else if ('ms' in message) this.observe(message.ms, Date.parse(line.at));
  }

  reset(): void {
    this.#samples.length = 0;
  }

  /** Wall time (epoch ms) of device time `deviceMs`; `nowMs` when nothing was observed yet. */
  toWallMs(deviceMs: number, nowMs: number): number {
    let best: number | undefined;
    for (const sample of this.#samples) {
      const estimate = sample.wallMs + signedStep(sample.deviceMs, deviceMs);
      if (best === undefined || estimate < best) best = estimate;
    }
    return best === undefined ? nowMs : Math.min(best, nowMs);
  }
}

/** `to - from` on the u32 device clock, as a signed step (-2^31, 2^31]. */
function signedStep(from: number, to: number): number {
  const step = (((to - from) % MS_MODULO) + MS_MODULO) % MS_MODULO;
  return step > MS_MODULO / 2 ? step - MS_MODULO : step;
}

/** A DeviceTime fed by `listener`: every line, and a reset on (re)connect and disconnect. */
export function trackDeviceTime(listener: Listener): DeviceTime {
  const deviceTime = new DeviceTime();
  listener.on('line', (line) => deviceTime.observeLine(line));
  listener.on('connected', () => deviceTime.reset());
  listener.on('disconnected', () => deviceTime.reset());
  return deviceTime;
}
