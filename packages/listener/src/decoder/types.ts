import type { Gesture } from '@pressgate/protocol';

/** Gesture timing of one button, in device milliseconds. */
export type Timing = { doublePressMs: number; longPressMs: number; debounceMs: number };

/** A configured button: its timing and the gestures that have a mapping. */
export type ButtonSetup = { timing: Timing; mapped: ReadonlySet<Gesture> };

/**
 * The host clock and timers the decoder runs its deadlines on. `now()` must be the clock that
 * `hostMs` values passed to `push` come from.
 */
export type Clock = {
  now(): number;
  /**
   * Run `fn` once, `ms` (possibly fractional) from now; 0 means after the I/O already waiting
   * (the next turn of the event loop). It may fire a little early: the decoder checks `now()`.
   */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** One decoded gesture. `deviceMs` is the device uptime (u32) at which it was decided. */
export type DecodedGesture = {
  button: number;
  gesture: Gesture;
  deviceMs: number;
  mapped: boolean;
  source: 'edges' | 'device';
};

export const DECODER_ANOMALY_KINDS = [
  'seq_gap',
  'double_down',
  'up_without_down',
  'device_restart',
  'unknown_button',
  'bounce',
  'late_edge',
] as const;

/**
 * - `seq_gap`: lines were lost (all buttons reset).
 * - `double_down` / `up_without_down`: an edge that contradicts the button's state (button reset).
 * - `device_restart`: a `HELLO` after lines, or device time stepping back (all buttons reset).
 * - `unknown_button`: edges or gestures from a button that is not configured (once per button).
 * - `bounce`: a press shorter than `debounceMs`, or a new press within `debounceMs` of a release
 *   (release bounce, swallowed with its `U`), ignored as contact noise.
 * - `late_edge`: an edge that arrived after a host timer had already decided past its device
 *   time (delivery delay beyond the window); the press it belongs to is dropped.
 */
export type DecoderAnomalyKind = (typeof DECODER_ANOMALY_KINDS)[number];

export type DecoderAnomaly = { kind: DecoderAnomalyKind; button?: number; detail: string };

export type GestureDecoderOptions = {
  /** The remote's timing, for buttons not in `buttons`. */
  defaults: Timing;
  /** Configured buttons. */
  buttons: ReadonlyMap<number, ButtonSetup>;
  /** Default: a monotonic clock (performance.now) and the global timers. */
  clock?: Clock;
  onGesture(gesture: DecodedGesture): void;
  onAnomaly?(anomaly: DecoderAnomaly): void;
};
