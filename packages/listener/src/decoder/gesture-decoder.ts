/**
 * Gesture decoder: raw button edges (`E` lines) in, `single` / `double` / `long` out.
 *
 * Rules (see docs/architecture.md, "The path of a gesture" and "Device time"; thresholds are
 * inclusive on the "slow" side):
 * - Time is the device's: every decision compares device ms (u32, wrapping, unwrapped here onto
 *   one timeline), so USB and host jitter do not change what a press means. Deadlines that pass
 *   with no line to prove it run on one host timer at `deviceMs + offset`, where `offset` is the
 *   smallest `hostMs - deviceMs` seen (the least-delayed line), allowed to creep up by 0.2 % of
 *   elapsed device time so a device crystal slower than the host cannot push deadlines early.
 *   Every line also advances all buttons to its device time, so a burst of late lines decodes
 *   exactly like the same lines on time. A timer that wakes early (host timers count whole ms)
 *   waits out the rest; one that is due first yields to pending I/O (`setImmediate` with the
 *   system clock), then decides: no deadline is decided before the host time it maps to.
 * - Debounce, trailing on presses: a `D` counts only once `debounceMs` passed without a `U`; a
 *   shorter press is noise, both edges are dropped (`bounce`). So `debounceMs - 1` is noise and
 *   `debounceMs` is a press. Nothing fires on a press, so this wait costs no latency.
 * - Debounce, leading on releases: the `U` that ends a confirmed press applies at once, so
 *   `single` (no `double` mapped) and `double` fire inside the `push` of that `U`, at its device
 *   time. It opens a guard of `debounceMs`: a `D` inside it is release bounce (`bounce`), dropped
 *   with its matching `U`, and each bounce edge moves the guard to `debounceMs` after itself.
 *   Trade-off: a contact glitch mid-hold (`U` then `D` within `debounceMs` while the finger stays
 *   down) ends the press at the `U` (`single` fires, or the double window opens; after `long`
 *   nothing more fires) and the rest of that hold is swallowed: it never becomes a `long`. A
 *   trailing release debounce would ride out the glitch but delay every release gesture by
 *   `debounceMs`; contacts that chatter mid-hold need a larger `debounceMs` or new switches.
 * - `long`: the hold reaches `longPressMs` (a press of exactly `longPressMs` is long); fires once,
 *   while held. Its release produces nothing.
 * - `single`: a shorter press. If the button maps `double` (or maps nothing, as unknown buttons
 *   do, so a user can see every gesture), it waits: a second press starting less than
 *   `doublePressMs` after the release makes it a `double`; at `doublePressMs` the window is
 *   closed and `single` fires. Otherwise `single` fires on the release, with no wait.
 * - `double`: fires on the second release. A third quick press starts a new gesture (triple =
 *   `double` + `single`). A second press held to `longPressMs` fires `long` alone: the tap
 *   before it is dropped, never emitted as a `single` next to the `long`.
 * - A timer decision is final: an edge arriving later with an earlier device time is `late_edge`
 *   and the press it belongs to is dropped, so no gesture contradicts one already emitted.
 * - Lost lines (seq gap on `E`, `G`, `B`) reset all buttons; a `D` while down or a `U` while up
 *   resets that button (`double_down`: its release is ignored; `up_without_down`); a device
 *   restart (`HELLO` after sequenced lines, or device time stepping back over 2^31) resets all
 *   buttons and the seq/time anchors. After any reset a first `U` (a press begun before) is
 *   ignored quietly. Nothing in progress is ever emitted by a reset.
 * - The decoder is handed a `HELLO` only when it means a restart: the Listener decides that (a
 *   `HELLO` answering the host's `?` never reaches the decoder).
 * - `G` lines pass through (source `device`), mapped per the button's setup.
 * - Buttons not configured decode with `defaults`, every gesture unmapped, one `unknown_button`
 *   anomaly per button for the decoder's life. Unmapped gestures are emitted with `mapped: false`.
 * Callbacks run synchronously inside `push` or the timer and must not throw.
 */
import {
  GESTURES,
  type Gesture,
  isDeviceRestart,
  msStep,
  SEQ_MODULO,
  seqGap,
  type WireMessage,
  wrapMs,
} from '@pressgate/protocol';
import { type ButtonSink, ButtonState } from './button-state.js';
import { checkTiming } from './check-timing.js';
import { systemClock } from './system-clock.js';
import type { Clock, DecoderAnomalyKind, GestureDecoderOptions } from './types.js';
import { DECODER_ANOMALY_KINDS } from './types.js';

