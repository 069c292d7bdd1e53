/**
 * What a small box pays (`pnpm bench -- cost [--full] [--memory-only | --cpu-only] [--events=N
 * --cpu-events=N --settle-ms=N]`). Not a test. `--cpu-only` runs the CPU phase alone (no start-up or memory
 * phase; warm-up as --full, `--cpu-events` not capped by `--events`): about two minutes with
 * `--cpu-events=4000`, enough to compare two builds (run `pnpm build` first: it measures dist).
 * - CPU per delivered event: one emulator child (gateway answers after 80 ms) serves two
 *   forwarders, each its own process, both compiled (the installed command `node
 *   packages/cli/dist/main.js run`, and forwarder.ts as plain JavaScript; both through tsx when
 *   `pnpm build` has not run): `pressgate run` (log level info, logs to a file) and the bench's
 *   minimal Fastify + undici forwarder (forwarder.ts: no outbox, no logs). After a warm-up
 *   (400 events each, --full 2000), utime + stime of the process (/proc/<pid>/stat, clock
 *   ticks) over `--cpu-events` gestures (default 600, --full 5000; concurrency 16, spread over
 *   16 remotes) in 4 rounds per side, relay and forwarder in turn, each round until the emulator
 *   has accepted all of it (polled on the emulator, never on the measured process), divided by
 *   the events. Includes whatever the
 *   process does idle in that window (the relay's listeners look for their unplugged serial ports).
 * - Resident memory (VmRSS, /proc/<pid>/status) of the installed command, `node
 *   packages/cli/dist/main.js run` (needs `pnpm build`), beside forwarder.ts compiled to plain
 *   JavaScript: idle (linked, before any event) and after `--events` (default 1000; --full
 *   100,000). A second emulator with no gateway delay, 64 gestures at a time in rounds of 1000,
 *   each delivered before the next (cost-memory.ts). Each side is read 1 s after its own last
 *   event, and again `--settle-ms` later (--full: 30 s; default: not). `--memory-only` runs this
 *   phase alone.
 * - Start to `/healthz` ready: `node packages/cli/dist/main.js run` (the compiled command; needs
 *   `pnpm build`, else no figure) beside the tsx dev path, fresh data dir each, best of 1
 *   (--full: 3); and each one's resident memory 1 s after ready (unlinked, no events): what the
 *   installed command holds without tsx, which the two processes above both carry.
 * Writes bench-results/cost.json.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open as openFile, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Child,
  COMPILED_MAIN,
  freePort,
  linkOverHttp,
  spawnCli,
  spawnCompiledCli,
  startEmulatorChild,
  stopChild,
  waitForRelay,
} from './children.js';
import { compileForwarder, MEMORY_CONCURRENCY, type MemoryFigures, measureMemory } from './cost-memory.js';
import {
  AcceptedLog,
  CONCURRENCY,
  cpuPerEvent,
  sendGestures,
  spawnForwarder,
  startupMs,
  TIMEOUT_MS,
} from './cost-probes.js';
import { CLIENT_ID, CLIENT_SECRET, DIRECTIVE_SECRET, EVENT_IDS, type Remote, relayConfig } from './relay.js';
import { benchArgs, formatNumber, intArg, type SummaryRow, summaryRow } from './stats.js';

const ARGS = benchArgs(process.argv.slice(2));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MEMORY_ONLY = process.argv.includes('--memory-only');
const CPU_ONLY = process.argv.includes('--cpu-only');
const TOTAL_EVENTS = intArg(ARGS.get('events'), ARGS.full ? 100_000 : 1000, 'events');
const CPU_EVENTS_ARG = intArg(ARGS.get('cpu-events'), ARGS.full ? 5000 : 600, 'cpu-events');
const CPU_EVENTS = CPU_ONLY ? CPU_EVENTS_ARG : Math.min(TOTAL_EVENTS, CPU_EVENTS_ARG);
const STARTS = ARGS.full ? 3 : 1;
/** Each side's memory is read again this long after its last event (V8 gives memory back when idle). */
const SETTLED_MS = intArg(ARGS.get('settle-ms'), ARGS.full ? 30_000 : 0, 'settle-ms');
/** The CPU window is split into this many rounds per side, relay and forwarder in turn. */
const CPU_ROUNDS = 4;

