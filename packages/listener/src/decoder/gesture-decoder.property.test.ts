import type { Gesture, WireMessage } from '@pressgate/protocol';
import { ALL, Harness, HOST_BASE_MS, TIMING } from '@pressgate/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** Distance every scripted time keeps from a threshold (ms). */
const MARGIN = 60;
const { debounceMs, doublePressMs, longPressMs } = TIMING;

type Line = { ms: number; button: number; edge?: 'D' | 'U' };
type Step =
  | { gesture: 'single'; pressMs: number; idleMs: number }
  | { gesture: 'double'; pressMs: number; gapMs: number; press2Ms: number; idleMs: number }
  | { gesture: 'long'; pressMs: number; idleMs: number };

const shortPress = fc.integer({ min: debounceMs + MARGIN, max: longPressMs - MARGIN });
const idle = fc.integer({ min: doublePressMs + MARGIN, max: 1500 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ gesture: fc.constant('single' as const), pressMs: shortPress, idleMs: idle }),
  fc.record({
    gesture: fc.constant('double' as const),
    pressMs: shortPress,
    gapMs: fc.integer({ min: debounceMs + MARGIN, max: doublePressMs - MARGIN }),
    press2Ms: shortPress,
    idleMs: idle,
  }),
  fc.record({
    gesture: fc.constant('long' as const),
    pressMs: fc.integer({ min: longPressMs + MARGIN, max: 2500 }),
    idleMs: idle,
  }),
);
const buttonScript = fc.record({
  mapped: fc.subarray([...ALL]),
  startMs: fc.integer({ min: 1000, max: 2000 }),
  steps: fc.array(step, { minLength: 1, maxLength: 6 }),
  chatter: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 24, maxLength: 24 }),
});
const script = fc.array(buttonScript, { minLength: 1, maxLength: 3 });
type ButtonScript = typeof buttonScript extends fc.Arbitrary<infer T> ? T : never;

/** The device's lines for a script, in device-time order, and the gestures it means. */
function render(scripts: readonly ButtonScript[], withChatter: boolean) {
  const lines: Line[] = [];
  const expected: string[] = [];
  scripts.forEach((s, index) => {
    const button = index + 1;
    const waits = s.mapped.includes('double') || s.mapped.length === 0;
    const flag = (g: Gesture) => (s.mapped.includes(g) ? '' : '!');
    const out = (g: Gesture, ms: number) => expected.push(`${button}:${g}@${ms}${flag(g)}`);
    let edgeCount = 0;
    /** Writes an edge at `ms` with its chatter before it; returns when it counts: a press at its
     * last `D` (trailing debounce), a release at its first `U` (leading debounce). */
    const edge = (ms: number, edge: 'D' | 'U'): number => {
      const pairs = withChatter ? (s.chatter[edgeCount % s.chatter.length] ?? 0) : 0;
      edgeCount += 1;
      const other = edge === 'D' ? 'U' : 'D';
      for (let i = pairs; i > 0; i--) {
        lines.push({ ms: ms - 2 * i, button, edge }, { ms: ms - 2 * i + 1, button, edge: other });
      }
      lines.push({ ms, button, edge });
      return edge === 'D' ? ms : ms - 2 * pairs;
    };
    let t = s.startMs;
    for (const st of s.steps) {
      const downAt = edge(t, 'D');
      t += st.pressMs;
      const upAt = edge(t, 'U');
      if (st.gesture === 'long') out('long', downAt + longPressMs);
      else if (st.gesture === 'single') out('single', waits ? upAt + doublePressMs : upAt);
      else {
        if (!waits) out('single', upAt);
        t += st.gapMs;
        edge(t, 'D');
        t += st.press2Ms;
        out(waits ? 'double' : 'single', edge(t, 'U'));
      }
      t += st.idleMs;
    }
  });
  const end = Math.max(...lines.map((l) => l.ms));
  for (let ms = 0; ms < end; ms += 700) lines.push({ ms, button: 0 });
  lines.sort((a, b) => a.ms - b.ms);
  return { lines, expected: expected.sort(byTime), endMs: end };
}

