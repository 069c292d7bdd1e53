/**
 * `pressgate run` killed with SIGKILL while the gateway stalls: the presses it
 * had queued (from a VirtualRemote on a real pty) survive on disk, and a new
 * `pressgate run` on the same config and data dir delivers each exactly once
 * with its original messageId and device timestamp; one too old by then expires.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildEmulatorApp, createEmulatorState } from '@pressgate/emulator';
import { freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { E2E_WAIT_MS, plugIn, spawnRun, waitForLog } from './fixtures/e2e-more-cli.js';
import {
  RELAY_BUTTON_1_INSTANCE,
  RELAY_CLIENT_ID,
  RELAY_CLIENT_SECRET,
  RELAY_DIRECTIVE_SECRET,
  RELAY_ENDPOINT_ID,
  relayE2eConfigInput,
} from './fixtures/relay-config.js';
import { acceptGrant, discover, postSignedDirective } from './fixtures/relay-directives.js';

const MAX_EVENT_AGE_MS = 20_000;
/** How far inside maxEventAgeMs the old press is posted: room for a slow POST on a loaded machine. */
const OLD_MARGIN_MS = 2_000;

type Status = {
  outbox: { pending: number };
  deliveries: { messageId: string; eventId: string; outcome: string; code?: string }[];
};

async function status(url: string): Promise<Status> {
  return (await (await fetch(`${url}/v1/status`)).json()) as Status;
}

/** Every file under `dir`, concatenated: the outbox on disk, whatever its file layout. */
async function diskText(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    names
      .filter((entry) => entry.isFile())
      .map((entry) => readFile(join(entry.parentPath, entry.name), 'utf8')),
  );
  return texts.join('\n');
}

