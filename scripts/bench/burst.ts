/**
 * Bursts on one remote (`pnpm bench -- burst [--full] [--rounds=N]`). Not a test. `pressgate
 * run` reads a VirtualRemote over a socat pty (4 buttons, single, double and long mapped on
 * each; doublePressMs 300); the emulator answers every gateway request after 80 ms. Per round:
 * - `4 buttons`: buttons 1-4 tapped (80 ms) 50 ms apart;
 * - `double+tap`: a double on button 1 (80 ms presses, 150 ms apart) while button 2 is tapped
 *   in its gap.
 * Each gesture's latency is its decision time (the event's payload timestamp: when the relay
 * decided the gesture, whole ms) to the emulator's accept time (whole ms, midpoint), so +-1 ms.
 * Reported against the goal "decode time + gateway delay + 2 ms" at p99. Default 4 rounds of
 * each (p99 is then the worst), --full 50. Writes bench-results/burst.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { waitFor } from './children.js';
import { startPtyRelay, TIMEOUT_MS } from './pty-relay.js';
import {
  benchArgs,
  formatNumber,
  formatTable,
  intArg,
  type LatencySummary,
  type SummaryRow,
  summarize,
  summaryRow,
} from './stats.js';

const ARGS = benchArgs(process.argv.slice(2));
const ROUNDS = intArg(ARGS.get('rounds'), ARGS.full ? 50 : 4, 'rounds');
const GATEWAY_DELAY_MS = 80;
/** The goal's allowance on top of the gateway delay. */
const SLACK_MS = 2;

type Pattern = {
  name: string;
  gestures: number;
  play(press: (button: number, holdMs: number) => Promise<void>): Promise<void>;
};

const PATTERNS: Pattern[] = [
  {
    name: '4 buttons, 50 ms apart',
    gestures: 4,
    play: (press) =>
      Promise.all([1, 2, 3, 4].map((button, index) => sleep(index * 50).then(() => press(button, 80)))).then(
        () => undefined,
      ),
  },
  {
    name: 'double + tap in its gap',
    gestures: 2,
    play: (press) =>
      Promise.all([
        press(1, 80)
          .then(() => sleep(150))
          .then(() => press(1, 80)),
        sleep(100).then(() => press(2, 60)),
      ]).then(() => undefined),
  },
];

export async function benchBurst() {
  const rig = await startPtyRelay({
    gatewayDelayMs: GATEWAY_DELAY_MS,
    buttons: 4,
    gestures: ['single', 'double', 'long'],
  });
  try {
    await rig.startRelay();
    const latencies = new Map<string, number[]>(PATTERNS.map((pattern) => [pattern.name, []]));
    let missing = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const pattern of PATTERNS) {
        await pattern.play((button, holdMs) => rig.remote.press(button, { holdMs }));
        const got: { at: string; timestamp?: string }[] = [];
        await waitFor(
          `${pattern.gestures} gestures accepted`,
          async () => {
            got.push(...(await rig.accepted()));
            return got.length >= pattern.gestures ? true : undefined;
          },
          () => `${got.length}`,
          TIMEOUT_MS,
        ).catch(() => {
          missing += pattern.gestures - got.length;
        });
        for (const event of got) {
          if (event.timestamp === undefined) continue;
          latencies.get(pattern.name)?.push(Date.parse(event.at) + 0.5 - Date.parse(event.timestamp));
        }
        await sleep(200); // buttons at rest between rounds
      }
    }
    const all = summarize([...latencies.values()].flat());
    const perPattern = Object.fromEntries(
      [...latencies].map(([name, values]) => [name, summarize(values)]),
    ) as Record<string, LatencySummary>;
    const bound = GATEWAY_DELAY_MS + SLACK_MS;
    const summary: SummaryRow[] = [
      ...Object.entries(perPattern).map(([name, stats]) =>
        summaryRow(
          {
            figure: `burst ${name}: decode -> accepted p99`,
            value: stats.p99Ms,
            baseline: bound,
            baselineName: 'gateway delay + 2 ms',
            unit: 'ms',
            compare: 'diff',
          },
          { text: '<= +0 ms', check: (diff) => diff <= 0 },
        ),
      ),
    ];
    return {
      rounds: ROUNDS,
      gatewayDelayMs: GATEWAY_DELAY_MS,
      boundMs: bound,
      all,
      perPattern,
      missing,
      summary,
    };
  } finally {
    await rig.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = { ...(await benchBurst()), node: process.version, at: new Date().toISOString() };
  console.log(
    `burst: ${result.rounds} rounds per pattern, gateway answers after ${result.gatewayDelayMs} ms; ` +
      `latency = gesture decided (event timestamp) -> gateway accepted, ms (+-1 ms); goal p99 <= ${result.boundMs}`,
  );
  const rows = Object.entries(result.perPattern).map(([name, stats]) => [
    name,
    `${stats.samples}`,
    ...[stats.p50Ms, stats.p99Ms, stats.maxMs].map((ms) => formatNumber(ms, 1)),
  ]);
  console.log(formatTable(['pattern', 'gestures', 'p50', 'p99', 'max'], rows));
  if (result.missing > 0)
    console.log(`  ${result.missing} gestures never reached the gateway within ${TIMEOUT_MS / 1000} s`);
  const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}burst.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${outDir}burst.json`);
}
