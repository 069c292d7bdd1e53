import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildEmulatorApp, createEmulatorState } from '@pressgate/emulator';
import { freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { E2E_WAIT_MS, spawnScript, waitForLog } from './fixtures/e2e-more-cli.js';
import {
  RELAY_CLIENT_ID,
  RELAY_CLIENT_SECRET,
  RELAY_DIRECTIVE_SECRET,
  relayE2eConfigInput,
} from './fixtures/relay-config.js';
import { acceptGrant, discover, postSignedDirective } from './fixtures/relay-directives.js';

const MAX_EVENT_AGE_MS = 20_000;
/** How far inside maxEventAgeMs the old press is posted: room for a slow POST on a loaded machine. */
const OLD_MARGIN_MS = 2_000;

type Child = {
  process: ChildProcess;
  url: string;
  lines: () => Record<string, unknown>[];
  exited: Promise<number | null>;
};

/** Spawns the relay as its own process (node + tsx loader, no wrapper, so a signal hits the relay itself). */
async function spawnRelay(configPath: string): Promise<Child> {
  const child = spawnScript(join('test', 'fixtures', 'relay-main.ts'), [configPath]);
  const listening = await waitForLog(child, 'relay listening');
  const exited = child.exited.then((exit) => exit.code);
  return { process: child.process, url: listening.url as string, lines: child.logs, exited };
}

describe('relay crash and restart', () => {
  it('delivers every pending event exactly once with its messageId after SIGKILL, and expires the too-old one', async () => {
    const dataDir = await freshDir('pressgate-relay-crash-');
    const state = createEmulatorState({ clientId: RELAY_CLIENT_ID, clientSecret: RELAY_CLIENT_SECRET });
    const emulatorApp = buildEmulatorApp(state);
    onTestFinished(() => emulatorApp.close());
    await emulatorApp.listen({ host: '127.0.0.1', port: 0 });
    const emulatorUrl = `http://127.0.0.1:${(emulatorApp.server.address() as AddressInfo).port}`;
    const configPath = join(dataDir, 'config.json');
    await writeFile(
      configPath,
      JSON.stringify(
        relayE2eConfigInput({
          dataDir: join(dataDir, 'data'),
          gatewayUrl: `${emulatorUrl}/v3/events`,
          lwaTokenUrl: `${emulatorUrl}/auth/o2/token`,
          maxEventAgeMs: MAX_EVENT_AGE_MS,
        }),
      ),
    );

    const first = await spawnRelay(configPath);
    const grant = await postSignedDirective(
      first.url,
      RELAY_DIRECTIVE_SECRET,
      acceptGrant(state.tokens.issueAuthorizationCode(), 'Atza|grantee'),
    );
    expect(JSON.parse(grant.text).event.header.name).toBe('AcceptGrant.Response');
    const discovery = await postSignedDirective(first.url, RELAY_DIRECTIVE_SECRET, discover('Atza|scope'));
    expect(state.learnDiscovery(JSON.parse(discovery.text))).toMatchObject({ ok: true });

    // The gateway stalls: every request is dropped without an answer, so nothing is accepted.
    state.faults.addGatewayFaults(Array.from({ length: 5_000 }, () => ({ drop: true as const })));
    const post = async (body: object): Promise<string> => {
      const response = await fetch(`${first.url}/v1/gestures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(202);
      return ((await response.json()) as { messageId: string }).messageId;
    };
    const fresh: string[] = [];
    for (const gesture of ['single', 'double', 'single']) {
      fresh.push(await post({ remoteId: 'living-room', button: 1, gesture }));
    }
    await waitFor(
      'dropped sends of the pending events',
      () =>
        state.requests().filter((request) => request.outcome === 'dropped').length >= 2 ? true : undefined,
      () => state.requests(),
      E2E_WAIT_MS,
    );
    // Posted last and killed at once: too old to send by the time a new relay is up. Ingest
    // refuses an `at` already past maxEventAgeMs, so it leaves a margin for a slow POST.
    const oldAtMs = Date.now() - MAX_EVENT_AGE_MS + OLD_MARGIN_MS;
    const old = await post({
      remoteId: 'living-room',
      button: 1,
      gesture: 'double',
      at: new Date(oldAtMs).toISOString(),
    });
    first.process.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    expect(state.accepted()).toEqual([]);

    // The restart comes only once the old press is past its age, however fast the new process starts.
    await waitFor(
      'the old press to pass maxEventAgeMs',
      () => Date.now() > oldAtMs + MAX_EVENT_AGE_MS,
      () => Date.now() - oldAtMs,
      E2E_WAIT_MS,
    );
    state.faults.clear();
    const second = await spawnRelay(configPath);
    const accepted = await waitFor(
      'the pending events at the gateway',
      () => {
        const ids = state.accepted().map((event) => event.messageId);
        return fresh.every((id) => ids.includes(id)) ? ids : undefined;
      },
      () => state.requests().slice(-10),
      E2E_WAIT_MS,
    );
    for (const id of fresh) expect(accepted.filter((seen) => seen === id)).toHaveLength(1);
    expect(accepted).not.toContain(old);
    expect(accepted).toHaveLength(fresh.length);

    type Status = {
      outbox: { pending: number };
      deliveries: { messageId: string; outcome: string; code?: string }[];
    };
    let last: Status | undefined;
    // The old event is behind the fresh ones in its endpoint's queue: it is expired at its turn.
    const status = await waitFor(
      'the outbox to drain',
      async () => {
        last = (await (await fetch(`${second.url}/v1/status`)).json()) as Status;
        return last.outbox.pending === 0 ? last : undefined;
      },
      () => last,
      E2E_WAIT_MS,
    );
    expect(status.outbox.pending).toBe(0);
    expect(status.deliveries.find((record) => record.messageId === old)).toMatchObject({
      outcome: 'expired',
      code: 'ERR_OUTBOX_EXPIRED',
    });
    for (const id of fresh) {
      expect(status.deliveries.find((record) => record.messageId === id)).toMatchObject({
        outcome: 'delivered',
      });
    }

    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.lines().map((entry) => entry.msg)).toContain('relay core stopped; outbox flushed');
  }, 60_000);
});
