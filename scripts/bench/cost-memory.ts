/**
 * The cost bench's memory phase: resident memory of the installed command
 * (`node packages/cli/dist/main.js run`, built by `pnpm build`) beside the forwarder compiled
 * the same way (plain node, no tsx), idle and after `events` gestures. Its own emulator child
 * answers at once (no gateway delay) and the gestures go 64 at a time, so 100,000 events take
 * minutes, not the ~9 the 80 ms gateway at concurrency 16 would: memory after N events depends
 * on the events handled, not on how long each waited for the gateway.
 */
import { mkdir, open as openFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import {
  type Child,
  freePort,
  linkOverHttp,
  spawnCompiledCli,
  startEmulatorChild,
  stopChild,
  waitFor,
  waitForRelay,
} from './children.js';
import { AcceptedLog, rssMb, sendGestures, spawnForwarder, TIMEOUT_MS } from './cost-probes.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  DIRECTIVE_SECRET,
  EVENT_IDS,
  type Remote,
  relayConfig,
  relayOutcomes,
} from './relay.js';

export const MEMORY_CONCURRENCY = 64;
/** Gestures per round; each round is delivered before the next, so no backlog builds up. */
const ROUND = 1000;
const SETTLE_MS = 1000;

export type MemoryFigures = {
  idle: { relayMb: number; forwarderMb: number };
  after: { relayMb: number; forwarderMb: number; events: number };
  /** The same processes `afterMs` after their last event (only when asked for). */
  settled?: { relayMb: number; forwarderMb: number; afterMs: number };
  /** The time both sides spent handling their events (the waits before each read left out). */
  wallMs: number;
};

/** RSS of `pid` SETTLE_MS after now, and again `settleMs` later (0: not read again). */
async function readAfter(pid: number, settleMs: number): Promise<{ soonMb: number; settledMb: number }> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const soonMb = await rssMb(pid);
  if (settleMs === 0) return { soonMb, settledMb: soonMb };
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return { soonMb, settledMb: await rssMb(pid) };
}

/**
 * forwarder.ts as plain JavaScript (type annotations stripped, as tsc emits), written two levels
 * below the repository root like the source, so its relative and package imports resolve alike.
 */
export async function compileForwarder(root: string): Promise<string> {
  const source = await readFile(join(root, 'scripts', 'bench', 'forwarder.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  });
  const dir = join(root, 'bench-results', 'cost-forwarder');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'forwarder.js');
  await writeFile(file, outputText);
  return file;
}

/** `count` gestures to `url` in rounds, each round waited for with `delivered(ids)`. */
async function sendInRounds(
  url: string,
  remotes: readonly Remote[],
  count: number,
  delivered: (ids: string[]) => Promise<void>,
): Promise<void> {
  for (let left = count; left > 0; left -= ROUND) {
    await delivered(await sendGestures(url, remotes, Math.min(ROUND, left), MEMORY_CONCURRENCY));
  }
}

async function waitRelayDelivered(relayUrl: string, count: number): Promise<void> {
  let outcomes = { delivered: 0, other: 0 };
  await waitFor(
    `the relay to deliver ${count} events`,
    async () => {
      outcomes = await relayOutcomes(relayUrl);
      return outcomes.delivered + outcomes.other >= count ? true : undefined;
    },
    () => JSON.stringify(outcomes),
    TIMEOUT_MS,
  );
}

export async function measureMemory(
  dir: string,
  remotes: readonly Remote[],
  events: number,
  settleMs = 0,
): Promise<MemoryFigures> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const dataDir = join(dir, 'memory-data');
  const log = await openFile(join(dir, 'memory-relay.log'), 'a', 0o600);
  let emulator: Child | undefined;
  let relay: Child | undefined;
  let forwarder: Child | undefined;
  try {
    const started = await startEmulatorChild(
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      TIMEOUT_MS,
      0,
    );
    emulator = started.child;
    const port = await freePort();
    const configPath = join(dir, 'memory.yaml');
    await writeFile(configPath, JSON.stringify(relayConfig(dataDir, port, started.url, remotes)));
    relay = spawnCompiledCli(['run', '--config', configPath, '--log-level', 'info'], log.fd);
    const relayUrl = `http://127.0.0.1:${port}`;
    await waitForRelay(relay, relayUrl, TIMEOUT_MS);
    await linkOverHttp(started.url, relayUrl, DIRECTIVE_SECRET);
    const { accessToken } = JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8')) as {
      accessToken: string;
    };
    const fwd = await spawnForwarder(
      {
        gatewayUrl: `${started.url}/v3/events`,
        token: accessToken,
        remotes: Object.fromEntries(
          remotes.map((r) => [r.remoteId, { endpointId: r.endpointId, instance: r.instance }]),
        ),
        eventIds: EVENT_IDS,
        connections: MEMORY_CONCURRENCY,
      },
      await compileForwarder(root),
    );
    forwarder = fwd.child;
    const pids = { relay: relay.process.pid ?? 0, forwarder: forwarder.process.pid ?? 0 };
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const idle = { relayMb: await rssMb(pids.relay), forwarderMb: await rssMb(pids.forwarder) };

    // Each side is read at the same moments after its own last event: 1 s, and (settleMs) once
    // V8 has had time to give back what it no longer uses. The relay must not idle through the
    // forwarder's phase before it is read: that idle time alone halved its figure in one run.
    let startedMs = performance.now();
    const before = await relayOutcomes(relayUrl); // linking may have sent reports already
    let total = before.delivered + before.other;
    await sendInRounds(relayUrl, remotes, events, async (ids) => {
      total += ids.length;
      await waitRelayDelivered(relayUrl, total);
    });
    let sendingMs = performance.now() - startedMs;
    const relayRead = await readAfter(pids.relay, settleMs);
    startedMs = performance.now();
    const accepted = await AcceptedLog.from(started.url);
    await sendInRounds(fwd.url, remotes, events, (ids) => accepted.waitFor(ids, TIMEOUT_MS));
    sendingMs += performance.now() - startedMs;
    const forwarderRead = await readAfter(pids.forwarder, settleMs);
    const wallMs = Math.round(sendingMs);
    const after = { relayMb: relayRead.soonMb, forwarderMb: forwarderRead.soonMb, events };
    const settled =
      settleMs > 0
        ? { relayMb: relayRead.settledMb, forwarderMb: forwarderRead.settledMb, afterMs: settleMs }
        : undefined;
    return { idle, after, ...(settled ? { settled } : {}), wallMs };
  } finally {
    await stopChild(forwarder);
    await stopChild(relay);
    await stopChild(emulator);
    await log.close();
  }
}
