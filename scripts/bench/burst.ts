/**
 * Bursts on one remote (`pnpm bench -- burst [--full] [--rounds=N]`). Not a test. `pressgate
 * run` reads a VirtualRemote over a socat pty (4 buttons, single, double and long mapped on
 * each; doublePressMs 300); the emulator answers every gateway request after 80 ms. Per round:
 * - `4 buttons`: buttons 1-4 tapped (80 ms) 50 ms apart;
 * - `double+tap`: a double on button 1 (80 ms presses, 150 ms apart) while button 2 is tapped
 *   in its gap.
 * Each gesture's decision time is when the decoder can decide it at the earliest, on this
 * process's clock: the release line written + doublePressMs for a single, the second release
 * written for a double. The emulator records, with a fraction of a ms, when each request
 * arrived and when it answered, so each gesture splits into decision -> at the gateway (the
 * pty, the decoder's wait, the relay, the HTTP exchange) and the gateway's hold (80 ms plus the
 * emulator's own lateness).
 * Baseline, same run: after each round, at the same offsets from each other, a release line
 * goes through a second pty pair to this process, which at once POSTs the same SimpleEvent with
 * a bare undici client, timed from the line written (see openSerialHop).
 * The goal, "accepted within the decision + the gateway delay + 2 ms, p99", is read as: the
 * gesture's decision -> accepted p99 within 2 ms of the baseline's line written -> accepted
 * p99, and the same for the part before the gateway. Default 3 rounds of each (p99 is then the worst),
 * --full 50, after one uncounted round of each. Writes bench-results/burst.json.
 */
import { randomUUID } from 'node:crypto';
import { constants, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReadStream } from 'node:tty';
import { fileURLToPath } from 'node:url';
import { openPtyPair, VirtualRemote } from '@pressgate/device-tools';
import { LineFramer } from '@pressgate/listener';
import { buildSimpleEvent, parseLine } from '@pressgate/protocol';
import { Pool } from 'undici';
import {
  type AcceptedGesture,
  BENCH_TIMING,
  type GatewayTimes,
  type PtyRelay,
  startPtyRelay,
  TIMEOUT_MS,
} from './pty-relay.js';
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
const ROUNDS = intArg(ARGS.get('rounds'), ARGS.full ? 50 : 3, 'rounds');
const GATEWAY_DELAY_MS = 80;
/** Past the last gesture's expected answer before the emulator is first polled. */
const QUIET_MARGIN_MS = 50;
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

/** One gesture's timeline, wall-clock epoch ms with fractions. */
type Timeline = { decidedMs: number; receivedMs: number; answeredMs: number };

type Accepted = AcceptedGesture & { endpointId?: string; instance?: string };

/** A baseline send: when its line was written, on the wall clock, and the event it POSTed. */
type BareSend = { messageId: string; sentMs: number };

/**
 * The baseline's serial hop: a second socat pty pair, a VirtualRemote writing on its device side
 * and this process reading the host side as a plain tty stream (no decoder, no outbox). A line
 * crosses the same kind of pty as the relay's edges do, so the baseline pays the serial transit
 * that every gesture pays before the relay can decide it.
 */
type SerialHop = {
  remote: VirtualRemote;
  /** Resolves when a release of `button` arrives on the host side. */
  nextRelease(button: number): Promise<void>;
  close(): Promise<void>;
};

/** How long the serial hop waits for a line to come through before the round gives up on it. */
const HOP_TIMEOUT_MS = 5_000;

async function openSerialHop(dir: string): Promise<SerialHop> {
  const pair = await openPtyPair({ dir: await mkdtemp(join(dir, 'bare-')) });
  const remote = new VirtualRemote({ path: pair.devicePath, buttons: 4, heartbeatMs: 0 });
  const waiters = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  const failAll = (error: Error): void => {
    for (const waiter of waiters.values()) waiter.reject(error);
    waiters.clear();
  };
  let host: ReadStream | undefined;
  try {
    host = new ReadStream(openSync(pair.hostPath, constants.O_RDWR | constants.O_NOCTTY));
    const framer = new LineFramer((item) => {
      if (item.kind !== 'line') return;
      const parsed = parseLine(item.text);
      if (!parsed.ok || parsed.message.type !== 'edge' || parsed.message.edge !== 'U') return;
      waiters.get(parsed.message.button)?.resolve();
      waiters.delete(parsed.message.button);
    });
    host.on('error', (error) => failAll(new Error(`the baseline's pty failed: ${error.message}`)));
    host.on('close', () => failAll(new Error("the baseline's pty closed")));
    host.on('data', (chunk: Buffer) => framer.write(chunk));
    await remote.start();
  } catch (error) {
    host?.destroy();
    await pair.kill();
    throw error;
  }
  return {
    remote,
    nextRelease: (button) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(button);
          reject(
            new Error(
              `no release of button ${button} through the baseline's pty within ${HOP_TIMEOUT_MS} ms`,
            ),
          );
        }, HOP_TIMEOUT_MS);
        waiters.set(button, {
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
      }),
    close: async () => {
      await remote.stop().catch(() => undefined);
      host?.destroy();
      await pair.kill();
    },
  };
}

