/**
 * Listener benchmark (run by `pnpm bench`, or alone:
 * `pnpm exec tsx --conditions=source scripts/bench/listener.ts [--full] [--samples=N]`). Not a
 * test. Samples per latency case: 20 by default (p99 is then the worst sample: read it as a
 * rough figure), 600 with --full (steadier p99).
 *
 * 1. Decoder throughput, pure and in-process: parseLine + GestureDecoder.push over generated
 *    edges, beside parseLine alone over the same lines (the baseline), best of 3.
 * 2. Latency over a real socat pty to the gesture leaving the Listener, for unambiguous gestures:
 *    a button mapping only `single` (fires on the release, no waiting), measured from the moment
 *    its last edge (the `U`) is written; a button mapping only `long` (fires at longPressMs while
 *    held), measured from the moment it is due (the `D` written + longPressMs). Beside the
 *    baseline: a bare SerialPort + ReadlineParser over the same kind of pty, fed the same way
 *    (the same VirtualRemote, heartbeats on, the same 30 ms press, the same number of samples),
 *    from the `U` written to that line delivered. The goal: p50 and p99 within 1 ms of it.
 *    For reference only, the earlier baseline too: heartbeat lines written back to back, with
 *    no idle time between samples, which keeps the process and socat hot and so is faster than
 *    any line a real press produces.
 * Prints a table and writes bench-results/listener.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { LineTap, openPtyPair, VirtualRemote } from '@pressgate/device-tools';
import { GestureDecoder, Listener, type ListenerOptions } from '@pressgate/listener';
import { encodeLine, type Gesture, parseLine } from '@pressgate/protocol';
import { benchArgs, intArg, type SummaryRow, summaryRow } from './stats.js';

const THROUGHPUT_EDGES = 200_000;
const ARGS = benchArgs(process.argv.slice(2));
const SAMPLES = intArg(ARGS.get('samples'), ARGS.full ? 600 : 20, 'samples');
const BURST_SAMPLES = Math.max(1, Math.round(SAMPLES / 2));
const SINGLE_HOLD_MS = 30;
const HEARTBEAT_MS = 1000;
const GESTURE_TIMEOUT_MS = 2000;
const TIMING = { doublePressMs: 300, longPressMs: 100, debounceMs: 20 };

export type LatencyStats = { samples: number; missed: number; p50Ms: number; p99Ms: number; meanMs: number };
export type Compared = LatencyStats & {
  ratioP50: number;
  ratioP99: number;
  diffP50Ms: number;
  diffP99Ms: number;
};
export type ListenerBenchResult = {
  throughput: { edges: number; baselineEdgesPerSec: number; decoderEdgesPerSec: number; ratio: number };
  latency: {
    baseline: LatencyStats;
    burstBaseline: LatencyStats;
    single: Compared;
    long: Compared;
  };
  timing: typeof TIMING;
  node: string;
  at: string;
  summary: SummaryRow[];
};

// The repository root has no pino dependency; borrow the listener's.
const requireFromListener = createRequire(new URL('../../packages/listener/package.json', import.meta.url));
const { pino } = requireFromListener('pino') as {
  pino: (options: { level: string }) => ListenerOptions['logger'];
};

function generateLines(edges: number): string[] {
  const lines: string[] = [];
  let ms = 1000;
  for (let index = 0; index < edges; index += 1) {
    const press = index >> 1;
    const down = index % 2 === 0;
    ms += down ? 400 : 80 + (press % 3) * 400; // short presses, and some long ones
    const edge = { type: 'edge', seq: index % 65536, ms: ms % 2 ** 32, button: 1 + (press % 4) } as const;
    lines.push(encodeLine({ ...edge, edge: down ? 'D' : 'U' }));
  }
  return lines;
}

function bestOf<T>(runs: number, body: () => T): { ms: number; value: T } {
  let best = Number.POSITIVE_INFINITY;
  let value: T | undefined;
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    value = body();
    best = Math.min(best, performance.now() - start);
  }
  return { ms: best, value: value as T };
}

function benchThroughput(): ListenerBenchResult['throughput'] {
  const lines = generateLines(THROUGHPUT_EDGES);
  const baseline = bestOf(3, () => {
    let ok = 0;
    for (const line of lines) if (parseLine(line).ok) ok += 1;
    return ok;
  });
  const decoder = bestOf(3, () => {
    let gestures = 0;
    let hostMs = 0;
    // Host time follows device time; the timers never fire: later lines decide every deadline.
    const clock = { now: () => hostMs, setTimeout: () => 0, clearTimeout: () => {} };
    const mapped = (gestures: Gesture[]) => ({ timing: TIMING, mapped: new Set<Gesture>(gestures) });
    const buttons = new Map([
      [1, mapped(['single', 'double', 'long'])],
      [2, mapped(['single'])],
      [3, mapped(['long'])],
      [4, mapped(['single', 'double'])],
    ]);
    const gestureDecoder = new GestureDecoder({
      defaults: TIMING,
      buttons,
      clock,
      onGesture: () => gestures++,
    });
    for (const line of lines) {
      const result = parseLine(line);
      if (!result.ok) continue;
      if (result.message.type === 'edge') hostMs = result.message.ms;
      gestureDecoder.push(result.message, hostMs);
    }
    gestureDecoder.stop();
    return gestures;
  });
  if (baseline.value !== THROUGHPUT_EDGES || decoder.value === 0) {
    throw new Error(`bench self-check failed: ${baseline.value} lines parsed, ${decoder.value} gestures`);
  }
  const perSec = (ms: number) => Math.round(THROUGHPUT_EDGES / (ms / 1000));
  return {
    edges: THROUGHPUT_EDGES,
    baselineEdgesPerSec: perSec(baseline.ms),
    decoderEdgesPerSec: perSec(decoder.ms),
    ratio: round(decoder.ms / baseline.ms),
  };
}

function stats(values: number[], missed: number): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    samples: sorted.length,
    missed,
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    meanMs: round(mean),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function nextEvent<T>(subscribe: (resolve: (value: T) => void) => () => void): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(undefined);
    }, GESTURE_TIMEOUT_MS);
    const unsubscribe = subscribe((value) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}

/** The same remote, pty and press as benchGesture('single'), read by a bare SerialPort + ReadlineParser. */
async function benchBaseline(): Promise<LatencyStats> {
  const pair = await openPtyPair();
  const tap = await LineTap.open(pair.hostPath);
  const remote = new VirtualRemote({ path: pair.devicePath, heartbeatMs: HEARTBEAT_MS });
  try {
    await remote.start();
    const values: number[] = [];
    let missed = 0;
    const lastUp = { line: '', hostMs: 0 };
    remote.on('sent', (event) => {
      if (event.line.startsWith('E ') && event.line.endsWith(' U')) Object.assign(lastUp, event);
    });
    for (let sample = 0; sample < SAMPLES; sample += 1) {
      const delivered = nextEvent<number>((resolve) => {
        const onLine = (event: { text: string; hostMs: number }) => {
          if (event.text === lastUp.line) resolve(event.hostMs);
        };
        tap.on('line', onLine);
        return () => tap.off('line', onLine);
      });
      await remote.press(1, { holdMs: SINGLE_HOLD_MS });
      const deliveredAt = await delivered;
      if (deliveredAt === undefined) missed += 1;
      else values.push(deliveredAt - lastUp.hostMs);
    }
    return stats(values, missed);
  } finally {
    await remote.stop();
    await tap.close();
    await pair.kill();
  }
}

