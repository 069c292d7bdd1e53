import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openPtyPair, type PtyPair, VirtualRemote } from '@pressgate/device-tools';
import { type Emulator, startEmulator } from '@pressgate/emulator';
import { OUTBOX_FILE } from '@pressgate/relay';
import { freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  RELAY_BUTTON_1_INSTANCE,
  RELAY_CLIENT_ID,
  RELAY_CLIENT_SECRET,
  RELAY_DIRECTIVE_SECRET,
  RELAY_ENDPOINT_ID,
  relayE2eConfigInput,
} from './fixtures/relay-config.js';
import { acceptGrant, discover, postSignedDirective } from './fixtures/relay-directives.js';

const ROOT = join(import.meta.dirname, '..');

type LogLine = Record<string, unknown>;
type Child = { process: ChildProcess; url: string; logs: () => LogLine[]; exited: Promise<number | null> };

/** How long a step of this test may take: a whole process and a pty sit between press and gateway. */
const E2E_WAIT_MS = 15_000;

/** `pressgate run` as its own process (node + tsx, no wrapper, so signals reach it). */
async function spawnRun(configPath: string): Promise<Child> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      join('packages', 'cli', 'src', 'main.ts'),
      'run',
      '--config',
      configPath,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const logs: LogLine[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') logs.push(JSON.parse(line) as LogLine);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const url = await waitFor(
    'pressgate run to listen',
    () => {
      if (child.exitCode !== null) throw new Error(`pressgate run exited ${child.exitCode}: ${stderr}`);
      return logs.find((entry) => entry.msg === 'relay listening')?.url as string | undefined;
    },
    () => ({ logs: logs.slice(-5), stderr }),
    E2E_WAIT_MS,
  );
  return { process: child, url, logs: () => logs, exited };
}

async function plugIn(dir: string): Promise<{ pty: PtyPair; remote: VirtualRemote }> {
  const pty = await openPtyPair({ devicePath: join(dir, 'device'), hostPath: join(dir, 'host') });
  onTestFinished(() => pty.kill());
  const remote = new VirtualRemote({ path: pty.devicePath, buttons: 2 });
  onTestFinished(() => remote.stop());
  await remote.start();
  return { pty, remote };
}

function healthReports(emulator: Emulator): string[] {
  return emulator
    .accepted()
    .filter((event) => event.name === 'ChangeReport')
    .map((event) => (JSON.stringify(event.message).includes('"UNREACHABLE"') ? 'UNREACHABLE' : 'OK'));
}

describe('pressgate run (real processes, real pty, emulator)', () => {
  it('delivers presses, reports unplug/replug, survives a broken reload, and loses nothing on SIGTERM', async () => {
    const dir = await freshDir('pressgate-e2e-run-');
    const emulator = await startEmulator({ clientId: RELAY_CLIENT_ID, clientSecret: RELAY_CLIENT_SECRET });
    onTestFinished(() => emulator.close());
    const input = relayE2eConfigInput({
      dataDir: join(dir, 'data'),
      gatewayUrl: emulator.gatewayUrl,
      lwaTokenUrl: emulator.lwaTokenUrl,
      serialPath: join(dir, 'host'),
    });
    const configPath = join(dir, 'pressgate.yaml');
    const configText = JSON.stringify(input, null, 2);
    await writeFile(configPath, configText);

    const run = await spawnRun(configPath);
    const granted = await postSignedDirective(
      run.url,
      RELAY_DIRECTIVE_SECRET,
      acceptGrant(emulator.issueAuthorizationCode(), 'grantee'),
    );
    expect(granted.status, granted.text).toBe(200);
    const discovered = await postSignedDirective(run.url, RELAY_DIRECTIVE_SECRET, discover('scope'));
    expect(emulator.learnDiscovery(JSON.parse(discovered.text))).toMatchObject({ ok: true });

    // Plug in, press: a SimpleEvent with the mapped instance and event id.
    let plugged = await plugIn(dir);
    await waitFor(
      'ChangeReport OK',
      () => healthReports(emulator).includes('OK'),
      () => healthReports(emulator),
      E2E_WAIT_MS,
    );
    await plugged.remote.single(1);
    const simple = await waitFor(
      'the single press at the gateway',
      () => emulator.accepted().find((event) => event.eventId === 'Button.SinglePush.1'),
      () => emulator.accepted().map((event) => event.name),
      E2E_WAIT_MS,
    );
    expect(simple).toMatchObject({ endpointId: RELAY_ENDPOINT_ID, instance: RELAY_BUTTON_1_INSTANCE });

    // Unplug, replug: EndpointHealth UNREACHABLE, then OK.
    await plugged.remote.stop();
    await plugged.pty.kill();
    await waitFor(
      'ChangeReport UNREACHABLE',
      () => healthReports(emulator).at(-1) === 'UNREACHABLE',
      () => healthReports(emulator),
      E2E_WAIT_MS,
    );
    plugged = await plugIn(dir);
    await waitFor(
      'ChangeReport OK again',
      () => healthReports(emulator).at(-1) === 'OK',
      () => healthReports(emulator),
      E2E_WAIT_MS,
    );
    // The remote is missing when run starts, so Alexa first hears UNREACHABLE.
    expect(healthReports(emulator)).toEqual(['UNREACHABLE', 'OK', 'UNREACHABLE', 'OK']);

    // SIGHUP with a broken config: problems logged at error, the old config keeps delivering.
    await writeFile(configPath, configText.replace(RELAY_BUTTON_1_INSTANCE, 'not-a-uuid'));
    run.process.kill('SIGHUP');
    const rejected = await waitFor(
      'the broken config to be rejected',
      () => run.logs().find((entry) => entry.msg?.toString().startsWith('new config rejected')),
      () => run.logs().slice(-5),
      E2E_WAIT_MS,
    );
    expect(rejected.level).toBe(50);
    expect(JSON.stringify(rejected.problems)).toContain('instance');
    expect(run.process.exitCode).toBeNull();
    await plugged.remote.double(1);
    await waitFor(
      'the double press after the rejected reload',
      () => emulator.accepted().find((event) => event.eventId === 'Button.DoublePush.1'),
      () => emulator.accepted().map((event) => event.eventId ?? event.name),
      E2E_WAIT_MS,
    );

    // A press, then SIGTERM at once: exit 0 within a few seconds, the event delivered or kept.
    await writeFile(configPath, configText);
    await plugged.remote.single(1);
    await waitFor(
      'the last gesture to be queued',
      () => run.logs().filter((entry) => entry.msg === 'gesture queued').length >= 3,
      () => run.logs().slice(-5),
      E2E_WAIT_MS,
    );
    const lastId = run
      .logs()
      .filter((entry) => entry.msg === 'gesture queued')
      .at(-1)?.messageId as string;
    const stoppedAt = performance.now();
    run.process.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(performance.now() - stoppedAt).toBeLessThan(6_000);
    const delivered = () => emulator.accepted().some((event) => event.messageId === lastId);
    const outbox = JSON.parse(await readFile(join(dir, 'data', OUTBOX_FILE), 'utf8')) as {
      pending: { messageId: string }[];
    };
    const kept = outbox.pending.some((entry) => entry.messageId === lastId);
    expect({ delivered: delivered(), kept }).not.toEqual({ delivered: false, kept: false });
    if (kept) {
      await spawnRun(configPath);
      await waitFor(
        'the kept event to be delivered after a restart',
        delivered,
        () => emulator.accepted().length,
        E2E_WAIT_MS,
      );
    }
  }, 60_000);
});