/** How fast the offset estimate may rise: 2000 ppm of elapsed device time. */
const OFFSET_CREEP = 0.002;
/** Woken this little before a deadline (ms), the timer counts as on time (float rounding). */
const EARLY_TOLERANCE_MS = 0.001;
/** setTimeout's ceiling (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const NO_GESTURES: ReadonlySet<Gesture> = new Set();

export class GestureDecoder {
  readonly #options: GestureDecoderOptions;
  readonly #clock: Clock;
  readonly #states = new Map<number, ButtonState>();
  readonly #unknownReported = new Set<number>();
  readonly #gestureCounts = Object.fromEntries(GESTURES.map((g) => [g, 0])) as Record<Gesture, number>;
  readonly #anomalyCounts: Record<string, number> = Object.fromEntries(
    DECODER_ANOMALY_KINDS.map((k) => [k, 0]),
  );
  readonly #sink: ButtonSink;
  readonly #onTimer: () => void;

  /** Set once a sequenced line was seen since the last restart or reset. */
  #anchored = false;
  #lastSeq = 0;
  #lastMs = 0;
  /** Device time unwrapped onto one increasing timeline. */
  #timelineMs = 0;
  /** Estimated host time minus timeline time; +Infinity until a line anchors it. */
  #offsetMs = Number.POSITIVE_INFINITY;
  #timer: unknown;
  #timerArmed = false;
  #timerHostMs = 0;
  /** The device time the armed timer is for. */
  #timerWakeMs = 0;
  /** The timer fired once for this deadline and yielded to pending I/O before deciding. */
  #timerYielded = false;
  #stopped = false;

  constructor(options: GestureDecoderOptions) {
    checkTiming('defaults', options.defaults);
    for (const [button, setup] of options.buttons) checkTiming(`button ${button}`, setup.timing);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#sink = {
      gesture: (state, gesture, atMs) => {
        this.#emit(state.button, gesture, wrapMs(atMs), state.mapped.has(gesture), 'edges');
      },
      anomaly: (kind, button, detail) => this.#report(kind, button, detail),
    };
    this.#onTimer = () => this.#fire();
  }

  /** Feed one parsed line; `hostMs` is clock.now() at arrival unless given. */
  push(message: WireMessage, hostMs: number = this.#clock.now()): void {
    if (this.#stopped) return;
    if (message.type === 'log') return;
    if (message.type === 'hello') {
      if (this.#anchored) {
        this.#report(
          'device_restart',
          undefined,
          `HELLO from ${message.deviceId} (firmware ${message.firmware}) after lines: the device restarted; all buttons reset`,
        );
      }
      this.#resetAll();
      return;
    }
    const atMs = this.#track(message.seq, message.ms, hostMs);
    for (const state of this.#states.values()) state.advance(atMs, this.#sink);
    if (message.type === 'edge') {
      this.#stateOf(message.button).edge(message.edge, atMs, this.#sink);
    } else if (message.type === 'gesture') {
      const setup = this.#options.buttons.get(message.button);
      if (setup === undefined) this.#noteUnknown(message.button);
      this.#emit(
        message.button,
        message.gesture,
        message.ms,
        setup?.mapped.has(message.gesture) ?? false,
        'device',
      );
    }
    this.#schedule();
  }

  /** The link was lost or reopened: drop all button state and pending timers, emit nothing. */
  reset(_reason: string): void {
    this.#resetAll();
  }

  /** Counters: gestures by kind, anomalies by kind. */
  stats(): { gestures: Record<Gesture, number>; anomalies: Record<string, number> } {
    return { gestures: { ...this.#gestureCounts }, anomalies: { ...this.#anomalyCounts } };
  }

  /** Clear the timer; later pushes are ignored. Idempotent. */
  stop(): void {
    this.#stopped = true;
    this.#resetAll();
  }

  /** Seq and time checks for a sequenced line; returns its place on the timeline. */
  #track(seq: number, ms: number, hostMs: number): number {
    if (this.#anchored) {
      if (isDeviceRestart(this.#lastMs, ms)) {
        this.#report(
          'device_restart',
          undefined,
          `device time went from ${this.#lastMs} to ${ms} ms, backwards: the device restarted; all buttons reset`,
        );
        this.#resetAll();
      } else {
        const step = msStep(this.#lastMs, ms);
        const skipped = seqGap(this.#lastSeq, seq);
        if (skipped !== 0) {
          this.#report(
            'seq_gap',
            undefined,
            `expected seq ${(this.#lastSeq + 1) % SEQ_MODULO}, got ${seq}: ${skipped} line(s) lost; all buttons reset`,
          );
          for (const state of this.#states.values()) state.reset();
          this.#clearTimer();
          this.#offsetMs = Number.POSITIVE_INFINITY; // a restart may hide behind the gap
        }
        this.#lastSeq = seq;
        this.#lastMs = ms;
        this.#timelineMs += step;
        this.#offsetMs = Math.min(this.#offsetMs + step * OFFSET_CREEP, hostMs - this.#timelineMs);
        return this.#timelineMs;
      }
    }
    this.#anchored = true;
    this.#lastSeq = seq;
    this.#lastMs = ms;
    this.#timelineMs = ms;
    this.#offsetMs = hostMs - ms;
    return ms;
  }

  #stateOf(button: number): ButtonState {
    let state = this.#states.get(button);
    if (state === undefined) {
      const setup = this.#options.buttons.get(button);
      if (setup === undefined) this.#noteUnknown(button);
      state = new ButtonState(button, setup?.timing ?? this.#options.defaults, setup?.mapped ?? NO_GESTURES);
      this.#states.set(button, state);
    }
    return state;
  }

  #noteUnknown(button: number): void {
    if (this.#unknownReported.has(button)) return;
    this.#unknownReported.add(button);
    this.#report(
      'unknown_button',
      button,
      `button ${button} is not configured: its gestures are decoded with the remote's timing and not ` +
        'sent; add it under the remote\'s "buttons" to map it',
    );
  }

  #emit(button: number, gesture: Gesture, deviceMs: number, mapped: boolean, source: 'edges' | 'device') {
    this.#gestureCounts[gesture] += 1;
    this.#options.onGesture({ button, gesture, deviceMs, mapped, source });
  }

  #report(kind: DecoderAnomalyKind, button: number | undefined, detail: string): void {
    this.#anomalyCounts[kind] = (this.#anomalyCounts[kind] ?? 0) + 1;
    this.#options.onAnomaly?.(button === undefined ? { kind, detail } : { kind, button, detail });
  }

  #resetAll(): void {
    for (const state of this.#states.values()) state.reset();
    this.#anchored = false;
    this.#offsetMs = Number.POSITIVE_INFINITY;
    this.#clearTimer();
  }

  /** Arm the one timer for the earliest deadline of any button. */
  #schedule(): void {
    let wakeMs = Number.POSITIVE_INFINITY;
    for (const state of this.#states.values()) {
      const at = state.nextWakeMs();
      if (at !== undefined && at < wakeMs) wakeMs = at;
    }
    if (wakeMs === Number.POSITIVE_INFINITY || this.#offsetMs === Number.POSITIVE_INFINITY) {
      this.#clearTimer();
      return;
    }
    const hostMs = wakeMs + this.#offsetMs;
    if (this.#timerArmed && this.#timerHostMs <= hostMs) return; // it fires first and reschedules
    this.#arm(wakeMs, hostMs, hostMs - this.#clock.now());
  }

  #arm(wakeMs: number, hostMs: number, delayMs: number): void {
    this.#clearTimer();
    this.#timerArmed = true;
    this.#timerWakeMs = wakeMs;
    this.#timerHostMs = hostMs;
    this.#timer = this.#clock.setTimeout(this.#onTimer, Math.min(Math.max(delayMs, 0), MAX_TIMER_MS));
  }

  #fire(): void {
    this.#timerArmed = false;
    this.#timer = undefined;
    if (!this.#timerYielded) {
      // Yield to pending I/O first (setImmediate with the system clock: same loop turn, after
      // the poll phase): after a stall, timers run before pending serial reads, and lines
      // already received must be decoded before a deadline is declared passed.
      this.#arm(this.#timerWakeMs, this.#timerHostMs, 0);
      this.#timerYielded = true;
      return;
    }
    this.#timerYielded = false;
    const hostMs = this.#timerWakeMs + this.#offsetMs;
    const earlyMs = hostMs - this.#clock.now();
    if (earlyMs > EARLY_TOLERANCE_MS) {
      // Host timers round to whole ms: woken early, wait out the rest rather than decide a
      // deadline the device has not reached yet.
      this.#arm(this.#timerWakeMs, hostMs, earlyMs);
      return;
    }
    // At least the wake it was armed for: float rounding of the offset must not stall it.
    const nowMs = Math.max(this.#clock.now() - this.#offsetMs, this.#timerWakeMs);
    for (const state of this.#states.values()) state.advance(nowMs, this.#sink);
    this.#schedule();
  }

  #clearTimer(): void {
    if (this.#timerArmed) this.#clock.clearTimeout(this.#timer);
    this.#timerArmed = false;
    this.#timer = undefined;
    this.#timerYielded = false;
  }
}
