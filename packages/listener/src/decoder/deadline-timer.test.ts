import { performance } from 'node:perf_hooks';
import { Harness, ManualClock } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { GestureDecoder } from './gesture-decoder.js';
import { systemClock } from './system-clock.js';

/** Like Node's timers at their worst: a delay of 1 ms or more fires up to 2 ms early (never at once). */
class EarlyClock extends ManualClock {
  override setTimeout(fn: () => void, ms: number): unknown {
    return super.setTimeout(fn, ms >= 1 ? Math.max(1, Math.floor(ms) - 1) : ms);
  }
}

describe('GestureDecoder deadline timer', () => {
  it('decides a deadline at its host time, not before, when the host timer wakes early', () => {
    const h = new Harness({ clock: new EarlyClock() });
    h.edge(1000, 1, 'D', 0.4); // offset HOST_BASE_MS + 0.4: long is due at host 1800.4
    h.waitUntil(1800.39);
    expect(h.seen()).toEqual([]);
    h.waitUntil(1800.4);
    expect(h.seen()).toEqual(['1:long@1800']);
    expect(h.lagsMs()[0]).toBeCloseTo(0.4, 9);
  });

  it('ends the double window at its host time with an early timer', () => {
    const h = new Harness({ clock: new EarlyClock() });
    h.press(1, 1000, 1100, 0.25);
    h.waitUntil(1399);
    expect(h.seen()).toEqual([]);
    h.waitUntil(1400.25);
    expect(h.seen()).toEqual(['1:single@1400']);
    expect(h.lagsMs()[0]).toBeCloseTo(0.25, 9);
  });

  it('never fires long before its deadline on the real clock', async () => {
    const timing = { doublePressMs: 50, longPressMs: 6, debounceMs: 1 };
    const early: string[] = [];
    for (let sample = 0; sample < 10; sample += 1) {
      let resolveFired: (ms: number) => void = () => {};
      const fired = new Promise<number>((resolve) => {
        resolveFired = resolve;
      });
      const decoder = new GestureDecoder({
        defaults: timing,
        buttons: new Map([[1, { timing, mapped: new Set(['long'] as const) }]]),
        onGesture: () => resolveFired(performance.now()),
      });
      onTestFinished(() => decoder.stop());
      // A fractional offset each time, so the deadline falls anywhere within a host ms.
      const hostMs = performance.now() + sample * 0.1;
      decoder.push({ type: 'edge', seq: 0, ms: 1000, button: 1, edge: 'D' }, hostMs);
      const dueMs = hostMs + timing.longPressMs;
      const timeout = setTimeout(() => resolveFired(Number.NaN), 2000);
      const firedAt = await fired;
      clearTimeout(timeout);
      expect(firedAt, `sample ${sample}: long never fired`).not.toBeNaN();
      if (firedAt < dueMs) early.push(`sample ${sample}: ${(dueMs - firedAt).toFixed(3)} ms early`);
      decoder.stop();
    }
    expect(early).toEqual([]);
  });
});

describe('systemClock', () => {
  it('runs a 0 ms timer, and a sub-ms timer no earlier than asked', async () => {
    const start = performance.now();
    const zero = new Promise<number>((resolve) =>
      systemClock.setTimeout(() => resolve(performance.now()), 0),
    );
    const sub = new Promise<number>((resolve) =>
      systemClock.setTimeout(() => resolve(performance.now()), 0.6),
    );
    await zero;
    expect((await sub) - start).toBeGreaterThanOrEqual(0.6);
  });

  it('clears a timer of any kind: 0 ms, under 1 ms, whole ms', async () => {
    const ran: number[] = [];
    for (const ms of [0, 0.5, 2]) systemClock.clearTimeout(systemClock.setTimeout(() => ran.push(ms), ms));
    // A later timer of each kind comes after all three would have run.
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 10));
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 0.5));
    expect(ran).toEqual([]);
  });
});
