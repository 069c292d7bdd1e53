import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openPtyPair, VirtualRemote } from '@pressgate/device-tools';
import { captureIo, freshDir, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../cli.js';
import { listenCommand } from './listen.js';

type Posted = { remoteId: string; button: number; gesture: string; at: string; receivedAtMs: number };

/** A stand-in relay on 127.0.0.1: records every POST /v1/gestures and answers 202. */
async function startRelayStandIn(): Promise<{ url: string; posted: Posted[] }> {
  const posted: Posted[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/gestures') {
        posted.push({ ...(JSON.parse(body) as Omit<Posted, 'receivedAtMs'>), receivedAtMs: Date.now() });
      }
      response.writeHead(202, { 'content-type': 'application/json' }).end('{"messageId":"m"}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, posted };
}

const configText = (port: string) => `alexa: { clientId: test-client, clientSecret: test-secret }
directives: { secret: directive-secret-0123456789 }
remotes:
  - id: desk
    serial: { path: ${port} }
    endpoint: { endpointId: desk-remote, friendlyName: Desk remote }
    buttons:
      - button: 1
        instance: 4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10
        names: [{ text: One, locale: en-US }]
        gestures:
          single: { id: Button.SinglePush.1 }
`;

describe('pressgate listen on a real pty', () => {
  it('stamps a gesture at the right wall time after the remote restarted mid-stream without HELLO', async () => {
    const dir = await freshDir('pressgate-listen-');
    const paths = { hostPath: join(dir, 'ttyREMOTE'), devicePath: join(dir, 'device') };
    const config = join(dir, 'pressgate.yaml');
    await writeFile(config, configText(paths.hostPath));
    const pair = await openPtyPair(paths);
    onTestFinished(() => pair.kill());
    const remote = new VirtualRemote({ path: pair.devicePath, deviceId: 'rmt-desk', heartbeatMs: 0 });
    onTestFinished(() => remote.stop());
    await remote.start();
    const relay = await startRelayStandIn();

    const shutdown = new AbortController();
    const io = captureIo({ signal: shutdown.signal });
    const exit = runCli(['listen', '--config', config, '--relay', relay.url], io, [listenCommand]);
    onTestFinished(async () => {
      shutdown.abort();
      await exit;
    });
    const seen = () => `posted ${JSON.stringify(relay.posted)}; logs ${io.out().slice(-2000)}${io.err()}`;
    await waitFor(
      'io.out().includes(\'"msg":"remote connected"\')',
      () => io.out().includes('"msg":"remote connected"'),
      seen,
    );

    // Up for an hour: a press stamped as now.
    const firstSentAt = Date.now();
    await remote.sendRaw('E 0 3600000 1 D');
    await remote.sendRaw('E 1 3600080 1 U');
    const first = await waitFor('relay.posted[0]', () => relay.posted[0], seen);
    expect(Date.parse(first.at)).toBeGreaterThanOrEqual(firstSentAt);
    expect(Date.parse(first.at)).toBeLessThanOrEqual(first.receivedAtMs);

    // The remote restarts (watchdog, brown-out) and says nothing but its new uptime.
    // Its next press must be stamped now too, not an hour ago (which would be dropped as too old).
    const secondSentAt = Date.now();
    await remote.sendRaw('B 0 50');
    await remote.sendRaw('E 1 100 1 D');
    await remote.sendRaw('E 2 180 1 U');
    const second = await waitFor('relay.posted[1]', () => relay.posted[1], seen);
    expect(second).toMatchObject({ remoteId: 'desk', button: 1, gesture: 'single' });
    expect(Date.parse(second.at)).toBeGreaterThanOrEqual(secondSentAt);
    expect(Date.parse(second.at)).toBeLessThanOrEqual(second.receivedAtMs);
    expect(io.out()).not.toContain('gesture expired');

    shutdown.abort();
    expect(await exit).toBe(0);
  }, 20_000);
});