type CpuRound = Awaited<ReturnType<typeof cpuPerEvent>>;

function sumRounds(rounds: readonly CpuRound[], perRound: number): CpuRound {
  const cpuMs = rounds.reduce((sum, round) => sum + round.cpuMs, 0);
  const wallMs = rounds.reduce((sum, round) => sum + round.wallMs, 0);
  return { cpuMsPerEvent: Math.round((cpuMs / (perRound * rounds.length)) * 1e4) / 1e4, cpuMs, wallMs };
}

/** Events through each side before its CPU is counted: V8 has compiled both hot paths by then. */
const WARMUP = ARGS.full || CPU_ONLY ? 2000 : 400;
const REMOTES = 16;
const GATEWAY_DELAY_MS = 80;

/**
 * CPU per event of `pressgate run` and the forwarder through `emulatorUrl` (80 ms): both compiled
 * (the installed command, and forwarder.ts as plain JavaScript) when `pnpm build` has run, else
 * both through tsx.
 */
async function measureCpu(dir: string, emulatorUrl: string, remotes: readonly Remote[], compiled: boolean) {
  const dataDir = join(dir, 'data');
  const log = await openFile(join(dir, 'relay.log'), 'a', 0o600);
  let relay: Child | undefined;
  let forwarder: Child | undefined;
  try {
    const port = await freePort();
    const configPath = join(dir, 'pressgate.yaml');
    await writeFile(configPath, JSON.stringify(relayConfig(dataDir, port, emulatorUrl, remotes)));
    const args = ['run', '--config', configPath, '--log-level', 'info'];
    relay = compiled ? spawnCompiledCli(args, log.fd) : spawnCli(args, log.fd);
    const relayUrl = `http://127.0.0.1:${port}`;
    await waitForRelay(relay, relayUrl, TIMEOUT_MS);
    await linkOverHttp(emulatorUrl, relayUrl, DIRECTIVE_SECRET);
    const { accessToken } = JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8')) as {
      accessToken: string;
    };
    const fwd = await spawnForwarder(
      {
        gatewayUrl: `${emulatorUrl}/v3/events`,
        token: accessToken,
        remotes: Object.fromEntries(
          remotes.map((r) => [r.remoteId, { endpointId: r.endpointId, instance: r.instance }]),
        ),
        eventIds: EVENT_IDS,
        connections: CONCURRENCY,
      },
      compiled ? await compileForwarder(ROOT) : undefined,
    );
    forwarder = fwd.child;
    // Warm-up both (JIT), then CPU per event, the relay first, then the forwarder.
    const accepted = await AcceptedLog.from(emulatorUrl);
    await accepted.waitFor(await sendGestures(relayUrl, remotes, WARMUP), TIMEOUT_MS);
    await accepted.waitFor(await sendGestures(fwd.url, remotes, WARMUP), TIMEOUT_MS);
    // Alternating rounds, so a slow spell of the machine (or a major GC) falls on both sides.
    const sides = {
      relay: { pid: relay.process.pid ?? 0, url: relayUrl, rounds: [] as CpuRound[] },
      forwarder: { pid: forwarder.process.pid ?? 0, url: fwd.url, rounds: [] as CpuRound[] },
    };
    const perRound = Math.ceil(CPU_EVENTS / CPU_ROUNDS);
    for (let round = 0; round < CPU_ROUNDS; round += 1) {
      for (const side of [sides.relay, sides.forwarder]) {
        side.rounds.push(await cpuPerEvent(side.pid, side.url, accepted, remotes, perRound));
      }
    }
    return {
      relay: sumRounds(sides.relay.rounds, perRound),
      forwarder: sumRounds(sides.forwarder.rounds, perRound),
      rounds: { relay: sides.relay.rounds, forwarder: sides.forwarder.rounds },
      events: perRound * CPU_ROUNDS,
      compiled,
    };
  } finally {
    await stopChild(forwarder);
    await stopChild(relay);
    await log.close();
  }
}

