/**
 * The fault soak: gestures through `pressgate run` (a child process) from a serial remote on a
 * pty and from POST /v1/gestures, against the emulator, while faults are injected at random
 * from a seeded PRNG. Then the invariant: every acknowledged gesture was delivered (by
 * messageId) or recorded with an outcome and a reason; none vanished; duplicates only where a
 * cut answer or a SIGKILL explains them; the relay's memory back near its idle figure.
 *
 * SOAK_SECONDS (default 10; `pnpm test:soak` runs 60) sets the length, SOAK_SEED replays a run,
 * SOAK_INCLUDE_OPEN=1 injects the KNOWN_OPEN faults too (under a memory guard).
 * See docs/architecture.md, "Delivery and ordering".
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEmulatorApp, createEmulatorState } from '@pressgate/emulator';
import { waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  RELAY_CLIENT_ID,
  RELAY_CLIENT_SECRET,
  RELAY_DIRECTIVE_SECRET,
  relayE2eConfigInput,
} from '../fixtures/relay-config.js';
import { acceptGrant, discover, postSignedDirective } from '../fixtures/relay-directives.js';
import { type Acknowledged, describeLedger, settle } from './ledger.js';
import { createPrng, type Prng, soakSeconds, soakSeed } from './prng.js';
import { megabytes } from './process-memory.js';
import { dataDirOf, SoakRig } from './soak-rig.js';

/**
 * Fault kinds the relay does not survive yet, each with the issue-10 bullet that fixes it. The
 * soak leaves them out (SOAK_INCLUDE_OPEN=1 puts them back); the fix empties this list.
 */
const KNOWN_OPEN: readonly { kind: FaultKind; bullet: string }[] = [
  {
    kind: 'gatewayEndlessBody',
    bullet:
      'issue 10, Bounded resources: "An upstream error body is read whole" (gateway-client.ts reads a non-2xx body whole)',
  },
  {
    kind: 'lwaEndlessBody',
    bullet:
      'issue 10, Bounded resources: "An upstream error body is read whole" (lwa-client.ts reads the token answer whole)',
  },
];

/** The relay's default gateway and LWA request timeout: a held answer past it is a timeout. */
const RELAY_TIMEOUT_MS = 10_000;
/** Idle RSS plus this is where the relay's memory must be back to at the end. */
const MEMORY_SLACK_BYTES = 20 * 1024 * 1024;
/** Past this the relay is killed (and the run fails) before it takes the machine down. */
const MEMORY_GUARD_BYTES = 1_024 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 60_000;
/**
 * Access tokens are expired at most this often: more than one expiry within one event's
 * lifetime (maxEventAgeMs, 30 s) makes its retry see a 401 with a freshly refreshed token,
 * which the relay rightly takes as a broken link (relink_required). Real tokens last an hour.
 */
const TOKEN_EXPIRY_SPACING_MS = 35_000;

type FaultKind =
  | 'gateway429'
  | 'gateway500'
  | 'gateway503'
  | 'gatewayTimeout'
  | 'gatewayDrop'
  | 'gatewayCut'
  | 'gatewayEndlessBody'
  | 'lwaOutage'
  | 'lwaEndlessBody'
  | 'tokenExpiry'
  | 'remoteUnplug'
  | 'relayKill'
  | 'stalledStreams';

const WEIGHTS: Record<FaultKind, number> = {
  gateway429: 3,
  gateway500: 3,
  gateway503: 3,
  gatewayTimeout: 1,
  gatewayDrop: 2,
  gatewayCut: 2,
  gatewayEndlessBody: 2,
  lwaOutage: 2,
  lwaEndlessBody: 1,
  tokenExpiry: 2,
  remoteUnplug: 2,
  relayKill: 1,
  stalledStreams: 2,
};

type Soak = {
  rig: SoakRig;
  prng: Prng;
  acknowledged: Map<string, Acknowledged>;
  injected: Record<string, number>;
  pressed: number;
  posted: number;
  refused: number;
  replugAtMs: number | undefined;
  lastExpiryAtMs: number;
};

