/**
 * Relay benchmark (`pnpm bench -- relay [--events=N --warmup=N --concurrency=1,16 --remotes=N]`).
 * Not a test. The same SimpleEvent traffic, at each concurrency level, to an in-process
 * emulator: bare undici POSTs to its /v3/events (baseline), then POST /v1/gestures to an
 * in-process relay linked to it (outbox fsynced before each 202, then delivered). Throughput ends
 * at the emulator's accept time of the last event; latency is send -> emulator accept time
 * (AcceptedEvent.at, 1 ms resolution) on both sides. See README.md. Writes bench-results/relay.json.
 */ import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@pressgate/emulator';
import {
  buildSimpleEvent,
  type Gesture,
  PressgateConfig,
  SIGNATURE_HEADER,
  signDirective,
} from '@pressgate/protocol';
import { createRelay, createRelayLogger, type Relay } from '@pressgate/relay';
import { Pool } from 'undici';
import {
  formatNumber,
  formatSigned,
  formatTable,
  type LatencySummary,
  perSecond,
  ratio,
  round,
  summarize,
} from './stats.js';

const CLIENT_ID = 'amzn1.application-oa2-client.bench';
const CLIENT_SECRET = 'bench-client-secret-0123456789abcdef';
const DIRECTIVE_SECRET = 'bench-directive-secret-0123456789';
const GESTURES = ['single', 'double', 'long'] as const satisfies readonly Gesture[];
const EVENT_IDS = { single: 'Button.SinglePush.1', double: 'Button.DoublePush.1', long: 'Button.LongPush.1' };
/** How long a relay round may take to deliver its backlog after the last 202. */
const DRAIN_TIMEOUT_MS = 60_000;
const GOAL_RATIO = 0.7;

export type RelayBenchOptions = { events: number; warmup: number; concurrency: number[]; remotes: number };
export const DEFAULT_OPTIONS: RelayBenchOptions = {
  events: 2000,
  warmup: 100,
  concurrency: [1, 16],
  remotes: 4,
};

export type SideResult = {
  sent: number;
  /** Of those sent, events the emulator accepted. */
  accepted: number;
  /** Requests not answered 2xx (baseline) or 202 (relay). */
  failed: number;
  /** Relay: outcomes other than `delivered`, plus events still pending at the drain deadline. */
  undelivered: number;
  elapsedMs: number;
  eventsPerSec: number;
  /** Send -> emulator accept time (1 ms resolution). */
  accept: LatencySummary;
  /** Send -> the client's answer (baseline: gateway 2xx; relay: 202, the event is durable). */
  client: LatencySummary;
};
/** One concurrency level; the diffs are relay minus baseline accept latency. */
export type LevelResult = { concurrency: number; baseline: SideResult; relay: SideResult } & {
  throughputRatio: number;
  diffP50Ms: number;
  diffP99Ms: number;
};
export type RelayBenchResult = { options: RelayBenchOptions; goalRatio: number; levels: LevelResult[] } & {
  node: string;
  at: string;
};

type Remote = { remoteId: string; endpointId: string; instance: string };
type Context = { emulator: Emulator; relay: Relay; relayUrl: string; token: string; remotes: Remote[] };
type Sent = { messageId: string; sentAtMs: number } | { failed: string };
type Load = { results: Sent[]; client: number[]; startedAtMs: number };

/** Event `index` goes to remote index % remotes, button 1, cycling through the gestures. */
function targetAt(remotes: readonly Remote[], index: number) {
  const remote = remotes[index % remotes.length] as Remote;
  const gesture = GESTURES[Math.floor(index / remotes.length) % GESTURES.length] ?? 'single';
  return { ...remote, gesture, eventId: EVENT_IDS[gesture] };
}

function benchConfig(dataDir: string, emulator: Emulator, remotes: readonly Remote[]): PressgateConfig {
  const gestures = Object.fromEntries(GESTURES.map((gesture) => [gesture, { id: EVENT_IDS[gesture] }]));
  return PressgateConfig.parse({
    relay: { host: '127.0.0.1', port: 0, dataDir },
    alexa: {
      region: 'NA',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      gatewayUrl: emulator.gatewayUrl,
      lwaTokenUrl: emulator.lwaTokenUrl,
      maxEventAgeMs: 300_000, // the largest allowed: a backlog must be measured, not expired
    },
    directives: { secret: DIRECTIVE_SECRET },
    remotes: remotes.map(({ remoteId, endpointId, instance }) => ({
      id: remoteId,
      serial: { path: '/dev/null' },
      endpoint: { endpointId, friendlyName: `Bench ${remoteId}` },
      buttons: [{ button: 1, instance, names: [{ asset: 'Alexa.Button.TopButton' }], gestures }],
    })),
  });
}

