import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { startHttpHarness, waitFor } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type ServerLimits, serverLimits } from './server-limits.js';

/** Short bounds, so the test sees the cut in seconds; the defaults are 10 s and 20 s. */
const LIMITS = { headersTimeoutMs: 1_000, requestTimeoutMs: 1_500, checkIntervalMs: 200 };
/** The bound plus one check interval plus slack for a loaded machine. */
const CUT_WITHIN_MS = LIMITS.requestTimeoutMs + LIMITS.checkIntervalMs + 2_500;
const TRICKLE_MS = 300;

type Trickler = { socket: Socket; openedAt: number; closedAt: number | undefined };

/** A slow-loris client: `start`, then one byte every TRICKLE_MS for as long as it is open. */
function trickle(port: number, start: string, byte: string): Promise<Trickler> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const client: Trickler = { socket, openedAt: Date.now(), closedAt: undefined };
    let timer: NodeJS.Timeout | undefined;
    socket.once('connect', () => {
      socket.write(start);
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(byte);
      }, TRICKLE_MS);
      resolve(client);
    });
    socket.on('error', () => undefined);
    socket.once('close', () => {
      client.closedAt = Date.now();
      clearInterval(timer);
    });
    socket.once('error', reject);
    onTestFinished(() => {
      clearInterval(timer);
      socket.destroy();
    });
  });
}

async function listening(limits: Partial<ServerLimits>) {
  const h = await startHttpHarness({ app: { serverLimits: limits } });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  return (h.app.server.address() as AddressInfo).port;
}

describe('HTTP connection limits', () => {
  it('cuts slow-loris clients (headers or body 1 byte at a time) within the request bound', async () => {
    const port = await listening(LIMITS);
    const clients = await Promise.all([
      ...Array.from({ length: 10 }, () =>
        trickle(port, 'GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'a'),
      ),
      ...Array.from({ length: 10 }, () =>
        trickle(
          port,
          'POST /v1/gestures HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
          ' ',
        ),
      ),
    ]);
    await waitFor(
      'every slow client to be cut',
      () => clients.every((client) => client.closedAt !== undefined),
      () => clients.map((client) => client.closedAt),
      CUT_WITHIN_MS + 5_000,
    );
    const lifetimesMs = clients.map((client) => (client.closedAt ?? Infinity) - client.openedAt);
    for (const lifetimeMs of lifetimesMs) expect(lifetimeMs).toBeLessThanOrEqual(CUT_WITHIN_MS);
  });

  it('closes connections past maxConnections at once', async () => {
    const port = await listening({ maxConnections: 3 });
    const clients = await Promise.all(
      Array.from({ length: 6 }, () =>
        trickle(port, 'GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'a'),
      ),
    );
    await waitFor('the connections past the cap to be closed', () =>
      clients.filter((client) => client.closedAt !== undefined).length >= 3 ? true : undefined,
    );
    // The default headers bound (10 s) has not passed: only the cap closed them.
    expect(clients.filter((client) => client.closedAt === undefined)).toHaveLength(3);
  });

  it('keeps the request bound at least the headers bound and the idle bound above the heartbeat', () => {
    expect(serverLimits({ headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 }, 15_000).requestTimeoutMs).toBe(
      5_000,
    );
    expect(serverLimits({ idleTimeoutMs: 1_000 }, 15_000).idleTimeoutMs).toBe(30_000);
  });
});