/** Expires the access tokens unless that happened less than TOKEN_EXPIRY_SPACING_MS ago. */
function expireTokens(soak: Soak): boolean {
  if (Date.now() - soak.lastExpiryAtMs < TOKEN_EXPIRY_SPACING_MS) return false;
  soak.lastExpiryAtMs = Date.now();
  soak.rig.state.tokens.expireAccessTokens();
  return true;
}

async function inject(soak: Soak, kind: FaultKind): Promise<void> {
  const { rig, prng } = soak;
  const { faults } = rig.state;
  soak.injected[kind] = (soak.injected[kind] ?? 0) + 1;
  const times = prng.int(1, 3);
  const repeat = <T>(fault: T): T[] => Array.from({ length: times }, () => fault);
  switch (kind) {
    case 'gateway429':
      faults.addGatewayFaults(repeat({ status: 429 }));
      return;
    case 'gateway500':
      faults.addGatewayFaults(repeat({ status: 500 }));
      return;
    case 'gateway503':
      faults.addGatewayFaults(repeat({ status: 503 }));
      return;
    case 'gatewayTimeout':
      faults.addGatewayFaults([{ delayMs: RELAY_TIMEOUT_MS + 1_000 }]);
      return;
    case 'gatewayDrop':
      faults.addGatewayFaults(repeat({ drop: true }));
      return;
    case 'gatewayCut':
      // At the body: the 202 was read, so the event counts as sent. At the start: no answer
      // at all after the gateway took the event, so the retry is a duplicate.
      faults.addGatewayFaults([{ cut: true, at: prng.chance(0.5) ? 'start' : 'body' }]);
      return;
    case 'gatewayEndlessBody':
      faults.addGatewayFaults([{ endless: true, status: prng.chance(0.5) ? 500 : 429 }]);
      return;
    case 'lwaOutage': {
      const outage = (['unavailable', 'drop', 'hang'] as const)[prng.int(0, 2)] ?? 'unavailable';
      faults.setLwaFault({ kind: outage, requests: times });
      expireTokens(soak);
      return;
    }
    case 'lwaEndlessBody':
      faults.setLwaFault({ kind: 'endless', requests: 1 });
      expireTokens(soak);
      return;
    case 'tokenExpiry':
      if (!expireTokens(soak)) soak.injected[kind] = (soak.injected[kind] ?? 1) - 1;
      return;
    case 'remoteUnplug':
      await rig.unplug();
      soak.replugAtMs = Date.now() + prng.int(500, 3_000);
      return;
    case 'relayKill':
      await rig.killAndRestart();
      return;
    case 'stalledStreams':
      if (rig.stalledClients < 50) rig.stallStreams(prng.int(2, 8));
      return;
  }
}

async function postGesture(soak: Soak): Promise<void> {
  soak.posted += 1;
  const gesture = soak.prng.chance(0.5) ? 'single' : 'double';
  try {
    const response = await fetch(`${soak.rig.relay.url}/v1/gestures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ remoteId: 'living-room', button: 1, gesture, at: new Date().toISOString() }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as { messageId?: string };
    if (response.status === 202 && typeof body.messageId === 'string') {
      soak.acknowledged.set(body.messageId, { source: 'http', atMs: Date.now() });
    } else soak.refused += 1;
  } catch {
    // The relay was down or killed mid-request: not acknowledged, so not owed.
    soak.refused += 1;
  }
}

async function press(soak: Soak): Promise<void> {
  const remote = soak.rig.remote;
  if (remote === undefined) return;
  soak.pressed += 1;
  try {
    if (soak.prng.chance(0.6)) await remote.single(1);
    else await remote.double(1);
  } catch {
    // Unplugged under the press: nothing was acknowledged.
  }
}

/** Gestures the serial remote got queued, from every relay process's "gesture queued" lines. */
function collectPtyAcknowledgements(soak: Soak): void {
  for (const line of soak.rig.allLogs()) {
    if (line.msg === 'gesture queued' && typeof line.messageId === 'string') {
      if (!soak.acknowledged.has(line.messageId)) {
        soak.acknowledged.set(line.messageId, { source: 'pty', atMs: Number(line.time ?? 0) });
      }
    }
  }
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function sumEndless(records: readonly { endlessBytes?: number }[]): number {
  return records.reduce((sum, record) => sum + (record.endlessBytes ?? 0), 0);
}

async function outboxPending(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${url}/v1/status`, { signal: AbortSignal.timeout(5_000) });
    const status = (await response.json()) as { outbox?: { pending?: number } };
    return status.outbox?.pending;
  } catch {
    return undefined;
  }
}