/** The earlier baseline, for reference: heartbeats written back to back, no idle time between. */
async function benchBurstBaseline(): Promise<LatencyStats> {
  const pair = await openPtyPair();
  const tap = await LineTap.open(pair.hostPath);
  const remote = new VirtualRemote({ path: pair.devicePath, heartbeatMs: 0 });
  try {
    await remote.start();
    const values: number[] = [];
    let missed = 0;
    for (let sample = 0; sample < BURST_SAMPLES; sample += 1) {
      let sentMs = 0;
      const onSent = (event: { hostMs: number }) => {
        sentMs = event.hostMs;
      };
      remote.once('sent', onSent);
      const line = nextEvent<{ hostMs: number }>((resolve) => {
        tap.on('line', resolve);
        return () => tap.off('line', resolve);
      });
      await remote.heartbeat();
      const got = await line;
      if (got === undefined) missed += 1;
      else values.push(got.hostMs - sentMs);
    }
    return stats(values, missed);
  } finally {
    await remote.stop();
    await tap.close();
    await pair.kill();
  }
}

async function benchGesture(gesture: 'single' | 'long', samples: number): Promise<LatencyStats> {
  const pair = await openPtyPair();
  const remote = new VirtualRemote({ path: pair.devicePath, heartbeatMs: HEARTBEAT_MS });
  await remote.start();
  const listener = new Listener({
    remoteId: 'bench',
    serial: { path: pair.hostPath, baudRate: 115200 },
    decoder: { defaults: TIMING, buttons: new Map([[1, { timing: TIMING, mapped: new Set([gesture]) }]]) },
    logger: pino({ level: 'silent' }),
  });
  try {
    await listener.start();
    if (!listener.state().connected) throw new Error(`the listener did not connect to ${pair.hostPath}`);
    const values: number[] = [];
    let missed = 0;
    const lastEdge = { D: 0, U: 0 };
    remote.on('sent', (event) => {
      if (event.line.startsWith('E ')) lastEdge[event.line.endsWith(' D') ? 'D' : 'U'] = event.hostMs;
    });
    for (let sample = 0; sample < samples; sample += 1) {
      const fired = nextEvent<number>((resolve) => {
        const onGesture = () => resolve(performance.now());
        listener.on('gesture', onGesture);
        return () => listener.off('gesture', onGesture);
      });
      await remote.press(1, { holdMs: gesture === 'single' ? SINGLE_HOLD_MS : TIMING.longPressMs + 10 });
      // single: from its last edge written; long: from the threshold (no edge makes it due).
      const dueMs = gesture === 'single' ? lastEdge.U : lastEdge.D + TIMING.longPressMs;
      const firedAt = await fired;
      if (firedAt === undefined) missed += 1;
      else values.push(firedAt - dueMs);
    }
    return stats(values, missed);
  } finally {
    await listener.stop();
    await remote.stop();
    await pair.kill();
  }
}