/**
 * The baseline: at the same offsets from each other as the gestures were decided in this round,
 * a release line is written through the serial hop, and the moment it arrives a bare undici
 * client POSTs the same SimpleEvent (same endpoint, instance and id) straight to the gateway:
 * what any serial-to-HTTP forwarder pays for the pty, the HTTP exchange and the gateway's hold.
 */
async function replayBare(
  hop: SerialHop,
  pool: Pool,
  token: string,
  plan: readonly { offsetMs: number; event: Accepted }[],
): Promise<BareSend[]> {
  return Promise.all(
    plan.map(async ({ offsetMs, event }, index) => {
      await sleep(offsetMs);
      const button = index + 1;
      const arrived = hop.nextRelease(button);
      const sentMs = performance.timeOrigin + performance.now();
      await hop.remote.edge(button, 'U');
      await arrived;
      const messageId = randomUUID();
      const body = buildSimpleEvent({
        endpointId: event.endpointId ?? '',
        instance: event.instance ?? '',
        eventId: event.eventId ?? '',
        token,
        timestamp: new Date(),
        messageId,
      });
      const response = await pool.request({
        method: 'POST',
        path: '/v3/events',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.body.dump();
      return { messageId, sentMs };
    }),
  );
}

/**
 * When the decoder could decide `event` at the earliest, from the release lines written for
 * its button in this round: the last release + doublePressMs for a single, the second release
 * for a double. Undefined for anything else.
 */
function decisionMs(event: Accepted, releases: ReadonlyMap<number, number[]>): number | undefined {
  const [, gesture, button] = /^Button\.(\w+)\.(\d+)$/.exec(event.eventId ?? '') ?? [];
  const times = releases.get(Number(button)) ?? [];
  if (gesture === 'single' && times.length > 0) return (times.at(-1) ?? 0) + BENCH_TIMING.doublePressMs;
  if (gesture === 'double' && times.length >= 2) return times[1];
  return undefined;
}

function split(timelines: readonly Timeline[]) {
  return {
    toGateway: summarize(timelines.map((t) => t.receivedMs - t.decidedMs)),
    held: summarize(timelines.map((t) => t.answeredMs - t.receivedMs)),
    total: summarize(timelines.map((t) => t.answeredMs - t.decidedMs)),
  };
}

type Round = { gestures: Timeline[]; bare: Timeline[]; missing: number };

function timeline(decidedMs: number | undefined, request: GatewayTimes | undefined): Timeline[] {
  const { receivedAtMs, answeredAtMs } = request ?? {};
  if (decidedMs === undefined || receivedAtMs === undefined || answeredAtMs === undefined) return [];
  return [{ decidedMs, receivedMs: receivedAtMs, answeredMs: answeredAtMs }];
}

/** Plays `pattern` once, waits for its gestures at the gateway, then replays them bare. */
async function playRound(
  rig: PtyRelay,
  pattern: Pattern,
  releases: Map<number, number[]>,
  bare: { hop: SerialHop; pool: Pool; token: string },
): Promise<Round> {
  releases.clear();
  await pattern.play((button, holdMs) => rig.remote.press(button, { holdMs }));
  // The first poll waits until every gesture of the round has been decided and answered.
  const got = (await rig.acceptedSoon(
    pattern.gestures,
    BENCH_TIMING.doublePressMs + GATEWAY_DELAY_MS + QUIET_MARGIN_MS,
  )) as Accepted[];
  const missing = pattern.gestures - got.length;
  const decided = got.map((event) => ({ event, decidedMs: decisionMs(event, releases) }));
  const first = Math.min(...decided.map((entry) => entry.decidedMs ?? Number.POSITIVE_INFINITY));
  await sleep(200); // buttons and connections at rest, as before a press
  const plan = decided.flatMap(({ event, decidedMs }) =>
    decidedMs === undefined ? [] : [{ offsetMs: decidedMs - first, event }],
  );
  const sends = await replayBare(bare.hop, bare.pool, bare.token, plan);
  await rig.accepted(); // the bare events are not gestures
  const requests = await rig.gatewayTimes();
  return {
    gestures: decided.flatMap(({ event, decidedMs }) => timeline(decidedMs, requests.get(event.messageId))),
    bare: sends.flatMap((send) => timeline(send.sentMs, requests.get(send.messageId))),
    missing,
  };
}

function compareRows(name: string, gestures: Timeline[], bare: Timeline[]): SummaryRow[] {
  const subject = split(gestures);
  const baseline = split(bare);
  const within = { text: '<= +2 ms', check: (diff: number) => diff <= SLACK_MS };
  return [
    summaryRow(
      {
        figure: `burst ${name}: decision -> accepted p99`,
        value: subject.total.p99Ms,
        baseline: baseline.total.p99Ms,
        baselineName: 'pty + bare undici POST, line written -> accepted',
        unit: 'ms',
        compare: 'diff',
      },
      within,
    ),
    summaryRow(
      {
        figure: `burst ${name}: decision -> at the gateway p99`,
        value: subject.toGateway.p99Ms,
        baseline: baseline.toGateway.p99Ms,
        baselineName: 'pty + bare undici POST, line written -> at the gateway',
        unit: 'ms',
        compare: 'diff',
      },
      within,
    ),
  ];
}

export async function benchBurst() {
  const rig = await startPtyRelay({
    gatewayDelayMs: GATEWAY_DELAY_MS,
    buttons: 4,
    gestures: ['single', 'double', 'long'],
  });
  const pool = new Pool(rig.emulatorUrl, { connections: 4 });
  let hopDir: string | undefined;
  let hop: SerialHop | undefined;
  try {
    hopDir = await mkdtemp(join(tmpdir(), 'pressgate-bench-burst-'));
    hop = await openSerialHop(hopDir);
    const { dataDir } = await rig.startRelay();
    // The live access token the relay stored: the baseline sends as the same account.
    const { accessToken } = JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8')) as {
      accessToken: string;
    };
    const releases = new Map<number, number[]>();
    rig.remote.on('sent', ({ line, hostMs }) => {
      const parsed = parseLine(line);
      if (!parsed.ok || parsed.message.type !== 'edge' || parsed.message.edge !== 'U') return;
      releases.set(parsed.message.button, [
        ...(releases.get(parsed.message.button) ?? []),
        performance.timeOrigin + hostMs,
      ]);
    });
    const rounds = new Map<string, Round>(
      PATTERNS.map((p) => [p.name, { gestures: [], bare: [], missing: 0 }]),
    );
    // One round of each pattern first, not counted: both paths' connections and code warm.
    for (const pattern of PATTERNS)
      await playRound(rig, pattern, releases, { hop, pool, token: accessToken });
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const pattern of PATTERNS) {
        const played = await playRound(rig, pattern, releases, { hop, pool, token: accessToken });
        const sum = rounds.get(pattern.name);
        sum?.gestures.push(...played.gestures);
        sum?.bare.push(...played.bare);
        if (sum !== undefined) sum.missing += played.missing;
      }
    }
    return {
      rounds: ROUNDS,
      gatewayDelayMs: GATEWAY_DELAY_MS,
      perPattern: Object.fromEntries(
        [...rounds].map(([name, r]) => [name, { gestures: split(r.gestures), bare: split(r.bare) }]),
      ),
      timelines: Object.fromEntries(rounds),
      missing: [...rounds.values()].reduce((sum, r) => sum + r.missing, 0),
      summary: [...rounds].flatMap(([name, r]) => compareRows(name, r.gestures, r.bare)),
    };
  } finally {
    // Each step on its own: one failing must not leave the others' processes and files behind.
    await hop?.close().catch(() => undefined);
    if (hopDir !== undefined) await rm(hopDir, { recursive: true, force: true }).catch(() => undefined);
    await pool.close().catch(() => undefined);
    await rig.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = { ...(await benchBurst()), node: process.version, at: new Date().toISOString() };
  console.log(
    `burst: ${result.rounds} rounds per pattern, gateway answers after ${result.gatewayDelayMs} ms; ` +
      `ms from the earliest decision (release written + window), beside a baseline (a line through a second pty, then a bare undici POST of the same event); goal: p99 within 2 ms of it`,
  );
  const rows = Object.entries(result.perPattern).flatMap(([name, { gestures, bare }]) =>
    (
      [
        ['decision -> at the gateway', gestures.toGateway],
        ["gateway's hold", gestures.held],
        ['decision -> accepted', gestures.total],
        ['baseline: line written -> at the gateway', bare.toGateway],
        ['baseline: line written -> accepted', bare.total],
      ] as [string, LatencySummary][]
    ).map(([part, figures]) => [
      name,
      part,
      `${figures.samples}`,
      ...[figures.p50Ms, figures.p99Ms, figures.maxMs].map((ms) => formatNumber(ms, 2)),
    ]),
  );
  console.log(formatTable(['pattern', 'part', 'events', 'p50', 'p99', 'max'], rows));
  if (result.missing > 0)
    console.log(`  ${result.missing} gestures never reached the gateway within ${TIMEOUT_MS / 1000} s`);
  const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}burst.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${outDir}burst.json`);
}
