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
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildEmulatorApp, createEmulatorState } from '@pressgate/emulator';
import { freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  RELAY_CLIENT_ID,
  RELAY_CLIENT_SECRET,
  RELAY_DIRECTIVE_SECRET,
  relayE2eConfigInput,
} from '../fixtures/relay-config.js';
import { acceptGrant, discover, postSignedDirective } from '../fixtures/relay-directives.js';
import { describeLedger, settle } from './ledger.js';
import { createPrng, soakSeconds, soakSeed } from './prng.js';
import { megabytes } from './process-memory.js';
import {
  collectPtyAcknowledgements,
  countBy,
  type FaultKind,
  inject,
  outboxPending,
  postGesture,
  press,
  type Soak,
  sumEndless,
  WEIGHTS,
} from './soak-actions.js';
import { dataDirOf, SoakRig } from './soak-rig.js';

/**
 * Fault kinds the relay does not survive yet, each with the issue-10 bullet that fixes it. The
 * soak leaves them out (SOAK_INCLUDE_OPEN=1 puts them back); the fix empties this list.
 */
const KNOWN_OPEN: readonly { kind: FaultKind; bullet: string }[] = [
  // Empty: the endless gateway and LWA bodies (issue 10, "An upstream error body is read whole")
  // are capped at 64 KiB since, and are injected like every other fault.
];

/** Idle RSS plus this is where the relay's memory must be back to at the end. */
const MEMORY_SLACK_BYTES = 20 * 1024 * 1024;
/** Past this the relay is killed (and the run fails) before it takes the machine down. */
const MEMORY_GUARD_BYTES = 1_024 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 60_000;

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

      const dir = await freshDir('pressgate-soak-');
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