/** Start to /healthz and idle memory after, compiled beside tsx, `STARTS` times each. */
async function measureStarts(
  dir: string,
  emulatorUrl: string,
  remotes: readonly Remote[],
  compiledBuilt: boolean,
) {
  const starts = {
    compiledMs: [] as number[],
    tsxMs: [] as number[],
    compiledIdleMb: [] as number[],
    tsxIdleMb: [] as number[],
  };
  for (let run = 0; run < STARTS; run += 1) {
    if (compiledBuilt) {
      const compiled = await startupMs(dir, emulatorUrl, remotes, true);
      starts.compiledMs.push(compiled.readyMs);
      starts.compiledIdleMb.push(compiled.idleRssMb);
    }
    const dev = await startupMs(dir, emulatorUrl, remotes, false);
    starts.tsxMs.push(dev.readyMs);
    starts.tsxIdleMb.push(dev.idleRssMb);
  }
  return { ...starts, compiledBuilt, runs: STARTS };
}

type CpuFigures = Awaited<ReturnType<typeof measureCpu>>;
type StartFigures = Awaited<ReturnType<typeof measureStarts>>;

function memoryRows(memory: MemoryFigures | undefined): SummaryRow[] {
  const built = memory !== undefined;
  return [
    summaryRow({
      figure: built ? 'resident memory idle, compiled pressgate run' : 'idle memory, compiled (NOT BUILT)',
      value: memory?.idle.relayMb ?? Number.NaN,
      baseline: memory?.idle.forwarderMb ?? Number.NaN,
      baselineName: 'forwarder idle, compiled',
      unit: 'MB',
      compare: 'ratio',
    }),
    summaryRow(
      {
        figure: built
          ? `resident memory after ${memory.after.events} events, compiled pressgate run`
          : 'memory after events, compiled (NOT BUILT)',
        value: memory?.after.relayMb ?? Number.NaN,
        baseline: memory?.after.forwarderMb ?? Number.NaN,
        baselineName: 'forwarder compiled, same events',
        unit: 'MB',
        compare: 'ratio',
      },
      { text: '<= 80 MB (100,000 events: --full)', check: (_, value) => value <= 80 },
    ),
    ...(memory?.settled === undefined
      ? []
      : [
          summaryRow({
            figure: `resident memory ${memory.settled.afterMs / 1000} s after the ${memory.after.events} events, compiled pressgate run`,
            value: memory.settled.relayMb,
            baseline: memory.settled.forwarderMb,
            baselineName: 'forwarder compiled, same',
            unit: 'MB',
            compare: 'ratio',
          }),
        ]),
  ];
}

function summaryRows(
  cpu: CpuFigures | undefined,
  memory: MemoryFigures | undefined,
  starts: StartFigures | undefined,
) {
  const best = (values: number[]) => (values.length === 0 ? Number.NaN : Math.min(...values));
  const rows: SummaryRow[] = [];
  if (cpu !== undefined) {
    rows.push(
      summaryRow(
        {
          figure: `CPU per delivered event, pressgate run (${cpu.compiled ? 'compiled' : 'tsx'})`,
          value: cpu.relay.cpuMsPerEvent,
          baseline: cpu.forwarder.cpuMsPerEvent,
          baselineName: `Fastify+undici forwarder (${cpu.compiled ? 'compiled' : 'tsx'})`,
          unit: 'ms',
          compare: 'ratio',
        },
        { text: '<= 1.5x', check: (compared) => compared <= 1.5 },
      ),
    );
  }
  if (!CPU_ONLY) rows.push(...memoryRows(memory));
  if (starts === undefined) return rows;
  const built = starts.compiledBuilt;
  rows.push(
    summaryRow({
      figure: built
        ? 'resident memory idle, compiled dist/main.js (unlinked)'
        : 'idle memory, compiled (NOT BUILT)',
      value: best(starts.compiledIdleMb),
      baseline: best(starts.tsxIdleMb),
      baselineName: 'tsx dev path, same',
      unit: 'MB',
      compare: 'ratio',
    }),
    summaryRow(
      {
        figure: built
          ? 'start to /healthz, compiled dist/main.js'
          : 'start to /healthz, compiled (NOT BUILT)',
        value: best(starts.compiledMs),
        baseline: best(starts.tsxMs),
        baselineName: 'tsx dev path',
        unit: 'ms',
        compare: 'ratio',
      },
      { text: '< 1000 ms', check: (_, value) => value < 1000 },
    ),
  );
  return rows;
}

