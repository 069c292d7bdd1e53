import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { openPtyPair, VirtualRemote } from '@pressgate/device-tools';
import { PressgateConfig } from '@pressgate/protocol';
import { freshDir, lwaTokens, startScriptedServer, waitFor } from '@pressgate/test-kit';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startService } from './service.js';

/**
 * A gateway that closes idle connections after 150 ms, as a real one does after a while, and
 * records each connection and which one every event came on.
 */
async function startClosingGateway() {
  const sockets: Socket[] = [];
  const openedAt: number[] = [];
  const closed = new Set<Socket>();
  const events: { name: string; connection: number }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        event: { header: { name: string } };
      };
      events.push({ name: body.event.header.name, connection: sockets.indexOf(request.socket) });
      response.writeHead(202).end();
    });
  });
  server.keepAliveTimeout = 150;
  server.on('connection', (socket) => {
    sockets.push(socket);
    openedAt.push(performance.now());
    socket.on('close', () => closed.add(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  onTestFinished(() => server.closeAllConnections());
  const { port } = server.address() as AddressInfo;
  const open = () => sockets.filter((socket) => !closed.has(socket)).length;
  return { url: `http://127.0.0.1:${port}/v3/events`, sockets, openedAt, events, open };
}

describe('a press warms the gateway connection', () => {
  it('opens the connection when the button goes down, and the gesture goes out on it', async () => {
    const dir = await freshDir('pressgate-service-warm-');
    const gateway = await startClosingGateway();
    const lwa = await startScriptedServer('/auth/o2/token', (_request, i) => lwaTokens(i + 1));
    const pair = await openPtyPair({ devicePath: join(dir, 'device'), hostPath: join(dir, 'host') });
    onTestFinished(() => pair.kill());
    const remote = new VirtualRemote({ path: pair.devicePath, heartbeatMs: 0 });
    onTestFinished(() => remote.stop());
    await remote.start();
    const config = PressgateConfig.parse({
      relay: { host: '127.0.0.1', port: 0, dataDir: join(dir, 'data') },
      alexa: {
        clientId: 'client-id',
        clientSecret: 'client-secret',
        gatewayUrl: gateway.url,
        lwaTokenUrl: lwa.url,
      },
      directives: { secret: 'service-test-directive-secret' },
      remotes: [
        {
          id: 'desk',
          serial: { path: pair.hostPath },
          endpoint: { endpointId: 'desk-endpoint', friendlyName: 'desk remote' },
          timing: { doublePressMs: 250 },
          buttons: [
            {
              button: 1,
              instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
              names: [{ text: 'Top', locale: 'en-US' }],
              gestures: { single: { id: 'Button.SinglePush.1' }, double: { id: 'Button.DoublePush.1' } },
            },
          ],
        },
      ],
    });
    const service = await startService({ config, logger: pino({ level: 'silent' }), watch: false });
    onTestFinished(() => service.stop());
    await waitFor('the remote to connect', () => service.relay.core.remotes()[0]?.connected === true);
    await service.relay.core.tokens.acceptGrant('auth-code');
    // The link's report goes out; then the gateway closes the idle connection, as after a quiet hour.
    await waitFor(
      'the reports sent and every connection closed',
      () => (gateway.events.length >= 1 && gateway.open() === 0 ? true : undefined),
      () => `${JSON.stringify(gateway.events)}, ${gateway.open()} open`,
    );
    const before = gateway.sockets.length;

    let releasedAt = Number.POSITIVE_INFINITY;
    remote.on('sent', ({ line, hostMs }) => {
      if (line.endsWith(' U')) releasedAt = hostMs;
    });
    // A 300 ms press: long past the debounce, and the gesture is decided 250 ms after its release.
    const pressing = remote.press(1, { holdMs: 300 });
    await waitFor(
      'a connection opened while the button is down',
      () => (gateway.sockets.length > before ? true : undefined),
      () => `${gateway.sockets.length} connections`,
    );
    await pressing;
    expect(gateway.openedAt[before]).toBeLessThan(releasedAt);
    const sent = await waitFor('the single at the gateway', () =>
      gateway.events.find((event) => event.name === 'Event'),
    );
    // It went out on the connection the press opened: the send did not connect.
    expect(sent.connection).toBe(before);
    expect(gateway.sockets).toHaveLength(before + 1);
  });
});
