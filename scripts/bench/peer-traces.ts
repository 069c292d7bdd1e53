/**
 * The recorded-edge traces the peer bench feeds to both decoders, with their ground truth.
 * Each edge has the time it happened (the device's clock, ms) and the time the host read it
 * (normally 1 ms later; later for a late burst). Ground truth is what the person did, read
 * with the thresholds below (inclusive on the slow side: a hold of exactly longPressMs is a
 * long press; a second press exactly doublePressMs after a release is a new gesture).
 * Pure data, no I/O.
 */
import type { Gesture } from '@pressgate/protocol';

export const TRACE_TIMING = { doublePressMs: 300, longPressMs: 800, debounceMs: 20 } as const;

export type TraceEdge = { button: number; edge: 'D' | 'U'; deviceMs: number; hostMs: number };
/**
 * One gesture the person made; `decidingMs` is when its deciding edge happened: the release
 * that ends it (the first `U` of a bouncing release), or for a long press its `D`.
 */
export type TruthGesture = { button: number; gesture: Gesture; decidingMs: number };
export type Trace = { name: string; about: string; edges: TraceEdge[]; truth: TruthGesture[] };

/** Host read delay of an edge on time. */
const ON_TIME_MS = 1;
const { doublePressMs, longPressMs, debounceMs } = TRACE_TIMING;

/** Collects edges in time order; `press` adds a D/U pair (and optional contact bounce). */
class TraceBuilder {
  readonly edges: TraceEdge[] = [];
  readonly truth: TruthGesture[] = [];

  edge(button: number, edge: 'D' | 'U', deviceMs: number, hostMs = deviceMs + ON_TIME_MS): this {
    this.edges.push({ button, edge, deviceMs, hostMs });
    return this;
  }

  press(button: number, atMs: number, holdMs: number, bounceMs = 0): this {
    this.edge(button, 'D', atMs);
    if (bounceMs > 0) this.edge(button, 'U', atMs + bounceMs).edge(button, 'D', atMs + 2 * bounceMs);
    this.edge(button, 'U', atMs + holdMs);
    if (bounceMs > 0)
      this.edge(button, 'D', atMs + holdMs + bounceMs).edge(button, 'U', atMs + holdMs + 2 * bounceMs);
    return this;
  }

  expect(button: number, gesture: Gesture, decidingMs: number): this {
    this.truth.push({ button, gesture, decidingMs });
    return this;
  }

  build(name: string, about: string): Trace {
    const edges = [...this.edges].sort((a, b) => a.hostMs - b.hostMs || a.deviceMs - b.deviceMs);
    return { name, about, edges, truth: this.truth };
  }
}

function taps(): Trace {
  const trace = new TraceBuilder();
  for (let index = 0; index < 6; index += 1) {
    const at = 1000 + index * 1000;
    trace.press(1 + (index % 2), at, 80).expect(1 + (index % 2), 'single', at + 80);
  }
  return trace.build('taps', '6 taps of 80 ms, 1 s apart, buttons 1 and 2');
}

function doubles(): Trace {
  const trace = new TraceBuilder();
  for (let index = 0; index < 4; index += 1) {
    const at = 1000 + index * 1500;
    trace
      .press(1, at, 80)
      .press(1, at + 80 + 150, 80)
      .expect(1, 'double', at + 310);
  }
  return trace.build('doubles', '4 doubles: 80 ms presses 150 ms apart');
}

function holds(): Trace {
  const trace = new TraceBuilder();
  for (let index = 0; index < 4; index += 1) {
    const at = 1000 + index * 2500;
    trace.press(1, at, 1200).expect(1, 'long', at);
  }
  // A double whose second press is held: a long alone (the tap before it is dropped).
  trace.press(2, 12_000, 80).press(2, 12_230, 1200).expect(2, 'long', 12_230);
  return trace.build('holds', '4 holds of 1.2 s, then a tap followed by a 1.2 s hold');
}

function chatter(): Trace {
  const trace = new TraceBuilder();
  for (let index = 0; index < 4; index += 1) {
    const at = 1000 + index * 1000;
    // 3 ms of bounce on the press and on the release: still one tap.
    trace.press(1, at, 90, 3).expect(1, 'single', at + 90);
  }
  // A 10 ms contact glitch (shorter than debounceMs): noise, no gesture.
  trace.press(2, 6000, 10);
  // A double with bounce on every edge.
  trace.press(2, 7000, 90, 3).press(2, 7250, 90, 3).expect(2, 'double', 7340);
  return trace.build('chatter', '4 taps and a double with 3 ms bounce on each edge, one 10 ms glitch');
}

function thresholds(): Trace {
  const trace = new TraceBuilder();
  trace.press(1, 1000, longPressMs).expect(1, 'long', 1000); // exactly longPressMs: long
  trace.press(1, 3000, longPressMs - 1).expect(1, 'single', 3000 + longPressMs - 1);
  // Second press exactly doublePressMs after the release: two singles.
  trace.press(1, 5000, 80).expect(1, 'single', 5080);
  trace.press(1, 5080 + doublePressMs, 80).expect(1, 'single', 5080 + doublePressMs + 80);
  // One ms less: a double.
  trace
    .press(1, 7000, 80)
    .press(1, 7080 + doublePressMs - 1, 80)
    .expect(1, 'double', 7080 + doublePressMs + 79);
  trace.press(2, 9000, debounceMs).expect(2, 'single', 9000 + debounceMs); // exactly debounceMs: a press
  trace.press(2, 10_000, debounceMs - 1); // one ms less: noise
  return trace.build(
    'thresholds',
    'holds of longPressMs and one less, gaps of doublePressMs and one less, presses of debounceMs and one less',
  );
}

function lateBursts(): Trace {
  const trace = new TraceBuilder();
  // A double whose four edges reach the host together, 50 ms after the last one happened.
  const arrive = 1310 + 50;
  trace
    .edge(1, 'D', 1000, arrive)
    .edge(1, 'U', 1080, arrive)
    .edge(1, 'D', 1230, arrive)
    .edge(1, 'U', 1310, arrive)
    .expect(1, 'double', 1310);
  // A tap whose release reaches the host 400 ms late.
  trace.edge(1, 'D', 3000).edge(1, 'U', 3080, 3480).expect(1, 'single', 3080);
  // A tap and a long on button 2 whose edges come in one burst after the long began.
  trace
    .edge(2, 'D', 5000, 5250)
    .edge(2, 'U', 5080, 5250)
    .edge(2, 'D', 5600, 5601)
    .edge(2, 'U', 6600, 6601)
    .expect(2, 'single', 5080)
    .expect(2, 'long', 5600);
  return trace.build('late bursts', 'a double read in one burst, a release read 400 ms late, a delayed tap');
}

function twoButtons(): Trace {
  const trace = new TraceBuilder();
  // A double on button 1 while button 2 is tapped in its gap, then the reverse.
  trace.press(1, 1000, 80).press(2, 1100, 60).press(1, 1230, 80);
  trace.expect(1, 'double', 1310).expect(2, 'single', 1160);
  trace.press(2, 3000, 80).press(1, 3100, 60).press(2, 3230, 80).press(3, 3150, 1000);
  trace.expect(2, 'double', 3310).expect(1, 'single', 3160).expect(3, 'long', 3150);
  return trace.build('two buttons', 'a double on one button while another is tapped (and one held)');
}

export function traces(): Trace[] {
  return [taps(), doubles(), holds(), chatter(), thresholds(), lateBursts(), twoButtons()];
}