export async function benchCost() {
  const remotes: Remote[] = Array.from({ length: REMOTES }, (_, index) => ({
    remoteId: `bench-${index + 1}`,
    endpointId: `bench-remote-${index + 1}`,
    instance: randomUUID(),
  }));
  const dir = await mkdtemp(join(tmpdir(), 'pressgate-bench-cost-'));
  let emulator: Child | undefined;
  try {
    const compiledBuilt = existsSync(COMPILED_MAIN);
    let cpu: CpuFigures | undefined;
    let starts: StartFigures | undefined;
    if (!MEMORY_ONLY) {
      const started = await startEmulatorChild(
        { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
        TIMEOUT_MS,
        GATEWAY_DELAY_MS,
      );
      emulator = started.child;
      cpu = await measureCpu(dir, started.url, remotes, compiledBuilt);
      if (!CPU_ONLY) starts = await measureStarts(dir, started.url, remotes, compiledBuilt);
      await stopChild(emulator);
    }
    // Last, and alone: the memory phase's traffic is the heaviest the bench sends.
    const memory =
      compiledBuilt && !CPU_ONLY ? await measureMemory(dir, remotes, TOTAL_EVENTS, SETTLED_MS) : undefined;
    return {
      ...(cpu === undefined ? {} : { cpu }),
      ...(memory === undefined ? {} : { memory }),
      ...(starts === undefined ? {} : { startup: starts }),
      setup: {
        remotes: REMOTES,
        concurrency: CONCURRENCY,
        memoryConcurrency: MEMORY_CONCURRENCY,
        gatewayDelayMs: GATEWAY_DELAY_MS,
        warmup: WARMUP,
      },
      summary: summaryRows(cpu, memory, starts),
    };
  } finally {
    await stopChild(emulator);
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = { ...(await benchCost()), node: process.version, at: new Date().toISOString() };
  const { cpu, memory, startup } = result;
  if (cpu !== undefined) {
    console.log(
      `cost: ${cpu.events} events for CPU; ${REMOTES} remotes, concurrency ${CONCURRENCY}, gateway answers after ${GATEWAY_DELAY_MS} ms`,
    );
    console.log(
      `  CPU per event (${cpu.compiled ? 'compiled' : 'tsx'}): pressgate run ${formatNumber(cpu.relay.cpuMsPerEvent, 3)} ms (${cpu.relay.cpuMs} ms in ` +
        `${formatNumber(cpu.relay.wallMs / 1000, 1)} s), forwarder ${formatNumber(cpu.forwarder.cpuMsPerEvent, 3)} ms ` +
        `(${cpu.forwarder.cpuMs} ms in ${formatNumber(cpu.forwarder.wallMs / 1000, 1)} s)`,
    );
  }
  if (!CPU_ONLY) {
    console.log(
      memory === undefined
        ? '  RSS, compiled: not built (pnpm build)'
        : `  RSS, compiled: pressgate run idle ${memory.idle.relayMb} MB, forwarder ${memory.idle.forwarderMb} MB; after ` +
            `${memory.after.events} events each (no gateway delay, concurrency ${MEMORY_CONCURRENCY}, ` +
            `${formatNumber(memory.wallMs / 1000, 1)} s): ${memory.after.relayMb} MB, forwarder ${memory.after.forwarderMb} MB` +
            (memory.settled === undefined
              ? ''
              : `; ${memory.settled.afterMs / 1000} s later: ${memory.settled.relayMb} MB, forwarder ${memory.settled.forwarderMb} MB`),
    );
  }
  if (startup !== undefined) {
    console.log(
      `  start to /healthz (ms, each run): compiled ${startup.compiledBuilt ? startup.compiledMs.join(', ') : 'not built (pnpm build)'}; ` +
        `tsx ${startup.tsxMs.join(', ')}`,
    );
    console.log(
      `  idle RSS 1 s after ready, unlinked (MB, each run): compiled ${startup.compiledIdleMb.join(', ') || '-'}; ` +
        `tsx ${startup.tsxIdleMb.join(', ')}`,
    );
  }
  const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}cost.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${outDir}cost.json`);
}