describe('pressgate run killed mid-delivery (real processes, real pty, emulator)', () => {
  it('delivers every pending press exactly once after SIGKILL and a restart, and expires the too-old one', async () => {
    const dir = await freshDir('pressgate-e2e-run-crash-');
    // The emulator's state directly, so its fault queue can be cleared without forgetting the tokens.
    const state = createEmulatorState({ clientId: RELAY_CLIENT_ID, clientSecret: RELAY_CLIENT_SECRET });
    const emulatorApp = buildEmulatorApp(state);
    onTestFinished(() => emulatorApp.close());
    await emulatorApp.listen({ host: '127.0.0.1', port: 0 });
    const emulatorUrl = `http://127.0.0.1:${(emulatorApp.server.address() as AddressInfo).port}`;
    const dataDir = join(dir, 'data');
    const input = relayE2eConfigInput({
      dataDir,
      gatewayUrl: `${emulatorUrl}/v3/events`,
      lwaTokenUrl: `${emulatorUrl}/auth/o2/token`,
      maxEventAgeMs: MAX_EVENT_AGE_MS,
      serialPath: join(dir, 'host'),
    });
    const configPath = join(dir, 'pressgate.yaml');
    await writeFile(configPath, JSON.stringify(input, null, 2));

    const first = await spawnRun(configPath);
    const granted = await postSignedDirective(
      first.url,
      RELAY_DIRECTIVE_SECRET,
      acceptGrant(state.tokens.issueAuthorizationCode(), 'Atza|grantee'),
    );
    expect(JSON.parse(granted.text).event.header.name).toBe('AcceptGrant.Response');
    const discovered = await postSignedDirective(first.url, RELAY_DIRECTIVE_SECRET, discover('Atza|scope'));
    expect(state.learnDiscovery(JSON.parse(discovered.text))).toMatchObject({ ok: true });

    // Plugged in and reported healthy before the gateway stalls, so only presses are pending.
    const { remote } = await plugIn(dir);
    await waitFor(
      'the ChangeReport of the plugged-in remote',
      // OK, not just any report: linking first reports the remote UNREACHABLE (it was not plugged in).
      () =>
        state
          .accepted()
          .some((event) => event.name === 'ChangeReport' && JSON.stringify(event.message).includes('"OK"')),
      () => state.requests(),
      E2E_WAIT_MS,
    );
    const acceptedBefore = state.accepted().length;

    // The gateway stalls: every request is dropped without an answer.
    state.faults.addGatewayFaults(Array.from({ length: 5_000 }, () => ({ drop: true as const })));
    const queued = () => first.logs().filter((line) => line.msg === 'gesture queued');
    for (const [count, press] of [
      [1, () => remote.single(1)],
      [2, () => remote.double(1)],
      [3, () => remote.single(1)],
    ] as const) {
      await press();
      await waitFor(
        `press ${count} to be queued`,
        () => queued().length >= count,
        () => first.logs().slice(-5),
        E2E_WAIT_MS,
      );
    }
    const fresh = queued().map((line) => ({
      messageId: String(line.messageId),
      eventId: String(line.eventId),
      at: String(line.at),
    }));
    expect(fresh.map((entry) => entry.eventId)).toEqual([
      'Button.SinglePush.1',
      'Button.DoublePush.1',
      'Button.SinglePush.1',
    ]);
    await waitFor(
      'dropped sends of the pending presses',
      () => state.requests().filter((request) => request.outcome === 'dropped').length >= 2,
      () => state.requests().slice(-5),
      E2E_WAIT_MS,
    );
    // Posted last, so it waits behind the stalled presses; too old to send once a new process is up.
    // Ingest refuses an `at` already past maxEventAgeMs, so it leaves a margin for a slow POST.
    const oldAtMs = Date.now() - MAX_EVENT_AGE_MS + OLD_MARGIN_MS;
    const oldResponse = await fetch(`${first.url}/v1/gestures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        remoteId: 'living-room',
        button: 1,
        gesture: 'double',
        at: new Date(oldAtMs).toISOString(),
      }),
    });
    expect(oldResponse.status).toBe(202);
    const old = ((await oldResponse.json()) as { messageId: string }).messageId;
    expect((await status(first.url)).outbox.pending).toBe(fresh.length + 1);

    first.process.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(state.accepted()).toHaveLength(acceptedBefore);
    // Acknowledged means on disk: every pending messageId is in the data dir the moment the process died.
    const onDisk = await diskText(dataDir);
    for (const id of [...fresh.map((entry) => entry.messageId), old]) expect(onDisk).toContain(id);

    // The restart comes only once the old press is past its age, however fast the new process starts.
    await waitFor(
      'the old press to pass maxEventAgeMs',
      () => Date.now() > oldAtMs + MAX_EVENT_AGE_MS,
      () => Date.now() - oldAtMs,
      E2E_WAIT_MS,
    );
    state.faults.clear();
    const second = await spawnRun(configPath);
    const resumed = await waitForLog(second, 'resuming pending events');
    expect(resumed.pending).toBe(fresh.length + 1);
    let last: Status | undefined;
    await waitFor(
      'the outbox of the new process to drain',
      async () => {
        last = await status(second.url);
        return last.outbox.pending === 0;
      },
      () => ({ status: last, requests: state.requests().slice(-5) }),
      E2E_WAIT_MS,
    );
    const simpleEvents = state.accepted().filter((event) => event.eventId !== undefined);
    // Exactly once each, in the order pressed, with the original messageId and device timestamp.
    expect(simpleEvents.map((event) => event.messageId)).toEqual(fresh.map((entry) => entry.messageId));
    for (const [index, entry] of fresh.entries()) {
      const event = simpleEvents[index];
      expect(event).toMatchObject({
        endpointId: RELAY_ENDPOINT_ID,
        instance: RELAY_BUTTON_1_INSTANCE,
        eventId: entry.eventId,
      });
      expect(Date.parse(event?.timestamp ?? '')).toBe(Date.parse(entry.at));
    }
    expect(last?.deliveries.find((record) => record.messageId === old)).toMatchObject({
      outcome: 'expired',
      code: 'ERR_OUTBOX_EXPIRED',
    });
    for (const entry of fresh) {
      expect(last?.deliveries.find((record) => record.messageId === entry.messageId)).toMatchObject({
        outcome: 'delivered',
      });
    }
    expect(state.requests().some((request) => request.messageId === old)).toBe(false);

    second.process.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.stderr()).toBe('');
  }, 60_000);
});
