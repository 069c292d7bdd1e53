/**
 * `pressgate listen` as its own process, posting to `pressgate run` (another
 * process) over HTTP: a VirtualRemote on a real pty, a real emulator, and
 * relay.apiToken set, so the listener needs --api-token.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator } from '@pressgate/emulator';
import { freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { plugIn, spawnCli, spawnRun, waitForLog } from './fixtures/e2e-more-cli.js';
import {
  RELAY_BUTTON_1_INSTANCE,
  RELAY_CLIENT_ID,
  RELAY_CLIENT_SECRET,
  RELAY_DIRECTIVE_SECRET,
  RELAY_ENDPOINT_ID,
  relayE2eConfigInput,
} from './fixtures/relay-config.js';
import { acceptGrant, discover, postSignedDirective } from './fixtures/relay-directives.js';

const API_TOKEN = 'e2e-listen-api-token-0123456789abcdef';

type Status = {
  outbox: { pending: number };
  deliveries: { messageId: string; eventId: string; outcome: string }[];
};

describe('pressgate listen posting to pressgate run (real processes, real pty, emulator)', () => {
  it('delivers presses with --api-token, is refused without it, and exits 0 on SIGTERM', async () => {
    const dir = await freshDir('pressgate-e2e-listen-');
    const emulator = await startEmulator({ clientId: RELAY_CLIENT_ID, clientSecret: RELAY_CLIENT_SECRET });
    onTestFinished(() => emulator.close());

    // Both configs map the same remote; the relay's serial path leads nowhere, the listener's to the pty.
    const common = {
      dataDir: join(dir, 'data'),
      gatewayUrl: emulator.gatewayUrl,
      lwaTokenUrl: emulator.lwaTokenUrl,
      apiToken: API_TOKEN,
    };
    const runConfig = join(dir, 'run.yaml');
    const runInput = relayE2eConfigInput({ ...common, serialPath: join(dir, 'nothing-plugged-in') });
    await writeFile(runConfig, JSON.stringify(runInput, null, 2));
    const listenConfig = join(dir, 'listen.yaml');
    const listenInput = relayE2eConfigInput({ ...common, serialPath: join(dir, 'host') });
    await writeFile(listenConfig, JSON.stringify(listenInput, null, 2));

    const run = await spawnRun(runConfig);
    const granted = await postSignedDirective(
      run.url,
      RELAY_DIRECTIVE_SECRET,
      acceptGrant(emulator.issueAuthorizationCode(), 'Atza|grantee'),
    );
    expect(granted.status, granted.text).toBe(200);
    expect(JSON.parse(granted.text).event.header.name).toBe('AcceptGrant.Response');
    const discovered = await postSignedDirective(run.url, RELAY_DIRECTIVE_SECRET, discover('Atza|scope'));
    expect(emulator.learnDiscovery(JSON.parse(discovered.text))).toMatchObject({ ok: true });

    const { remote } = await plugIn(dir);
    const simpleEvents = () => emulator.accepted().filter((event) => event.eventId !== undefined);

    // With the token: presses become SimpleEvents with the mapped instance and event ids.
    const listen = spawnCli([
      'listen',
      '--config',
      listenConfig,
      '--relay',
      run.url,
      '--api-token',
      API_TOKEN,
    ]);
    await waitForLog(listen, 'remote connected');
    const pressedAt = Date.now();
    await remote.single(1);
    const single = await waitFor(
      'the single press at the gateway',
      () => simpleEvents().find((event) => event.eventId === 'Button.SinglePush.1'),
      () => ({ accepted: emulator.accepted().map((event) => event.name), listen: listen.logs().slice(-5) }),
    );
    expect(single).toMatchObject({ endpointId: RELAY_ENDPOINT_ID, instance: RELAY_BUTTON_1_INSTANCE });
    // The device's time of the press, not the relay's: within the press, never in the future.
    const timestamp = Date.parse(single.timestamp ?? '');
    expect(timestamp).toBeGreaterThanOrEqual(pressedAt - 1_000);
    expect(timestamp).toBeLessThanOrEqual(Date.now());
    await remote.double(1);
    const double = await waitFor(
      'the double press at the gateway',
      () => simpleEvents().find((event) => event.eventId === 'Button.DoublePush.1'),
      () => ({ accepted: simpleEvents().map((event) => event.eventId), listen: listen.logs().slice(-5) }),
    );
    expect(double).toMatchObject({ endpointId: RELAY_ENDPOINT_ID, instance: RELAY_BUTTON_1_INSTANCE });
    expect(simpleEvents().map((event) => event.eventId)).toEqual([
      'Button.SinglePush.1',
      'Button.DoublePush.1',
    ]);
    // The relay may deliver before the listen process has logged the relay's 202: wait for the log.
    const accepted = await waitFor(
      "listen's log of both gestures accepted by the relay",
      () => {
        const lines = listen.logs().filter((line) => line.msg === 'gesture accepted by the relay');
        return lines.length >= 2 && lines;
      },
      () => listen.logs().slice(-5),
    );
    expect(accepted.map((line) => [line.gesture, line.status])).toEqual([
      ['single', 202],
      ['double', 202],
    ]);

    listen.process.kill('SIGTERM');
    expect(await listen.exited).toEqual({ code: 0, signal: null });
    expect(listen.stderr()).toBe('');
    expect(listen.stdout()).not.toContain(API_TOKEN);

    // Without the token: the relay answers 401, listen says so, nothing is queued or delivered.
    const refused = spawnCli(['listen', '--config', listenConfig, '--relay', run.url]);
    await waitForLog(refused, 'remote connected');
    await remote.single(1);
    const refusal = await waitForLog(refused, 'the relay refused the gesture');
    expect(refusal).toMatchObject({ level: 40, status: 401, button: 1, gesture: 'single' });
    expect(String(refusal.body)).toContain('ERR_HTTP_UNAUTHORIZED');
    expect(refused.logs().filter((line) => line.msg === 'gesture accepted by the relay')).toEqual([]);
    const status = (await (await fetch(`${run.url}/v1/status`)).json()) as Status;
    expect(status.outbox.pending).toBe(0);
    expect(
      status.deliveries
        .filter((record) => record.eventId.startsWith('Button.'))
        .map((record) => record.eventId),
    ).toEqual(['Button.DoublePush.1', 'Button.SinglePush.1']);
    expect(simpleEvents()).toHaveLength(2);

    refused.process.kill('SIGTERM');
    expect(await refused.exited).toEqual({ code: 0, signal: null });
    expect(refused.stderr()).toBe('');

    run.process.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