function latencyOf(name: 'single' | 'long'): string {
  return name === 'single' ? 'U written to gesture' : 'D + longPressMs to gesture';
}

function compare(subject: LatencyStats, baseline: LatencyStats): Compared {
  return {
    ...subject,
    ratioP50: round(subject.p50Ms / baseline.p50Ms),
    ratioP99: round(subject.p99Ms / baseline.p99Ms),
    diffP50Ms: round(subject.p50Ms - baseline.p50Ms),
    diffP99Ms: round(subject.p99Ms - baseline.p99Ms),
  };
}

export async function benchListener(): Promise<ListenerBenchResult> {
  const throughput = benchThroughput();
  const burstBaseline = await benchBurstBaseline();
  const baseline = await benchBaseline();
  const single = compare(await benchGesture('single', SAMPLES), baseline);
  const long = compare(await benchGesture('long', SAMPLES), baseline);
  const withinMs = { text: '<= +1 ms', check: (diff: number) => diff <= 1 };
  const pty = 'SerialPort+Readline';
  const summary = [
    summaryRow({
      figure: 'decoder time, parseLine + GestureDecoder',
      value: round(1e6 / throughput.decoderEdgesPerSec),
      baseline: round(1e6 / throughput.baselineEdgesPerSec),
      baselineName: 'parseLine alone',
      unit: 'us/edge',
      compare: 'ratio',
    }),
    ...(['single', 'long'] as const).flatMap((name) =>
      (['p50Ms', 'p99Ms'] as const).map((q) =>
        summaryRow(
          {
            figure: `pty ${name} latency ${q.slice(0, 3)} (${latencyOf(name)})`,
            value: (name === 'single' ? single : long)[q],
            baseline: baseline[q],
            baselineName: pty,
            unit: 'ms',
            compare: 'diff',
          },
          withinMs,
        ),
      ),
    ),
  ];
  return {
    throughput,
    latency: { baseline, burstBaseline, single, long },
    timing: TIMING,
    node: process.version,
    at: new Date().toISOString(),
    summary,
  };
}

function printTable(result: ListenerBenchResult): void {
  const { throughput, latency } = result;
  console.log(
    `decoder throughput over ${throughput.edges} edges (best of 3); ${SAMPLES} samples per latency case`,
  );
  console.log(
    `  parseLine alone (baseline)   ${throughput.baselineEdgesPerSec.toLocaleString('en-US')} edges/s`,
  );
  console.log(
    `  parseLine + GestureDecoder   ${throughput.decoderEdgesPerSec.toLocaleString('en-US')} edges/s`,
  );
  console.log(`  time ratio                   ${throughput.ratio}x`);
  console.log('');
  console.log(
    'latency over a socat pty, ms (baseline: U of a 30 ms press written to that line delivered; ' +
      'single: U written to gesture; long: D written + longPressMs to gesture; ' +
      'burst (reference only): back-to-back line written to delivered)',
  );
  const header = [
    'case',
    'samples',
    'missed',
    'p50',
    'p99',
    'mean',
    'ratio p50',
    'ratio p99',
    'diff p50',
    'diff p99',
  ];
  const rows = [
    ['SerialPort+Readline', latency.baseline, undefined],
    ['  burst (reference)', latency.burstBaseline, undefined],
    ['Listener single', latency.single, latency.single],
    ['Listener long', latency.long, latency.long],
  ] as const;
  const table = [
    header,
    ...rows.map(([name, row, diff]) => [
      name,
      String(row.samples),
      String(row.missed),
      row.p50Ms.toFixed(2),
      row.p99Ms.toFixed(2),
      row.meanMs.toFixed(2),
      diff ? `${diff.ratioP50.toFixed(2)}x` : '-',
      diff ? `${diff.ratioP99.toFixed(2)}x` : '-',
      diff ? diff.diffP50Ms.toFixed(2) : '-',
      diff ? diff.diffP99Ms.toFixed(2) : '-',
    ]),
  ];
  const widths = header.map((_, index) => Math.max(...table.map((row) => (row[index] ?? '').length)));
  for (const row of table)
    console.log(`  ${row.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ')}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await benchListener();
  printTable(result);
  const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}listener.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${outDir}listener.json`);
}
