/**
 * Peer decoder benchmark (`pnpm bench -- peer`). Not a test. Feeds the same recorded edge
 * traces (peer-traces.ts: taps, doubles, holds, chatter, presses exactly at the thresholds,
 * late bursts, two buttons at once) to pressgate's GestureDecoder and to the npm package
 * `button-events`, and counts per trace the gestures that match the ground truth, the extra
 * ones, and the delay from the deciding edge (when the release that ends the gesture
 * happened; for a long press, its D) to the gesture emitted.
 *
 * Time is virtual for both, so the figures are the algorithms' own, free of this machine's
 * load: one VirtualClock serves as GestureDecoder's clock, and during the peer's replay it
 * replaces the global setTimeout/clearTimeout (the only timers button-events uses; the replay
 * is synchronous, so nothing else runs meanwhile; restored after). The peer's code is not
 * patched. Each edge is fed at the host time it was read; pressgate also gets the device time
 * from the line, the peer has no way to take one.
 *
 * The peer, configured as fairly as its options allow: one ButtonEvents per button,
 * usePullUp false (1 = pressed), timing.debounce = debounceMs, timing.pressed = longPressMs,
 * timing.clicked = doublePressMs. Its events map to pressgate's gestures: clicked -> single,
 * double_clicked -> double, pressed -> long; anything else (clicked_pressed, triple_clicked,
 * ...) counts as an extra gesture. Its debounce waits debounceMs after the first change and
 * then samples the input, so each of its decisions starts debounceMs after the edge.
 * Writes bench-results/peer.json.
 */
import type { EventEmitter } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { GestureDecoder } from '@pressgate/listener';
import { encodeLine, type Gesture, parseLine } from '@pressgate/protocol';
import { TRACE_TIMING, type Trace, traces } from './peer-traces.js';
import { formatNumber, formatTable, round, type SummaryRow, summarize, summaryRow } from './stats.js';

type PeerButton = EventEmitter & { gpioChange(value: number): string; cleanup(): void };
const ButtonEvents = createRequire(import.meta.url)('button-events') as new (config: object) => PeerButton;

/** After the last edge, time runs on this long so every pending decision is made. */
const TAIL_MS = 5000;
const PEER_GESTURES: Record<string, Gesture> = {
  clicked: 'single',
  double_clicked: 'double',
  pressed: 'long',
};

type Emitted = { button: number; gesture: Gesture | string; atMs: number };
type Score = { matched: number; truth: number; extra: number; delaysMs: number[] };
export type TraceResult = { name: string; about: string; pressgate: Score; peer: Score };

/** A clock whose time moves only when told to; timers fire in due order. */
class VirtualClock {
  #nowMs = 0;
  #nextId = 1;
  readonly #timers = new Map<number, { dueMs: number; fn: () => void }>();

  now = (): number => this.#nowMs;