function byTime(a: string, b: string): number {
  const at = (s: string) => Number(s.slice(s.indexOf('@') + 1).replace('!', ''));
  return at(a) - at(b) || a.localeCompare(b);
}

/** Deliver lines in order, line i no earlier than its device time + delays[i]. */
function decode(
  scripts: readonly ButtonScript[],
  lines: readonly Line[],
  delays: readonly number[],
  endMs: number,
) {
  const buttons: Record<number, readonly Gesture[]> = {};
  scripts.forEach((s, index) => {
    buttons[index + 1] = s.mapped;
  });
  const h = new Harness({ buttons });
  let arrival = 0;
  lines.forEach((line, i) => {
    arrival = Math.max(arrival, line.ms + HOST_BASE_MS + (delays[i % delays.length] ?? 0));
    h.clock.advanceTo(arrival);
    const seq = h.seq;
    h.seq = (seq + 1) % 65536;
    const message: WireMessage =
      line.edge === undefined
        ? { type: 'heartbeat', seq, ms: line.ms }
        : { type: 'edge', seq, ms: line.ms, button: line.button, edge: line.edge };
    h.decoder.push(message);
  });
  h.waitUntil(endMs + 5000);
  return h;
}

describe('GestureDecoder properties', () => {
  it('never yields more gestures than presses, whatever the edge stream', () => {
    const raw = fc.array(
      fc.record({
        button: fc.integer({ min: 1, max: 3 }),
        edge: fc.constantFrom('D' as const, 'U' as const),
        gapMs: fc.integer({ min: 0, max: 1200 }),
        delayMs: fc.integer({ min: 0, max: 400 }),
        skipSeq: fc.integer({ min: 0, max: 20 }),
      }),
      { maxLength: 80 },
    );
    fc.assert(
      fc.property(raw, (edges) => {
        const h = new Harness({ buttons: { 1: ALL, 2: ['single', 'long'] } });
        const presses = new Map<number, number>();
        let ms = 1000;
        for (const e of edges) {
          ms += e.gapMs;
          if (e.skipSeq === 0) h.seq += 1; // a lost line
          if (e.edge === 'D') presses.set(e.button, (presses.get(e.button) ?? 0) + 1);
          h.edge(ms, e.button, e.edge, e.delayMs);
        }
        h.waitUntil(ms + 5000);
        for (const button of [1, 2, 3]) {
          const gestures = h.gestures.filter((g) => g.button === button).length;
          expect(gestures).toBeLessThanOrEqual(presses.get(button) ?? 0);
        }
      }),
    );
  });

  it('yields the same gestures for any host delivery jitter below the margins', () => {
    const delays = fc.array(fc.integer({ min: 0, max: MARGIN - 10 }), { minLength: 1, maxLength: 50 });
    fc.assert(
      fc.property(script, delays, delays, (scripts, delaysA, delaysB) => {
        const { lines, endMs } = render(scripts, false);
        const a = decode(scripts, lines, delaysA, endMs);
        const b = decode(scripts, lines, delaysB, endMs);
        expect(b.seen().sort(byTime)).toEqual(a.seen().sort(byTime));
        expect(a.anomalies).toEqual([]);
        expect(b.anomalies).toEqual([]);
      }),
    );
  });

  it('yields exactly the scripted gestures, chatter and all, each at its device time', () => {
    fc.assert(
      fc.property(script, (scripts) => {
        const { lines, expected, endMs } = render(scripts, true);
        const h = decode(scripts, lines, [0], endMs);
        expect(h.seen().sort(byTime)).toEqual(expected);
        // Lines arrive with no delay: nothing may leave later than its device time (no added latency).
        expect(h.lagsMs().filter((lagMs) => lagMs !== 0)).toEqual([]);
        expect(h.anomalies.every((a) => a.kind === 'bounce')).toBe(true);
      }),
    );
  });
});
