import {
  type ButtonSetup,
  type Clock,
  type DecodedGesture,
  type DecoderAnomaly,
  GestureDecoder,
  type Timing,
} from '@pressgate/listener';
import type { Gesture, WireMessage } from '@pressgate/protocol';

/** A clock whose time moves only when a test says so; due timers run in time order. */
export class ManualClock implements Clock {
  #nowMs = 0;
  #nextId = 1;
  readonly #timers = new Map<number, { atMs: number; fn: () => void }>();

  now(): number {
    return this.#nowMs;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.set(id, { atMs: this.#nowMs + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Move to `targetMs` (never back), running every timer due on the way at its own time. */
  advanceTo(targetMs: number): void {
    for (;;) {
      let dueId: number | undefined;
      let dueAt = Number.POSITIVE_INFINITY;
      for (const [id, timer] of this.#timers) {
        if (timer.atMs <= targetMs && timer.atMs < dueAt) {
          dueId = id;
          dueAt = timer.atMs;
        }
      }
      if (dueId === undefined) break;
      const timer = this.#timers.get(dueId);
      this.#timers.delete(dueId);
      this.#nowMs = Math.max(this.#nowMs, dueAt);
      timer?.fn();
    }
    this.#nowMs = Math.max(this.#nowMs, targetMs);
  }
}

export const TIMING: Timing = { doublePressMs: 300, longPressMs: 800, debounceMs: 20 };
export const ALL: readonly Gesture[] = ['single', 'double', 'long'];
/** Host time of device time 0 (plus each line's delay). */
export const HOST_BASE_MS = 50_000;

export type HarnessOptions = {
  /** Mapped gestures per configured button; default button 1 with all three. */
  buttons?: Record<number, readonly Gesture[]>;
  timing?: Timing;
  defaults?: Timing;
  /** Default: a fresh ManualClock. */
  clock?: ManualClock;
};

/** A decoder on a manual clock, fed lines as a remote would send them. */
export class Harness {
  readonly clock: ManualClock;
  readonly gestures: DecodedGesture[] = [];
  /** Host time (clock.now()) at which each of `gestures` was emitted. */
  readonly emittedAtMs: number[] = [];
  readonly anomalies: DecoderAnomaly[] = [];
  readonly decoder: GestureDecoder;
  /** The next seq the remote sends. */
  seq = 0;

  constructor(options: HarnessOptions = {}) {
    this.clock = options.clock ?? new ManualClock();
    const buttons = new Map<number, ButtonSetup>();
    for (const [button, mapped] of Object.entries(options.buttons ?? { 1: ALL })) {
      buttons.set(Number(button), { timing: options.timing ?? TIMING, mapped: new Set(mapped) });
    }
    this.decoder = new GestureDecoder({
      defaults: options.defaults ?? TIMING,
      buttons,
      clock: this.clock,
      onGesture: (gesture) => {
        this.gestures.push(gesture);
        this.emittedAtMs.push(this.clock.now());
      },
      onAnomaly: (anomaly) => this.anomalies.push(anomaly),
    });
  }

  /** Deliver `message` (device time `deviceMs`) at host time deviceMs + HOST_BASE_MS + delayMs. */
  deliver(message: WireMessage, deviceMs: number, delayMs = 0): void {
    this.clock.advanceTo(deviceMs + HOST_BASE_MS + delayMs);
    this.decoder.push(message);
  }

  #nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) % 65536;
    return seq;
  }

  edge(ms: number, button: number, edge: 'D' | 'U', delayMs = 0): void {
    this.deliver({ type: 'edge', seq: this.#nextSeq(), ms: ms >>> 0, button, edge }, ms, delayMs);
  }

  /** A clean press: D at `downMs`, U at `upMs`. */
  press(button: number, downMs: number, upMs: number, delayMs = 0): void {
    this.edge(downMs, button, 'D', delayMs);
    this.edge(upMs, button, 'U', delayMs);
  }

  /** Lines read in one chunk: all pushed at host time `atMs + HOST_BASE_MS`, no timer between. */
  burst(atMs: number, edges: readonly (readonly [ms: number, button: number, edge: 'D' | 'U'])[]): void {
    this.clock.advanceTo(atMs + HOST_BASE_MS);
    for (const [ms, button, edge] of edges) {
      this.decoder.push({ type: 'edge', seq: this.#nextSeq(), ms: ms >>> 0, button, edge });
    }
  }

  heartbeat(ms: number, delayMs = 0): void {
    this.deliver({ type: 'heartbeat', seq: this.#nextSeq(), ms: ms >>> 0 }, ms, delayMs);
  }

  /** Let host time pass to device time `ms` (with the offset the lines established). */
  waitUntil(ms: number): void {
    this.clock.advanceTo(ms + HOST_BASE_MS);
  }

  /** Gestures as `button:gesture@deviceMs`, with `!` for unmapped and `(device)` for G lines. */
  seen(): string[] {
    return this.gestures.map(
      (g) =>
        `${g.button}:${g.gesture}@${g.deviceMs}${g.mapped ? '' : '!'}${g.source === 'device' ? '(device)' : ''}`,
    );
  }

  /** How long after its device time (mapped to host time with no line delay) each gesture left. */
  lagsMs(): number[] {
    return this.gestures.map(
      (g, index) => (this.emittedAtMs[index] ?? Number.NaN) - HOST_BASE_MS - g.deviceMs,
    );
  }

  kinds(): string[] {
    return this.anomalies.map((a) => (a.button === undefined ? a.kind : `${a.kind}:${a.button}`));
  }
}
