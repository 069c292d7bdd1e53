/**
 * A press after a quiet spell (`pnpm bench -- cold-press [--full] [--pairs=N]
 * [--handshake-ms=60]`). Not a test. `pressgate run` reads a VirtualRemote over a socat pty
 * (one button, single and double mapped, doublePressMs 300); its gateway is the emulator
 * (answers after 80 ms) behind a handshake proxy (handshake-proxy.ts): every new connection
 * carries nothing for `--handshake-ms` (a stand-in for TCP + TLS round trips to Amazon, which
 * loopback lacks), and a connection idle for 1 s is closed, as a server closes keep-alive ones.
 * Per pair: wait until the proxy has no connection open (the quiet spell), tap (the cold
 * press), then tap again as soon as the first was answered (the hot press: its connection is still open). Each press is
 * timed from its decision (the release written + doublePressMs) to the emulator's answer.
 * `pressgate run` opens the gateway connection when the button goes down, so a cold press
 * should cost what a hot one does; without that, it pays the handshake. Default 3 pairs,
 * --full 30. Writes bench-results/cold-press.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { waitFor } from './children.js';
import { type HandshakeProxy, startHandshakeProxy } from './handshake-proxy.js';
import { BENCH_TIMING, type PtyRelay, startPtyRelay, TIMEOUT_MS } from './pty-relay.js';
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
const PAIRS = intArg(ARGS.get('pairs'), ARGS.full ? 30 : 3, 'pairs');
const HANDSHAKE_MS = intArg(ARGS.get('handshake-ms'), 60, 'handshake-ms');
const IDLE_MS = 1_000;
const GATEWAY_DELAY_MS = 80;

/** One tap; ms from its decision (release written + doublePressMs) to the gateway's answer. */
async function timedTap(rig: PtyRelay): Promise<number | undefined> {
  let releasedMs = 0;
  const onSent = ({ line, hostMs }: { line: string; hostMs: number }): void => {
    if (line.endsWith(' U')) releasedMs = performance.timeOrigin + hostMs;
  };
  rig.remote.on('sent', onSent);
  try {
    await rig.remote.press(1, { holdMs: 60 });
    // The first poll waits until the tap should have been answered, handshake included.
    const [event] = await rig.acceptedSoon(
      1,
      BENCH_TIMING.doublePressMs + GATEWAY_DELAY_MS + HANDSHAKE_MS + 50,
    );
    if (event === undefined) return undefined;
    const answeredMs = (await rig.gatewayTimes()).get(event.messageId)?.answeredAtMs;
    return answeredMs === undefined ? undefined : answeredMs - (releasedMs + BENCH_TIMING.doublePressMs);
  } finally {
    rig.remote.off('sent', onSent);
  }
}

export async function benchColdPress() {
  let proxy: HandshakeProxy | undefined;
  const rig = await startPtyRelay({
    gatewayDelayMs: GATEWAY_DELAY_MS,
    buttons: 1,
    gestures: ['single', 'double'],
    gatewayVia: async (emulatorUrl) => {
      proxy = await startHandshakeProxy({
        target: new URL(emulatorUrl),
        handshakeMs: HANDSHAKE_MS,
        idleMs: IDLE_MS,
      });
      return proxy.url;
    },
  });
  try {
    await rig.startRelay();
    const cold: number[] = [];
    const hot: number[] = [];
    let missed = 0;
    for (let pair = 0; pair < PAIRS; pair += 1) {
      await waitFor(
        'every gateway connection closed',
        async () => (proxy?.open() === 0 ? true : undefined),
        () => String(proxy?.open()),
        TIMEOUT_MS,
      );
      for (const list of [cold, hot]) {
        const ms = await timedTap(rig);
        if (ms === undefined) missed += 1;
        else list.push(ms);
      }
    }
    const sides = { cold: summarize(cold), hot: summarize(hot) };
    const summary: SummaryRow[] = (['p50Ms', 'p99Ms'] as const).map((q) =>
      summaryRow({
        figure: `press after a quiet spell (handshake ${HANDSHAKE_MS} ms): decision -> accepted ${q.slice(0, 3)}`,
        value: sides.cold[q],
        baseline: sides.hot[q],
        baselineName: 'a press on an open connection',
        unit: 'ms',
        compare: 'diff',
      }),
    );
    return { pairs: PAIRS, handshakeMs: HANDSHAKE_MS, idleMs: IDLE_MS, missed, sides, summary };
  } finally {
    await rig.close();
    await proxy?.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = { ...(await benchColdPress()), node: process.version, at: new Date().toISOString() };
  console.log(
    `cold-press: ${result.pairs} pairs; new gateway connections wait ${result.handshakeMs} ms, idle ones close after ` +
      `${result.idleMs} ms; ms from the decision (release + doublePressMs) to the gateway's answer (80 ms hold)`,
  );
  const rows = (Object.entries(result.sides) as [string, LatencySummary][]).map(([side, stats]) => [
    side,
    `${stats.samples}`,
    ...[stats.p50Ms, stats.p99Ms, stats.maxMs].map((ms) => formatNumber(ms, 2)),
  ]);
  console.log(formatTable(['press', 'samples', 'p50', 'p99', 'max'], rows));
  if (result.missed > 0) console.log(`  ${result.missed} presses never reached the gateway`);
  const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}cold-press.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${outDir}cold-press.json`);
}
