import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { GatewayClient } from './gateway-client.js';

type Gateway = {
  url: string;
  server: Server;
  /** Every connection the server accepted, in order. */
  sockets: Socket[];
  /** For each request, the index in `sockets` of the connection it came on. */
  requestSockets: number[];
  closed: Set<Socket>;
};

/** A real gateway stand-in on 127.0.0.1 that answers 202 and records which connection each request used. */
async function startGateway(): Promise<Gateway> {
  const sockets: Socket[] = [];
  const requestSockets: number[] = [];
  const closed = new Set<Socket>();
  const server = createServer((request, response) => {
    requestSockets.push(sockets.indexOf(request.socket));
    request.resume();
    request.on('end', () => response.writeHead(202).end());
  });
  server.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('close', () => closed.add(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  onTestFinished(() => server.closeAllConnections());
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v3/events`, server, sockets, requestSockets, closed };
}

function clientFor(gateway: Gateway, warmConnectionTtlMs?: number): GatewayClient {
  const client = new GatewayClient({
    url: gateway.url,
    ...(warmConnectionTtlMs === undefined ? {} : { warmConnectionTtlMs }),
  });
  onTestFinished(() => client.close());
  return client;
}

const event = { event: { header: { name: 'Event' } } };

describe('GatewayClient.warm', () => {
  it('opens the connection ahead, and the next send goes out on it without connecting', async () => {
    const gateway = await startGateway();
    const client = clientFor(gateway);
    client.warm();
    await waitFor(
      'the warm connection',
      () => (client.warmStats.ready ? true : undefined),
      () => JSON.stringify(client.warmStats),
    );
    expect(gateway.sockets).toHaveLength(1);
    expect(await client.send(event, 'token')).toMatchObject({ kind: 'response', status: 202 });
    expect(gateway.sockets).toHaveLength(1);
    expect(gateway.requestSockets).toEqual([0]);
    expect(client.warmStats).toEqual({ opened: 1, used: 1, ready: false });
  });

  it('opens nothing while a pooled connection is idle and ready', async () => {
    const gateway = await startGateway();
    const client = clientFor(gateway);
    expect(await client.send(event, 'token')).toMatchObject({ status: 202 });
    client.warm();
    client.warm();
    expect(client.warmStats).toEqual({ opened: 0, used: 0, ready: false });
    expect(await client.send(event, 'token')).toMatchObject({ status: 202 });
    expect(client.warmStats.opened).toBe(0);
  });

  it('holds one connection at most, however often it is asked', async () => {
    const gateway = await startGateway();
    const client = clientFor(gateway);
    for (let press = 0; press < 5; press += 1) client.warm();
    await waitFor('the warm connection', () => (client.warmStats.ready ? true : undefined));
    client.warm();
    expect(client.warmStats.opened).toBe(1);
    expect(gateway.sockets).toHaveLength(1);
  });

  it('closes a connection no send used within its time, and the send connects anew', async () => {
    const gateway = await startGateway();
    const client = clientFor(gateway, 100);
    client.warm();
    await waitFor(
      'the unused warm connection to be closed',
      () =>
        gateway.sockets.length === 1 && gateway.closed.has(gateway.sockets[0] as Socket) ? true : undefined,
      () => `${gateway.sockets.length} connections, ${gateway.closed.size} closed`,
    );
    expect(client.warmStats).toEqual({ opened: 1, used: 0, ready: false });
    expect(await client.send(event, 'token')).toMatchObject({ status: 202 });
    expect(gateway.requestSockets).toEqual([1]);
  });

  it('never hands a send a connection the gateway has closed', async () => {
    const gateway = await startGateway();
    const client = clientFor(gateway);
    client.warm();
    await waitFor('the warm connection', () => (client.warmStats.ready ? true : undefined));
    gateway.sockets[0]?.destroy();
    await waitFor('the client to drop the closed connection', () =>
      client.warmStats.ready ? undefined : true,
    );
    expect(await client.send(event, 'token')).toMatchObject({ kind: 'response', status: 202 });
    expect(gateway.requestSockets).toEqual([1]);
    expect(client.warmStats.used).toBe(0);
  });

  it('opens nothing after close', async () => {
    const gateway = await startGateway();
    const client = clientFor(gateway);
    await client.close();
    client.warm();
    expect(await client.send(event, 'token')).toMatchObject({ status: 202 });
    expect(client.warmStats.opened).toBe(0);
    expect(gateway.sockets).toHaveLength(1);
  });
});
