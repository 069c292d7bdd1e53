/**
 * What a small box pays (`pnpm bench -- cost [--full] [--events=N --cpu-events=N]`). Not a test.
 * One emulator child (gateway answers after 80 ms) serves two forwarders, each its own process:
 * `pressgate run` (tsx dev path, log level info, logs to a file) and the bench's minimal
 * Fastify + undici forwarder (forwarder.ts: no outbox, no logs).
 * - CPU per delivered event: utime + stime of the process (/proc/<pid>/stat, clock ticks)
 *   from just before `--cpu-events` gestures (default 600, --full 5000; concurrency 16, spread over 16
 *   remotes) until the emulator has accepted all of them (polled on the emulator, never on
 *   the measured process), divided by the events. Includes whatever the process does idle in
 *   that window (the relay's listeners look for their unplugged serial ports).
 * - Resident memory (VmRSS, /proc/<pid>/status) idle (linked, before any event) and after
 *   `--events` in all (default 1000; --full 100,000), beside the forwarder's after the same.
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
  freePort,
  linkOverHttp,
  spawnCli,
  startEmulatorChild,
  stopChild,
  waitFor,
  waitForRelay,
} from './children.js';
import {
  COMPILED_MAIN,
  CONCURRENCY,
  cpuPerEvent,
  rssMb,
  sendGestures,
  spawnForwarder,
  startupMs,
  TIMEOUT_MS,
  waitAccepted,
} from './cost-probes.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  DIRECTIVE_SECRET,
  EVENT_IDS,
  type Remote,
  relayConfig,
  relayOutcomes,
} from './relay.js';
import { benchArgs, formatNumber, intArg, type SummaryRow, summaryRow } from './stats.js';

const ARGS = benchArgs(process.argv.slice(2));
const TOTAL_EVENTS = intArg(ARGS.get('events'), ARGS.full ? 100_000 : 1000, 'events');
const CPU_EVENTS = Math.min(
  TOTAL_EVENTS,
  intArg(ARGS.get('cpu-events'), ARGS.full ? 5000 : 600, 'cpu-events'),
);
const STARTS = ARGS.full ? 3 : 1;
const WARMUP = 200;
const REMOTES = 16;
const GATEWAY_DELAY_MS = 80;
export async function benchCost() {
  const remotes: Remote[] = Array.from({ length: REMOTES }, (_, index) => ({
    remoteId: `bench-${index + 1}`,
    endpointId: `bench-remote-${index + 1}`,
    instance: randomUUID(),
  }));
  const dir = await mkdtemp(join(tmpdir(), 'pressgate-bench-cost-'));
  const dataDir = join(dir, 'data');
  const log = await openFile(join(dir, 'relay.log'), 'a', 0o600);
  let emulator: Child | undefined;
  let relay: Child | undefined;
  let forwarder: Child | undefined;
  try {
    const started = await startEmulatorChild(
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      TIMEOUT_MS,
      GATEWAY_DELAY_MS,
    );
    emulator = started.child;
    const emulatorUrl = started.url;
    const port = await freePort();
    const configPath = join(dir, 'pressgate.yaml');
    await writeFile(configPath, JSON.stringify(relayConfig(dataDir, port, emulatorUrl, remotes)));
    relay = spawnCli(['run', '--config', configPath, '--log-level', 'info'], log.fd);
    const relayUrl = `http://127.0.0.1:${port}`;
    await waitForRelay(relay, relayUrl, TIMEOUT_MS);
    await linkOverHttp(emulatorUrl, relayUrl, DIRECTIVE_SECRET);
    const { accessToken } = JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8')) as {
      accessToken: string;
    };
    const fwd = await spawnForwarder({
      gatewayUrl: `${emulatorUrl}/v3/events`,
      token: accessToken,
      remotes: Object.fromEntries(
        remotes.map((r) => [r.remoteId, { endpointId: r.endpointId, instance: r.instance }]),
      ),
      eventIds: EVENT_IDS,
      connections: CONCURRENCY,
    });
    forwarder = fwd.child;
    const relayPid = relay.process.pid ?? 0;
    const forwarderPid = forwarder.process.pid ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // settle before the idle reading
    const idle = { relayMb: await rssMb(relayPid), forwarderMb: await rssMb(forwarderPid) };

    // Warm-up both (JIT), then CPU per event, the relay first, then the forwarder.
    await waitAccepted(emulatorUrl, await sendGestures(relayUrl, remotes, WARMUP), TIMEOUT_MS);
    await waitAccepted(emulatorUrl, await sendGestures(fwd.url, remotes, WARMUP), TIMEOUT_MS);
    const relayCpu = await cpuPerEvent(relayPid, relayUrl, emulatorUrl, remotes, CPU_EVENTS);
    const forwarderCpu = await cpuPerEvent(forwarderPid, fwd.url, emulatorUrl, remotes, CPU_EVENTS);

    // The rest of the events for the memory figure, in rounds of at most 5000.
    let sent = WARMUP + CPU_EVENTS;
    const before = await relayOutcomes(relayUrl);
    const rest = Math.max(0, TOTAL_EVENTS - sent);
    for (let left = rest; left > 0; ) {
      const round_ = Math.min(5000, left);
      await sendGestures(relayUrl, remotes, round_);
      await sendGestures(fwd.url, remotes, round_);
      left -= round_;
    }
    sent += rest;
    let outcomes = before;
    await waitFor(
      'the relay to deliver every event',
      async () => {
        outcomes = await relayOutcomes(relayUrl);
        return outcomes.delivered + outcomes.other - before.delivered - before.other >= rest
          ? true
          : undefined;
      },
      () => JSON.stringify(outcomes),
      Math.max(TIMEOUT_MS, rest * 20),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = { relayMb: await rssMb(relayPid), forwarderMb: await rssMb(forwarderPid), events: sent };
    await stopChild(forwarder);
    await stopChild(relay);

    const compiledBuilt = existsSync(COMPILED_MAIN);
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
    const best = (values: number[]) => (values.length === 0 ? Number.NaN : Math.min(...values));
    const summary: SummaryRow[] = [
      summaryRow(
        {
          figure: 'CPU per delivered event, pressgate run',
          value: relayCpu.cpuMsPerEvent,
          baseline: forwarderCpu.cpuMsPerEvent,
          baselineName: 'Fastify+undici forwarder',
          unit: 'ms',
          compare: 'ratio',
        },
        { text: '<= 1.5x', check: (compared) => compared <= 1.5 },
      ),
      summaryRow({
        figure: 'resident memory idle, pressgate run',
        value: idle.relayMb,
        baseline: idle.forwarderMb,
        baselineName: 'forwarder idle',
        unit: 'MB',
        compare: 'ratio',
      }),
      summaryRow(
        {
          figure: `resident memory after ${sent} events, pressgate run`,
          value: after.relayMb,
          baseline: after.forwarderMb,
          baselineName: 'forwarder, same events',
          unit: 'MB',
          compare: 'ratio',
        },
        { text: '<= 80 MB (100,000 events: --full)', check: (_, value) => value <= 80 },
      ),
      summaryRow({
        figure: compiledBuilt
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
          figure: compiledBuilt
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
    ];
    return {
      cpu: { relay: relayCpu, forwarder: forwarderCpu, events: CPU_EVENTS },
      memory: { idle, after },
      startup: { ...starts, compiledBuilt, runs: STARTS },
      setup: { remotes: REMOTES, concurrency: CONCURRENCY, gatewayDelayMs: GATEWAY_DELAY_MS, warmup: WARMUP },
      summary,
    };
  } finally {
    await stopChild(forwarder);
    await stopChild(relay);
    await stopChild(emulator);
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = { ...(await benchCost()), node: process.version, at: new Date().toISOString() };
  const { cpu, memory, startup } = result;
  console.log(
    `cost: ${cpu.events} events for CPU, ${memory.after.events} in all; ${REMOTES} remotes, concurrency ${CONCURRENCY}, ` +
      `gateway answers after ${GATEWAY_DELAY_MS} ms`,
  );
  console.log(
    `  CPU per event: pressgate run ${formatNumber(cpu.relay.cpuMsPerEvent, 3)} ms (${cpu.relay.cpuMs} ms in ` +
      `${formatNumber(cpu.relay.wallMs / 1000, 1)} s), forwarder ${formatNumber(cpu.forwarder.cpuMsPerEvent, 3)} ms ` +
      `(${cpu.forwarder.cpuMs} ms in ${formatNumber(cpu.forwarder.wallMs / 1000, 1)} s)`,
  );
  console.log(
    `  RSS idle: pressgate run ${memory.idle.relayMb} MB, forwarder ${memory.idle.forwarderMb} MB; after ` +
      `${memory.after.events} events: ${memory.after.relayMb} MB, forwarder ${memory.after.forwarderMb} MB`,
  );
  console.log(
    `  start to /healthz (ms, each run): compiled ${startup.compiledBuilt ? startup.compiledMs.join(', ') : 'not built (pnpm build)'}; ` +
      `tsx ${startup.tsxMs.join(', ')}`,
  );
  console.log(
    `  idle RSS 1 s after ready, unlinked (MB, each run): compiled ${startup.compiledIdleMb.join(', ') || '-'}; ` +
      `tsx ${startup.tsxIdleMb.join(', ')}`,
  );
  const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}cost.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${outDir}cost.json`);
}