describe('fault soak (pressgate run, pty remote, emulator, random faults)', () => {
  const seconds = soakSeconds();
  it(
    `every acknowledged gesture is delivered or recorded, for ${seconds} s of random faults`,
    async () => {
      const seed = soakSeed();
      const includeOpen = process.env.SOAK_INCLUDE_OPEN === '1';
      const open = new Set(includeOpen ? [] : KNOWN_OPEN.map((entry) => entry.kind));
      const kinds = (Object.keys(WEIGHTS) as FaultKind[])
        .filter((kind) => !open.has(kind))
        .map((kind) => ({ kind, weight: WEIGHTS[kind] }));
      console.log(
        `soak: seed ${seed}, ${seconds} s (replay with SOAK_SEED=${seed} SOAK_SECONDS=${seconds}); ` +
          `left out as known open: ${[...open].join(', ') || 'none'}`,
      );
      const prng = createPrng(seed);

      const dir = await mkdtemp(join(tmpdir(), 'pressgate-soak-'));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      const state = createEmulatorState({ clientId: RELAY_CLIENT_ID, clientSecret: RELAY_CLIENT_SECRET });
      const emulatorApp = buildEmulatorApp(state);
      onTestFinished(() => emulatorApp.close());
      await emulatorApp.listen({ host: '127.0.0.1', port: 0 });
      const emulatorUrl = `http://127.0.0.1:${(emulatorApp.server.address() as AddressInfo).port}`;
      const input = relayE2eConfigInput({
        dataDir: dataDirOf(dir),
        gatewayUrl: `${emulatorUrl}/v3/events`,
        lwaTokenUrl: `${emulatorUrl}/auth/o2/token`,
        serialPath: join(dir, 'host'),
      });
      const configPath = join(dir, 'pressgate.yaml');
      await writeFile(configPath, JSON.stringify(input, null, 2));

      const rig = new SoakRig({ dir, configPath, state });
      onTestFinished(() => rig.close());
      const first = await rig.startRelay();
      const granted = await postSignedDirective(
        first.url,
        RELAY_DIRECTIVE_SECRET,
        acceptGrant(state.tokens.issueAuthorizationCode(), 'Atza|grantee'),
      );
      expect(JSON.parse(granted.text).event.header.name).toBe('AcceptGrant.Response');
      const discovered = await postSignedDirective(first.url, RELAY_DIRECTIVE_SECRET, discover('Atza|scope'));
      expect(state.learnDiscovery(JSON.parse(discovered.text))).toMatchObject({ ok: true });
      await rig.plug();

      const soak: Soak = {
        rig,
        prng,
        acknowledged: new Map(),
        injected: {},
        pressed: 0,
        posted: 0,
        refused: 0,
        replugAtMs: undefined,
        lastExpiryAtMs: 0,
      };
      // Warm up without faults, so the idle figure is of a relay that has done its work once.
      for (let index = 0; index < 3; index += 1) await postGesture(soak);
      await waitFor(
        'the warm-up gestures to be delivered',
        () => state.accepted().filter((event) => event.eventId !== undefined).length >= 3,
        () => state.requests().slice(-5),
      );
      const idleRss = await rig.rss();
      if (idleRss === undefined) throw new Error('could not read the relay RSS');

      let peakRss = idleRss;
      let guardTripped: string | undefined;
      const sampler = setInterval(() => {
        void rig.rss().then((rss) => {
          if (rss === undefined) return;
          peakRss = Math.max(peakRss, rss);
          if (rss > MEMORY_GUARD_BYTES && guardTripped === undefined && !rig.relayGone()) {
            guardTripped = `relay RSS ${megabytes(rss)} > guard ${megabytes(MEMORY_GUARD_BYTES)}`;
            rig.expectExit();
            rig.relay.process.kill('SIGKILL');
          }
        });
      }, 100);
      onTestFinished(() => clearInterval(sampler));

      const endAtMs = Date.now() + seconds * 1_000;
      // Kills only in the first 60%: the last process lives through the rest of the faults, so
      // its memory at the end says something.
      const lastKillAtMs = Date.now() + seconds * 600;
      while (Date.now() < endAtMs) {
        if (rig.relayGone()) await rig.startRelay();
        if (soak.replugAtMs !== undefined && Date.now() >= soak.replugAtMs) {
          soak.replugAtMs = undefined;
          await rig.plug();
        }
        if (prng.chance(0.35)) {
          const { kind } = prng.weighted(kinds);
          if (kind !== 'relayKill' || Date.now() < lastKillAtMs) await inject(soak, kind);
        }
        if (prng.chance(0.5)) await press(soak);
        const burst = prng.int(0, 3);
        for (let index = 0; index < burst; index += 1) await postGesture(soak);
        await new Promise((resolve) => setTimeout(resolve, prng.int(100, 400)));
      }

      // Quiet: no more faults, remote back, stalled clients gone; let everything settle.
      state.faults.clear();
      rig.releaseStreams();
      if (rig.relayGone()) await rig.startRelay();
      await rig.plug();
      let ledger = settle({
        acknowledged: soak.acknowledged,
        logs: [],
        accepted: [],
        requests: [],
        killsAtMs: [],
      });
      const account = () => {
        collectPtyAcknowledgements(soak);
        ledger = settle({
          acknowledged: soak.acknowledged,
          logs: rig.allLogs(),
          accepted: state.accepted(),
          requests: state.requests(),
          killsAtMs: rig.killsAtMs,
        });
        return ledger;
      };
      try {
        await waitFor(
          'every acknowledged gesture to be delivered or recorded, and the outbox empty',
          async () => account().vanished.length === 0 && (await outboxPending(rig.relay.url)) === 0,
          () => ({ vanished: ledger.vanished.slice(0, 5), pending: rig.relay.logs().slice(-3) }),
          DRAIN_TIMEOUT_MS,
        );
      } catch {
        // Reported below with the counts.
      }
      account();
      let finalRss: number | undefined;
      try {
        await waitFor(
          'the relay RSS to settle under its idle figure plus 20 MB',
          async () => {
            finalRss = await rig.rss();
            return finalRss !== undefined && finalRss <= idleRss + MEMORY_SLACK_BYTES;
          },
          () => megabytes(finalRss),
          10_000,
          500,
        );
      } catch {
        // Reported below.
      }
      clearInterval(sampler);

      const summary = [
        `soak: seed ${seed}, ${seconds} s, ${rig.relays.length} relay process(es), ${rig.killsAtMs.length} SIGKILL(s)`,
        `injected: ${JSON.stringify(soak.injected)}`,
        `gateway requests: ${JSON.stringify(countBy(state.requests().map((request) => `${request.outcome}${request.cutAfter === undefined ? '' : `-after-${request.cutAfter}`}`)))}`,
        `LWA requests: ${JSON.stringify(countBy(state.tokenRequests().map((request) => request.outcome)))}`,
        `endless bodies read by the relay: gateway ${megabytes(sumEndless(state.requests()))}, LWA ${megabytes(sumEndless(state.tokenRequests()))}`,
        `gestures: ${soak.pressed} presses on the pty, ${soak.posted} POSTs (${soak.refused} not acknowledged)`,
        ...describeLedger(ledger),
        `relay RSS: idle ${megabytes(idleRss)}, peak ${megabytes(peakRss)}, final ${megabytes(finalRss)} ` +
          `(final process ${rig.relays.length === 1 ? 'is the idle one' : 'was restarted'}); guard: ${guardTripped ?? 'not tripped'}`,
        `unexpected relay exits: ${rig.unexpectedExits.length}`,
      ];
      for (const line of summary) console.log(line);

      expect(rig.unexpectedExits).toEqual([]);
      expect(guardTripped).toBeUndefined();
      expect(ledger.acknowledged.http + ledger.acknowledged.pty).toBeGreaterThan(0);
      expect(ledger.vanished).toEqual([]);
      expect(ledger.withoutReason).toEqual([]);
      expect(ledger.duplicates.unexplained).toEqual([]);
      expect(finalRss).toBeLessThanOrEqual(idleRss + MEMORY_SLACK_BYTES);
    },
    soakSeconds() * 1_000 + DRAIN_TIMEOUT_MS + 60_000,
  );
});
