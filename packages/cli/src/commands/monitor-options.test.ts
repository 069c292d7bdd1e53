// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openPtyPair, VirtualRemote } from '@pressgate/device-tools';
import { captureIo, freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../cli.js';
import { discoveryCommand } from './discovery.js';
import { monitorCommand } from './monitor.js';

/** A config whose secrets all come from variables this test never sets. */
const configText = (port: string) => `alexa:
  clientId: \${PRESSGATE_CLIENT_ID}
  clientSecret: \${PRESSGATE_CLIENT_SECRET}
directives:
  secret: \${PRESSGATE_DIRECTIVE_SECRET}
remotes:
  - id: desk
    serial: { path: ${port} }
    endpoint: { endpointId: desk-remote, friendlyName: Desk remote }
    buttons:
      - button: 1
        instance: 4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10
        names: [{ text: One, locale: en-US }]
        gestures: { single: { id: Button.SinglePush.1 } }
`;

async function setup() {
  const dir = await freshDir('pressgate-monitor-');
  const paths = { hostPath: join(dir, 'ttyREMOTE'), devicePath: join(dir, 'device') };
  const pair = await openPtyPair(paths);
  onTestFinished(() => pair.kill());
  const remote = new VirtualRemote({ path: pair.devicePath, deviceId: 'rmt-desk', heartbeatMs: 50 });
  onTestFinished(() => remote.stop());
  await remote.start();
  await writeFile(join(dir, 'pressgate.yaml'), configText(paths.hostPath));
  return { dir, port: paths.hostPath, remote };
}

function startMonitor(args: string[], cwd: string) {
  const shutdown = new AbortController();
  const io = captureIo({ signal: shutdown.signal, cwd, env: {} });
  const exit = runCli(['monitor', ...args], io, [monitorCommand]);
  onTestFinished(async () => {
    shutdown.abort();
    await exit;
  });
  return { io, exit, shutdown };
}

describe('monitor and discovery without the Alexa secrets', () => {
  it('monitor --config maps gestures with the secrets unset, and hides heartbeats', async () => {
    const { dir, port, remote } = await setup();
    const { io, shutdown, exit } = startMonitor(
      ['--port', port, '--config', 'pressgate.yaml', '--json'],
      dir,
    );
    const seen = () => io.out().slice(-2000) + io.err();
    await waitFor('the monitor to connect', () => io.out().includes('"type":"connected"'), seen);
    await remote.single(1);
    await waitFor('the first single press', () => io.out().includes('"eventId":"Button.SinglePush.1"'), seen);
    // By now several 50 ms heartbeats have arrived; none was shown.
    await waitFor('the remote to be up 400 ms', () => remote.uptimeMs() > 400, seen);
    await remote.single(1);
    await waitFor('the second single press', () => io.out().split('Button.SinglePush.1').length > 2, seen);
    expect(io.out()).not.toContain('"type":"heartbeat"');
    shutdown.abort();
    expect(await exit).toBe(0);
    expect(io.err()).toBe('');
  });

  it('monitor --heartbeats shows them', async () => {
    const { dir, port } = await setup();
    const { io } = startMonitor(['--port', port, '--json', '--heartbeats'], dir);
    await waitFor(
      'a heartbeat shown',
      () => io.out().includes('"type":"heartbeat"'),
      () => io.out().slice(-2000) + io.err(),
    );
  });

  it('monitor without --config suggests one only when pressgate.yaml is there', async () => {
    const { dir, port } = await setup();
    const here = startMonitor(['--port', port], dir);
    await waitFor(
      'the monitor to connect where pressgate.yaml is',
      () => here.io.out().includes('connected'),
      () => here.io.out() + here.io.err(),
    );
    expect(here.io.out()).toContain('(add --config pressgate.yaml to see what each maps to)');
    here.shutdown.abort();
    await here.exit;
    const elsewhere = startMonitor(['--port', port], await freshDir('pressgate-empty-'));
    await waitFor(
      'the monitor to connect in an empty folder',
      () => elsewhere.io.out().includes('connected'),
      () => elsewhere.io.out() + elsewhere.io.err(),
    );
    expect(elsewhere.io.out()).not.toContain('config');
  });

  it('discovery prints the endpoints with the secrets unset', async () => {
    const dir = await freshDir('pressgate-discovery-');
    await writeFile(join(dir, 'pressgate.yaml'), configText('/dev/ttyACM0'));
    const io = captureIo({ cwd: dir, env: {} });
    expect(await runCli(['discovery'], io, [discoveryCommand])).toBe(0);
    expect(io.out()).toContain('"endpointId": "desk-remote"');
    expect(io.out()).not.toContain('not-used-by-this-command');
  });
});
