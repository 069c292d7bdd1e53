import { type DecodedGesture, type DecoderAnomaly, GestureDecoder } from '@pressgate/listener';
import { type Gesture, parseLine } from '@pressgate/protocol';
import { ALL, ManualClock, TIMING } from '@pressgate/test-kit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompiledDriver, compileDriver, runDriver } from './core-driver.test-helpers.js';

/** The host's default timing is the kit's TIMING; the firmware debounces below its debounceMs. */
const FIRMWARE_DEBOUNCE_MS = 10;
/** Contact bounce lasts at most this long after an edge (inside the firmware's window). */
const BOUNCE_SPAN_MS = 5;
/** Distance every scripted duration keeps from a host threshold (ms). */
const MARGIN_MS = 60;
/** Host time of script time 0. */
const HOST_BASE_MS = 100_000;

type Step =
  | { gesture: 'single'; pressMs: number; idleMs: number }
  | { gesture: 'double'; pressMs: number; gapMs: number; press2Ms: number; idleMs: number }
  | { gesture: 'long'; pressMs: number; idleMs: number };

const { debounceMs, doublePressMs, longPressMs } = TIMING;
const shortPress = fc.integer({ min: debounceMs + MARGIN_MS, max: longPressMs - MARGIN_MS });
const idle = fc.integer({ min: doublePressMs + MARGIN_MS, max: 1500 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ gesture: fc.constant('single' as const), pressMs: shortPress, idleMs: idle }),
  fc.record({
    gesture: fc.constant('double' as const),
    pressMs: shortPress,
    gapMs: fc.integer({ min: debounceMs + MARGIN_MS, max: doublePressMs - MARGIN_MS }),
    press2Ms: shortPress,
    idleMs: idle,
  }),
  fc.record({
    gesture: fc.constant('long' as const),
    pressMs: fc.integer({ min: longPressMs + MARGIN_MS, max: 2500 }),
    idleMs: idle,
  }),
);
/** Offsets (ms after an edge) of the extra transitions of one bounce: an even count. */
const bounce = fc
  .subarray([1, 2, 3, 4, BOUNCE_SPAN_MS])
  .map((offsets) => offsets.slice(0, offsets.length - (offsets.length % 2)));
const buttonScript = fc.record({
  mapped: fc.subarray([...ALL]),
  startMs: fc.integer({ min: 200, max: 2000 }),
  steps: fc.array(step, { minLength: 1, maxLength: 5 }),
  bounces: fc.array(bounce, { minLength: 16, maxLength: 16 }),
});
const scenario = fc.record({
  buttons: fc.array(buttonScript, { minLength: 1, maxLength: 3 }),
  /** Device uptime at script time 0: anywhere, the 2^32 wrap included. */
  deviceStartMs: fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constant(2 ** 32 - 3000)),
  checksum: fc.boolean(),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Pin changes (script time, button, level) and the gestures a user meant, at script time. */
function render(s: Scenario) {
  const pins: [t: number, button: number, level: 0 | 1][] = [];
  const expected: { button: number; gesture: Gesture; atT: number; mapped: boolean }[] = [];
  s.buttons.forEach((b, index) => {
    const button = index + 1;
    const waits = b.mapped.includes('double') || b.mapped.length === 0;
    const out = (gesture: Gesture, atT: number) =>
      expected.push({ button, gesture, atT, mapped: b.mapped.includes(gesture) });
    let edges = 0;
    /** The contact changes at `t` (the time the firmware stamps), then bounces. */
    const edge = (t: number, down: boolean) => {
      const level = down ? 0 : 1;
      pins.push([t, button, level]);
      const offsets = b.bounces[edges++ % b.bounces.length] ?? [];
      offsets.forEach((offset, i) => {
        pins.push([t + offset, button, (i % 2 === 0) === down ? 1 : 0]);
      });
    };
    let t = b.startMs;
    for (const st of b.steps) {
      const downAt = t;
      edge(t, true);
      t += st.pressMs;
      const upAt = t;
      edge(t, false);
      if (st.gesture === 'long') out('long', downAt + longPressMs);
      else if (st.gesture === 'single') out('single', waits ? upAt + doublePressMs : upAt);
      else {
        if (!waits) out('single', upAt);
        t += st.gapMs;
        edge(t, true);
        t += st.press2Ms;
        edge(t, false);
        out(waits ? 'double' : 'single', t);
      }
      t += st.idleMs;
    }
  });
  pins.sort((a, b) => a[0] - b[0]);
  const endT = (pins.at(-1)?.[0] ?? 0) + 3000;
  return { pins, expected, endT };
}

function describeGesture(g: { button: number; gesture: Gesture; mapped: boolean }, deviceMs: number): string {
  return `${g.button}:${g.gesture}@${deviceMs}${g.mapped ? '' : '!'}`;
}

let driver: CompiledDriver;
beforeAll(async () => {
  driver = await compileDriver();
});
afterAll(async () => {
  await driver?.dispose();
});

describe('reference firmware core into the host decoder', () => {
  it('turns random taps, doubles and holds with contact bounce into exactly the intended gestures', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { pins, expected, endT } = render(s);
        const script = `${pins.map(([t, button, level]) => `${t} ${button} ${level}`).join('\n')}\n${endT} end\n`;
        const { lines } = runDriver(driver, script, {
          startMs: s.deviceStartMs,
          checksum: s.checksum,
          debounceMs: FIRMWARE_DEBOUNCE_MS,
          buttons: 3,
        });

        const clock = new ManualClock();
        const gestures: DecodedGesture[] = [];
        const anomalies: DecoderAnomaly[] = [];
        const decoder = new GestureDecoder({
          defaults: TIMING,
          buttons: new Map(
            s.buttons.map((b, index) => [index + 1, { timing: TIMING, mapped: new Set(b.mapped) }]),
          ),
          clock,
          onGesture: (g) => gestures.push(g),
          onAnomaly: (a) => anomalies.push(a),
        });
        let edges = 0;
        for (const line of lines) {
          if (line.text === '') continue;
          const parsed = parseLine(line.text);
          if (!parsed.ok) throw new Error(`${line.text}: ${parsed.error.code}`);
          if (parsed.message.type === 'edge') edges += 1;
          clock.advanceTo(line.t + HOST_BASE_MS);
          decoder.push(parsed.message);
        }
        clock.advanceTo(endT + HOST_BASE_MS + 5000);
        decoder.stop();

        const deviceMs = (t: number) => (s.deviceStartMs + t) % 2 ** 32;
        const byTime = (a: { t: number; text: string }, b: { t: number; text: string }) =>
          a.t - b.t || a.text.localeCompare(b.text);
        const want = expected
          .map((g) => ({ t: g.atT, text: describeGesture(g, deviceMs(g.atT)) }))
          .sort(byTime)
          .map((g) => g.text);
        const got = gestures
          .map((g) => ({
            t: (g.deviceMs - s.deviceStartMs + 2 ** 32) % 2 ** 32,
            text: describeGesture(g, g.deviceMs),
          }))
          .sort(byTime)
          .map((g) => g.text);
        expect(got).toEqual(want);
        // Bounce stays inside the firmware: one D and one U per intended press reach the host.
        const presses = s.buttons.reduce(
          (n, b) => n + b.steps.reduce((m, st) => m + (st.gesture === 'double' ? 2 : 1), 0),
          0,
        );
        expect(edges).toBe(2 * presses);
        expect(anomalies).toEqual([]);
      }),
      { numRuns: 100 },
    );
  }, 120_000); // 100 runs of the compiled core take a few seconds; more on a loaded machine
});
