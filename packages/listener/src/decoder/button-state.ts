import type { Gesture } from '@pressgate/protocol';
import type { DecoderAnomalyKind, Timing } from './types.js';

/** Where the decoder sends what one button produces. Times are on the unwrapped device timeline. */
export interface ButtonSink {
  gesture(state: ButtonState, gesture: Gesture, atMs: number): void;
  anomaly(kind: DecoderAnomalyKind, button: number, detail: string): void;
}

/**
 * - `idle`: up, nothing in progress.
 * - `down`: first press held since `downAt`; becomes `long` at `downAt + longPressMs`.
 * - `released`: a short press ended at `upAt`; `single` unless a press starts before
 *   `upAt + doublePressMs`.
 * - `down2`: second press held since `downAt`; `double` on release, `long` if held.
 * - `held`: `long` fired; the release produces nothing.
 * - `ignore`: down, but the press is not ours to decode (reset mid-press, late line); its release
 *   produces nothing.
 */
type Phase = 'idle' | 'down' | 'released' | 'down2' | 'held' | 'ignore';

type Edge = 'D' | 'U';

/**
 * One button: a debouncer in front of a gesture state machine, both driven by device time.
 * - Press (trailing debounce): a `D` waits `debounceMs` before the state machine sees it (at its
 *   own time); a `U` within that window cancels both as a bounce. While a `D` waits, the deadline
 *   before it (the double window) waits too, so a noise press cannot close or extend it.
 * - Release (leading debounce): the `U` that ends a confirmed press applies at once, and opens a
 *   guard of `debounceMs`: a `D` inside it is release bounce, swallowed with its matching `U`;
 *   every bounce edge moves the guard to `debounceMs` after itself.
 */
export class ButtonState {
  readonly button: number;
  readonly timing: Timing;
  readonly mapped: ReadonlySet<Gesture>;
  /** Wait for a possible second press before `single`; otherwise `single` fires on release. */
  readonly waitsForDouble: boolean;

  #phase: Phase = 'idle';
  /** No edge seen since the last reset: a first `U` belongs to a press we never saw. */
  #fresh = true;
  #downAt = 0;
  #upAt = 0;
  /** A `D` waiting out `debounceMs` since `pendingAt`. */
  #pending = false;
  #pendingAt = 0;
  /** A `D` before this device time is release bounce. */
  #guardUntil = Number.NEGATIVE_INFINITY;
  /** The contact is closed by release bounce: its `U` is swallowed too. */
  #bouncing = false;
  /** The latest device time something was decided at; an edge before it arrived too late. */
  #horizon = Number.NEGATIVE_INFINITY;

  constructor(button: number, timing: Timing, mapped: ReadonlySet<Gesture>) {
    this.button = button;
    this.timing = timing;
    this.mapped = mapped;
    this.waitsForDouble = mapped.has('double') || mapped.size === 0;
  }

  /** Forget everything (lost lines, restart, link reset); emits nothing. */
  reset(): void {
    this.#phase = 'idle';
    this.#fresh = true;
    this.#pending = false;
    this.#bouncing = false;
    this.#guardUntil = Number.NEGATIVE_INFINITY;
    this.#horizon = Number.NEGATIVE_INFINITY;
  }