async function postDirective(relayUrl: string, namespace: string, name: string, payload: object) {
  const header = { namespace, name, payloadVersion: '3', messageId: randomUUID() };
  const body = JSON.stringify({ directive: { header, payload } });
  const signature = signDirective(DIRECTIVE_SECRET, body, Math.floor(Date.now() / 1000));
  const response = await fetch(`${relayUrl}/alexa/directive`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
    body,
  });
  const text = await response.text();
  if (response.status !== 200 || text.includes('ErrorResponse'))
    throw new Error(`${name} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

/** AcceptGrant (the relay exchanges the code with the emulator's LWA), then Discover -> emulator. */
async function link(emulator: Emulator, relayUrl: string): Promise<void> {
  await postDirective(relayUrl, 'Alexa.Authorization', 'AcceptGrant', {
    grant: { type: 'OAuth2.AuthorizationCode', code: emulator.issueAuthorizationCode() },
    grantee: { type: 'BearerToken', token: 'Atza|bench-grantee' },
  });
  const scope = { type: 'BearerToken', token: 'Atza|bench-scope' };
  const learned = emulator.learnDiscovery(
    await postDirective(relayUrl, 'Alexa.Discovery', 'Discover', { scope }),
  );
  if (!learned.ok) throw new Error(`the emulator refused the discovery: ${learned.description}`);
}

/** `count` sends, `concurrency` at a time (the caller's pool has as many connections). */
async function runLoad(
  count: number,
  concurrency: number,
  send: (index: number) => Promise<Sent>,
): Promise<Load> {
  const load: Load = { results: [], client: [], startedAtMs: Date.now() };
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < count; index = next++) {
      const started = performance.now();
      load.results.push(await send(index));
      load.client.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return load;
}

/** Joins what was sent with what the emulator accepted; the run ends at the last accept. */
function collect(ctx: Context, load: Load, undelivered: number): SideResult {
  const sentAt = new Map<string, number>();
  for (const sent of load.results) if (!('failed' in sent)) sentAt.set(sent.messageId, sent.sentAtMs);
  const latencies: number[] = [];
  let lastAcceptMs = load.startedAtMs;
  for (const event of ctx.emulator.accepted()) {
    const sentAtMs = sentAt.get(event.messageId);
    if (sentAtMs === undefined) continue;
    latencies.push(Date.parse(event.at) - sentAtMs);
    lastAcceptMs = Math.max(lastAcceptMs, Date.parse(event.at));
  }
  const elapsedMs = lastAcceptMs - load.startedAtMs;
  return {
    sent: load.results.length,
    accepted: latencies.length,
    failed: load.results.length - sentAt.size,
    undelivered,
    elapsedMs,
    eventsPerSec: perSecond(latencies.length, elapsedMs),
    accept: summarize(latencies),
    client: summarize(load.client),
  };
}

async function baselineRound(ctx: Context, count: number, concurrency: number): Promise<SideResult> {
  const gateway = new URL(ctx.emulator.gatewayUrl);
  const pool = new Pool(gateway.origin, { connections: concurrency });
  try {
    const load = await runLoad(count, concurrency, async (index) => {
      const messageId = randomUUID();
      const target = targetAt(ctx.remotes, index);
      const event = buildSimpleEvent({ ...target, token: ctx.token, timestamp: new Date(), messageId });
      const sentAtMs = Date.now();
      const response = await pool.request({
        method: 'POST',
        path: gateway.pathname,
        headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      await response.body.dump();
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return ok ? { messageId, sentAtMs } : { failed: `HTTP ${response.statusCode}` };
    });
    return collect(ctx, load, 0);
  } finally {
    await pool.close();
  }
}

async function relayRound(ctx: Context, count: number, concurrency: number): Promise<SideResult> {
  const pool = new Pool(ctx.relayUrl, { connections: concurrency });
  const outcomes = { finished: 0, notDelivered: 0, expected: count };
  let onDrained = (): void => {};
  const drained = new Promise<void>((resolve) => {
    onDrained = resolve;
  });
  const unsubscribe = ctx.relay.core.subscribe((event) => {
    if (event.type !== 'delivery') return;
    outcomes.finished += 1;
    if (event.record.outcome !== 'delivered') outcomes.notDelivered += 1;
    if (outcomes.finished >= outcomes.expected) onDrained();
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const load = await runLoad(count, concurrency, async (index) => {
      const { remoteId, gesture } = targetAt(ctx.remotes, index);
      const sentAtMs = Date.now();
      const response = await pool.request({
        method: 'POST',
        path: '/v1/gestures',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ remoteId, button: 1, gesture }),
      });
      const text = await response.body.text();
      if (response.statusCode !== 202) return { failed: `HTTP ${response.statusCode}: ${text}` };
      return { messageId: (JSON.parse(text) as { messageId: string }).messageId, sentAtMs };
    });
    outcomes.expected = load.results.filter((sent) => !('failed' in sent)).length;
    if (outcomes.finished < outcomes.expected) {
      const deadline = new Promise((resolve) => {
        timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
      });
      await Promise.race([drained, deadline]);
    }
    const pending = Math.max(0, outcomes.expected - outcomes.finished);
    return collect(ctx, load, outcomes.notDelivered + pending);
  } finally {
    clearTimeout(timer);
    unsubscribe();
    await pool.close();
  }
}

/** Waits until the outbox is empty (a round that timed out may leave a backlog). */
async function waitForEmptyOutbox(relay: Relay): Promise<void> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (relay.core.outboxCounts().pending > 0) {
    if (performance.now() > deadline)
      throw new Error(`the outbox still holds ${relay.core.outboxCounts().pending} events`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function benchRelay(options: RelayBenchOptions = DEFAULT_OPTIONS): Promise<RelayBenchResult> {
  const remotes = Array.from({ length: options.remotes }, (_, index) => ({
    remoteId: `bench-${index + 1}`,
    endpointId: `bench-remote-${index + 1}`,
    instance: randomUUID(),
  }));
  const dataDir = await mkdtemp(join(tmpdir(), 'pressgate-bench-relay-'));
  let emulator: Emulator | undefined;
  let relay: Relay | undefined;
  try {
    emulator = await startEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const config = benchConfig(dataDir, emulator, remotes);
    relay = createRelay({ config, logger: createRelayLogger(undefined, 'silent') });
    const relayUrl = await relay.start();
    await link(emulator, relayUrl);
    const token = await relay.core.tokens.getAccessToken();
    const ctx: Context = { emulator, relay, relayUrl, token, remotes };
    const levels: LevelResult[] = [];
    for (const concurrency of options.concurrency) {
      await baselineRound(ctx, options.warmup, concurrency);
      const baseline = await baselineRound(ctx, options.events, concurrency);
      await relayRound(ctx, options.warmup, concurrency);
      await waitForEmptyOutbox(relay);
      const measured = await relayRound(ctx, options.events, concurrency);
      await waitForEmptyOutbox(relay);
      levels.push({
        concurrency,
        baseline,
        relay: measured,
        throughputRatio: ratio(measured.eventsPerSec, baseline.eventsPerSec),
        diffP50Ms: round(measured.accept.p50Ms - baseline.accept.p50Ms),
        diffP99Ms: round(measured.accept.p99Ms - baseline.accept.p99Ms),
      });
    }
    return { options, goalRatio: GOAL_RATIO, levels, node: process.version, at: new Date().toISOString() };
  } finally {
    await relay?.stop();
    await emulator?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export function formatRelayResult(result: RelayBenchResult): string {
  const { options, goalRatio } = result;
  const header = 'conc side events/s accepted failed undeliv p50 p99 max client-p50 client-p99'.split(' ');
  const rows = result.levels.flatMap((level) =>
    (['baseline', 'relay'] as const).map((side) => {
      const { accept, client, ...row } = level[side];
      const latencies = [accept.p50Ms, accept.p99Ms, accept.maxMs, client.p50Ms, client.p99Ms];
      const counts = [formatNumber(row.eventsPerSec, 0), `${row.accepted}/${row.sent}`, `${row.failed}`];
      const cells = [...counts, `${row.undelivered}`, ...latencies.map((ms) => formatNumber(ms))];
      return [`${level.concurrency}`, side, ...cells];
    }),
  );
  const ratios = result.levels.map(
    ({ concurrency, throughputRatio, diffP50Ms, diffP99Ms }) =>
      `  concurrency ${concurrency}: throughput relay/baseline ${formatNumber(throughputRatio)} ` +
      `(goal >= ${formatNumber(goalRatio)}: ${throughputRatio >= goalRatio ? 'met' : 'NOT met'}); ` +
      `accept latency p50 ${formatSigned(diffP50Ms)} ms, p99 ${formatSigned(diffP99Ms)} ms vs baseline`,
  );
  return [
    `relay: ${options.events} events per side per level (after ${options.warmup} warm-up), ${options.remotes} remotes`,
    'latency ms: p50/p99/max = send -> emulator accept (1 ms resolution); client = send -> answer',
    '(baseline answer: the gateway 2xx; relay answer: the 202 from /v1/gestures, event durable)',
    formatTable(header, rows),
    ...ratios,
  ].join('\n');
}

function parseOptions(args: readonly string[]): RelayBenchOptions {
  const options = { ...DEFAULT_OPTIONS };
  for (const arg of args) {
    const match = /^--(events|warmup|remotes|concurrency)=([\d,]+)$/.exec(arg);
    if (match === null)
      throw new Error(`unknown option ${arg}; expected --events=N --warmup=N --remotes=N --concurrency=1,16`);
    const numbers = (match[2] ?? '').split(',').filter(Boolean).map(Number);
    if (match[1] === 'concurrency') options.concurrency = numbers;
    else options[match[1] as 'events' | 'warmup' | 'remotes'] = numbers[0] ?? 0;
  }
  return options;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await benchRelay(parseOptions(process.argv.slice(2)));
  console.log(formatRelayResult(result));
  const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}relay.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${outDir}relay.json`);
}
