import { setTimeout as delay } from 'node:timers/promises';
import { DOUBLE_GAP_MS, DOUBLE_PRESS_MS, LONG_PRESS_HOLD_MS, SHORT_PRESS_MS } from '@pressgate/device-tools';
import { type ButtonSetup, type DecodedGesture, GestureDecoder, type Timing } from '@pressgate/listener';
import { MS_MODULO, SEQ_MODULO } from '@pressgate/protocol';
import type { DemoRemote } from './demo-script.js';

/** Wait this long after a release before the next press, as a finger would (and as the VirtualRemote does). */
const REST_MS = 60;

/**
 * The demo's fallback when socat is missing: the same edges a VirtualRemote
 * would write, pushed straight into a GestureDecoder (the listener's decoding
 * path) without a pseudo-terminal. The device clock is the host's monotonic
 * clock, so `onGesture` gets the wall time the device decided at.
 */
export class InProcessRemote implements DemoRemote {
  readonly #decoder: GestureDecoder;
  readonly #startMs = performance.now();
  #seq = 0;

  constructor(
    setup: { defaults: Timing; buttons: ReadonlyMap<number, ButtonSetup> },
    onGesture: (gesture: DecodedGesture, atMs: number) => void,
  ) {
    this.#decoder = new GestureDecoder({
      defaults: setup.defaults,
      buttons: setup.buttons,
      onGesture: (gesture) => {
        const ageMs = performance.now() - (this.#startMs + gesture.deviceMs);
        onGesture(gesture, Date.now() - Math.max(0, ageMs));
      },
    });
  }

  async edge(button: number, edge: 'D' | 'U'): Promise<void> {
    const ms = Math.floor(performance.now() - this.#startMs) % MS_MODULO;
    this.#decoder.push({ type: 'edge', seq: this.#seq, ms, button, edge });
    this.#seq = (this.#seq + 1) % SEQ_MODULO;
  }

  async press(button: number, holdMs: number): Promise<void> {
    await this.edge(button, 'D');
    await delay(holdMs);
    await this.edge(button, 'U');
    await delay(REST_MS);
  }

  single(button: number): Promise<void> {
    return this.press(button, SHORT_PRESS_MS);
  }

  async double(button: number): Promise<void> {
    await this.edge(button, 'D');
    await delay(DOUBLE_PRESS_MS);
    await this.edge(button, 'U');
    await delay(DOUBLE_GAP_MS);
    await this.press(button, DOUBLE_PRESS_MS);
  }

  long(button: number): Promise<void> {
    return this.press(button, LONG_PRESS_HOLD_MS);
  }

  stop(): void {
    this.#decoder.stop();
  }
}