  /** The next device time at which `advance` has something to decide, if any. */
  nextWakeMs(): number | undefined {
    if (this.#pending) return this.#pendingAt + this.timing.debounceMs;
    return this.#deadline();
  }

  /** Decide everything due at or before device time `nowMs`, in time order. */
  advance(nowMs: number, sink: ButtonSink): void {
    for (;;) {
      if (this.#pending) {
        const settleAt = this.#pendingAt + this.timing.debounceMs;
        if (settleAt > nowMs) return;
        this.#pending = false;
        this.#decided(settleAt);
        this.#press(this.#pendingAt);
        continue;
      }
      const deadline = this.#deadline();
      if (deadline === undefined || deadline > nowMs) return;
      this.#decided(deadline);
      this.#expire(deadline, sink);
    }
  }

  /** A raw edge from the wire at device time `atMs` (after `advance(atMs)`). */
  edge(edge: Edge, atMs: number, sink: ButtonSink): void {
    if (atMs < this.#horizon) {
      // The release of a press already dropped is no news.
      if (edge === 'D' || this.#phase !== 'ignore') {
        sink.anomaly(
          'late_edge',
          this.button,
          `${edge} at device time ${atMs} arrived after a timer decided up to ${this.#horizon}; ` +
            'the press it belongs to is dropped (host delivery delayed beyond the gesture window)',
        );
      }
      this.#settle();
      this.#fresh = false;
      this.#phase = edge === 'D' ? 'ignore' : 'idle';
      return;
    }
    this.advance(atMs, sink);
    if (this.#fresh) {
      this.#fresh = false;
      if (edge === 'U') return; // released a press that began before we were listening
    }
    if (this.#bouncing) {
      if (edge === 'D') {
        this.#contradiction(edge, sink);
        return;
      }
      this.#bouncing = false; // the end of release bounce: swallowed, and the guard goes on
      this.#guardUntil = atMs + this.timing.debounceMs;
      return;
    }
    if (this.#pending) {
      if (edge === 'U') {
        sink.anomaly(
          'bounce',
          this.button,
          `D then U ${atMs - this.#pendingAt} ms later, expected a press of at least ` +
            `debounceMs ${this.timing.debounceMs}; ignored as contact noise`,
        );
        this.#pending = false;
        this.advance(atMs, sink); // a deadline held back by the noise is due now
        return;
      }
      this.#contradiction(edge, sink);
      return;
    }
    const isDown = this.#phase !== 'idle' && this.#phase !== 'released';
    if ((edge === 'D') === isDown) {
      this.#contradiction(edge, sink);
    } else if (edge === 'U') {
      this.#decided(atMs);
      this.#release(atMs, sink);
      this.#guardUntil = atMs + this.timing.debounceMs;
    } else if (atMs < this.#guardUntil) {
      sink.anomaly(
        'bounce',
        this.button,
        `D ${atMs - (this.#guardUntil - this.timing.debounceMs)} ms after the release (or its last ` +
          `bounce), expected it to stay up at least debounceMs ${this.timing.debounceMs}; ignored ` +
          'as release bounce, with its U',
      );
      this.#bouncing = true;
      this.#guardUntil = atMs + this.timing.debounceMs;
    } else {
      this.#pending = true;
      this.#pendingAt = atMs;
    }
  }

  /** Drop the debouncer's state: what waits, and the release guard. */
  #settle(): void {
    this.#pending = false;
    this.#bouncing = false;
    this.#guardUntil = Number.NEGATIVE_INFINITY;
  }

  #decided(atMs: number): void {
    if (atMs > this.#horizon) this.#horizon = atMs;
  }

  #contradiction(edge: Edge, sink: ButtonSink): void {
    this.#settle();
    if (edge === 'D') {
      sink.anomaly('double_down', this.button, 'D while already down (a U was lost); press dropped');
      this.#phase = 'ignore';
    } else {
      sink.anomaly('up_without_down', this.button, 'U while up (a D was lost); button reset');
      this.#phase = 'idle';
    }
  }

  #deadline(): number | undefined {
    switch (this.#phase) {
      case 'down':
      case 'down2':
        return this.#downAt + this.timing.longPressMs;
      case 'released':
        return this.#upAt + this.timing.doublePressMs;
      default:
        return undefined;
    }
  }

  /** A debounced `D`, at the time it happened. */
  #press(atMs: number): void {
    this.#phase = this.#phase === 'released' ? 'down2' : 'down';
    this.#downAt = atMs;
  }

  /** The `U` that ends a confirmed press, applied at once. */
  #release(atMs: number, sink: ButtonSink): void {
    const phase = this.#phase;
    this.#phase = 'idle';
    if (phase === 'down2') {
      sink.gesture(this, 'double', atMs);
    } else if (phase === 'down') {
      if (this.waitsForDouble) {
        this.#phase = 'released';
        this.#upAt = atMs;
      } else {
        sink.gesture(this, 'single', atMs);
      }
    }
  }

  /** The state machine's deadline passed. */
  #expire(atMs: number, sink: ButtonSink): void {
    if (this.#phase === 'released') {
      this.#phase = 'idle';
      sink.gesture(this, 'single', atMs);
    } else {
      this.#phase = 'held';
      sink.gesture(this, 'long', atMs);
    }
  }
}
