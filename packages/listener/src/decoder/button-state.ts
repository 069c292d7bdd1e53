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
 * A raw edge waits `debounceMs` before the state machine sees it (at its own time); an opposite
 * edge within that window cancels both as a bounce. While an edge waits, the state machine's
 * deadlines after it wait too, so a release that is only noise cannot end a press early.
 */
export class ButtonState {
  readonly button: number;
  readonly timing: Timing;
  readonly mapped: ReadonlySet<Gesture>;
  /** Wait for a possible second press before `single`; otherwise `single` fires on release. */
  readonly waitsForDouble: boolean;

  private phase: Phase = 'idle';
  /** No edge seen since the last reset: a first `U` belongs to a press we never saw. */
  private fresh = true;
  private downAt = 0;
  private upAt = 0;
  private pending: Edge | undefined;
  private pendingAt = 0;
  /** The latest device time something was decided at; an edge before it arrived too late. */
  private horizon = Number.NEGATIVE_INFINITY;

  constructor(button: number, timing: Timing, mapped: ReadonlySet<Gesture>) {
    this.button = button;
    this.timing = timing;
    this.mapped = mapped;
    this.waitsForDouble = mapped.has('double') || mapped.size === 0;
  }

  /** Forget everything (lost lines, restart, link reset); emits nothing. */
  reset(): void {
    this.phase = 'idle';
    this.fresh = true;
    this.pending = undefined;
    this.horizon = Number.NEGATIVE_INFINITY;
  }

  /** The next device time at which `advance` has something to decide, if any. */
  nextWakeMs(): number | undefined {
    if (this.pending !== undefined) return this.pendingAt + this.timing.debounceMs;
    return this.deadline();
  }

  /** Decide everything due at or before device time `nowMs`, in time order. */
  advance(nowMs: number, sink: ButtonSink): void {
    for (;;) {
      if (this.pending !== undefined) {
        const settleAt = this.pendingAt + this.timing.debounceMs;
        if (settleAt > nowMs) return;
        const edge = this.pending;
        this.pending = undefined;
        if (settleAt > this.horizon) this.horizon = settleAt;
        this.apply(edge, this.pendingAt, sink);
        continue;
      }
      const deadline = this.deadline();
      if (deadline === undefined || deadline > nowMs) return;
      if (deadline > this.horizon) this.horizon = deadline;
      this.expire(deadline, sink);
    }
  }

  /** A raw edge from the wire at device time `atMs` (after `advance(atMs)`). */
  edge(edge: Edge, atMs: number, sink: ButtonSink): void {
    if (atMs < this.horizon) {
      // The release of a press already dropped is no news.
      if (edge === 'D' || this.phase !== 'ignore') {
        sink.anomaly(
          'late_edge',
          this.button,
          `${edge} at device time ${atMs} arrived after a timer decided up to ${this.horizon}; ` +
            'the press it belongs to is dropped (host delivery delayed beyond the gesture window)',
        );
      }
      this.pending = undefined;
      this.fresh = false;
      this.phase = edge === 'D' ? 'ignore' : 'idle';
      return;
    }
    this.advance(atMs, sink);
    if (this.fresh) {
      this.fresh = false;
      if (edge === 'U') return; // released a press that began before we were listening
    }
    if (this.pending !== undefined) {
      if (edge !== this.pending) {
        sink.anomaly(
          'bounce',
          this.button,
          `${this.pending} then ${edge} ${atMs - this.pendingAt} ms later, expected at least ` +
            `debounceMs ${this.timing.debounceMs}; ignored as contact noise`,
        );
        this.pending = undefined;
        this.advance(atMs, sink); // deadlines held back by the noise are due now
        return;
      }
      this.contradiction(edge, sink);
      return;
    }
    const isDown = this.phase !== 'idle' && this.phase !== 'released';
    if ((edge === 'D') === isDown) {
      this.contradiction(edge, sink);
      return;
    }
    this.pending = edge;
    this.pendingAt = atMs;
  }

  private contradiction(edge: Edge, sink: ButtonSink): void {
    this.pending = undefined;
    if (edge === 'D') {
      sink.anomaly('double_down', this.button, 'D while already down (a U was lost); press dropped');
      this.phase = 'ignore';
    } else {
      sink.anomaly('up_without_down', this.button, 'U while up (a D was lost); button reset');
      this.phase = 'idle';
    }
  }

  private deadline(): number | undefined {
    switch (this.phase) {
      case 'down':
      case 'down2':
        return this.downAt + this.timing.longPressMs;
      case 'released':
        return this.upAt + this.timing.doublePressMs;
      default:
        return undefined;
    }
  }

  /** A debounced edge, at the time it happened. */
  private apply(edge: Edge, atMs: number, sink: ButtonSink): void {
    if (edge === 'D') {
      this.phase = this.phase === 'released' ? 'down2' : 'down';
      this.downAt = atMs;
      return;
    }
    const phase = this.phase;
    this.phase = 'idle';
    if (phase === 'down2') {
      sink.gesture(this, 'double', atMs);
    } else if (phase === 'down') {
      if (this.waitsForDouble) {
        this.phase = 'released';
        this.upAt = atMs;
      } else {
        sink.gesture(this, 'single', atMs);
      }
    }
  }

  /** The state machine's deadline passed. */
  private expire(atMs: number, sink: ButtonSink): void {
    if (this.phase === 'released') {
      this.phase = 'idle';
      sink.gesture(this, 'single', atMs);
    } else {
      this.phase = 'held';
      sink.gesture(this, 'long', atMs);
    }
  }
}