  setTimeout = (fn: () => void, ms = 0): number => {
    const id = this.#nextId++;
    this.#timers.set(id, { dueMs: this.#nowMs + Math.max(0, ms), fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  advanceTo(targetMs: number): void {
    for (;;) {
      let next: [number, { dueMs: number; fn: () => void }] | undefined;
      for (const entry of this.#timers)
        if (next === undefined || entry[1].dueMs < next[1].dueMs) next = entry;
      if (next === undefined || next[1].dueMs > targetMs) break;
      this.#timers.delete(next[0]);
      this.#nowMs = Math.max(this.#nowMs, next[1].dueMs);
      next[1].fn();
    }
    this.#nowMs = Math.max(this.#nowMs, targetMs);
  }
}

function runPressgate(trace: Trace): Emitted[] {
  const clock = new VirtualClock();
  const emitted: Emitted[] = [];
  const mapped = new Set<Gesture>(['single', 'double', 'long']);
  const buttons = new Map([1, 2, 3, 4].map((button) => [button, { timing: TRACE_TIMING, mapped }]));
  const decoder = new GestureDecoder({
    defaults: TRACE_TIMING,
    buttons,
    clock,
    onGesture: (gesture) =>
      emitted.push({ button: gesture.button, gesture: gesture.gesture, atMs: clock.now() }),
  });
  trace.edges.forEach((edge, seq) => {
    clock.advanceTo(edge.hostMs);
    const parsed = parseLine(
      encodeLine({ type: 'edge', seq, ms: edge.deviceMs, button: edge.button, edge: edge.edge }),
    );
    if (!parsed.ok) throw new Error(`bench self-check: could not parse an edge of ${trace.name}`);
    decoder.push(parsed.message, edge.hostMs);
  });
  clock.advanceTo((trace.edges.at(-1)?.hostMs ?? 0) + TAIL_MS);
  decoder.stop();
  return emitted;
}

function runPeer(trace: Trace): Emitted[] {
  const clock = new VirtualClock();
  const emitted: Emitted[] = [];
  const peers = new Map<number, PeerButton>();
  const saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
  Object.assign(globalThis, { setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  try {
    const peerFor = (button: number): PeerButton => {
      let peer = peers.get(button);
      if (peer === undefined) {
        peer = new ButtonEvents({
          usePullUp: false,
          timing: {
            debounce: TRACE_TIMING.debounceMs,
            pressed: TRACE_TIMING.longPressMs,
            clicked: TRACE_TIMING.doublePressMs,
          },
        });
        peer.on('button_event', (type: string) => {
          if (type !== 'released')
            emitted.push({ button, gesture: PEER_GESTURES[type] ?? type, atMs: clock.now() });
        });
        peers.set(button, peer);
      }
      return peer;
    };
    for (const edge of trace.edges) {
      clock.advanceTo(edge.hostMs);
      peerFor(edge.button).gpioChange(edge.edge === 'D' ? 1 : 0);
    }
    clock.advanceTo((trace.edges.at(-1)?.hostMs ?? 0) + TAIL_MS);
  } finally {
    for (const peer of peers.values()) peer.cleanup();
    Object.assign(globalThis, saved);
  }
  return emitted;
}

/** Each truth gesture takes the first unused emitted one of the same button and kind, not before its deciding edge. */
function score(trace: Trace, emitted: readonly Emitted[]): Score {
  const used = new Set<number>();
  const delaysMs: number[] = [];
  for (const truth of trace.truth) {
    const index = emitted.findIndex(
      (entry, at) =>
        !used.has(at) &&
        entry.button === truth.button &&
        entry.gesture === truth.gesture &&
        entry.atMs >= truth.decidingMs,
    );
    if (index < 0) continue;
    used.add(index);
    delaysMs.push(round((emitted[index]?.atMs ?? Number.NaN) - truth.decidingMs));
  }
  return { matched: used.size, truth: trace.truth.length, extra: emitted.length - used.size, delaysMs };
}

export function benchPeer(): { traces: TraceResult[]; timing: typeof TRACE_TIMING; summary: SummaryRow[] } {
  const results = traces().map((trace) => ({
    name: trace.name,
    about: trace.about,
    pressgate: score(trace, runPressgate(trace)),
    peer: score(trace, runPeer(trace)),
  }));
  const total = (side: 'pressgate' | 'peer') => ({
    matched: results.reduce((sum, r) => sum + r[side].matched, 0),
    extra: results.reduce((sum, r) => sum + r[side].extra, 0),
    delays: summarize(results.flatMap((r) => r[side].delaysMs)),
  });
  const ours = total('pressgate');
  const peer = total('peer');
  const truth = results.reduce((sum, r) => sum + r.pressgate.truth, 0);
  const row = (figure: string, value: number, baseline: number, unit: string, compare: 'ratio' | 'diff') =>
    summaryRow({ figure, value, baseline, baselineName: 'button-events', unit, compare });
  const summary = [
    row(`gestures matching ground truth (of ${truth})`, ours.matched, peer.matched, '', 'diff'),
    row('extra (wrong) gestures', ours.extra, peer.extra, '', 'diff'),
    row('deciding edge -> gesture p50 (matched)', ours.delays.p50Ms, peer.delays.p50Ms, 'ms', 'diff'),
    row('deciding edge -> gesture max (matched)', ours.delays.maxMs, peer.delays.maxMs, 'ms', 'diff'),
  ];
  return { traces: results, timing: TRACE_TIMING, summary };
}

function formatPeer(results: readonly TraceResult[]): string {
  const delays = (score: Score) => {
    const stats = summarize(score.delaysMs);
    return score.delaysMs.length === 0
      ? '-'
      : `${formatNumber(stats.p50Ms, 0)} / ${formatNumber(stats.maxMs, 0)}`;
  };
  const rows = results.map((r) => [
    r.name,
    `${r.pressgate.matched}/${r.pressgate.truth}`,
    `${r.pressgate.extra}`,
    delays(r.pressgate),
    `${r.peer.matched}/${r.peer.truth}`,
    `${r.peer.extra}`,
    delays(r.peer),
  ]);
  const header = [
    'trace',
    'pressgate ok',
    'extra',
    'delay p50/max ms',
    'button-events ok',
    'extra',
    'delay p50/max ms',
  ];
  const { doublePressMs, longPressMs, debounceMs } = TRACE_TIMING;
  return [
    `peer decoder: same traces, virtual time; thresholds doublePressMs ${doublePressMs}, longPressMs ${longPressMs}, ` +
      `debounceMs ${debounceMs} (button-events: clicked ${doublePressMs}, pressed ${longPressMs}, debounce ${debounceMs})`,
    "delay: from the deciding edge (the release ending a gesture; a long press's D) to the gesture; a single waits out " +
      'doublePressMs and a long longPressMs by design',
    formatTable(header, rows),
    ...results.map((r) => `  ${r.name}: ${r.about}`),
  ].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = { ...benchPeer(), node: process.version, at: new Date().toISOString() };
  console.log(formatPeer(result.traces));
  const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}peer.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${outDir}peer.json`);
}
