import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { waitFor } from '@pressgate/test-kit';
import Fastify from 'fastify';
import pino from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RelayEvent } from '../ports.js';
import { registerEventStream } from './event-stream.js';
import { registerErrorHandling } from './http-errors.js';

const BUFFER_LIMIT_BYTES = 64 * 1024;

/** A stream route over an event source the test drives, on 127.0.0.1:0. */
async function streamApp(options: { maxClients?: number } = {}) {
  const listeners = new Set<(event: RelayEvent) => void>();
  const app = Fastify();
  registerErrorHandling(app, pino({ level: 'silent' }), 1024);
  const stats = registerEventStream(app, {
    core: {
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    logger: pino({ level: 'silent' }),
    heartbeatMs: 60_000,
    maxBufferedBytes: BUFFER_LIMIT_BYTES,
    ...(options.maxClients === undefined ? {} : { maxClients: options.maxClients }),
  });
  onTestFinished(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const emit = (event: RelayEvent): void => {
    for (const listener of [...listeners]) listener(event);
  };
  return { app, stats, port, emit, subscribers: () => listeners.size };
}

/** A raw client that asks for the stream and then reads nothing at all. */
function stalledClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      socket.once('data', () => {
        socket.pause();
        resolve(socket);
      });
    });
    socket.once('error', reject);
    onTestFinished(() => {
      socket.destroy();
    });
  });
}

const BIG_EVENT = {
  type: 'gesture',
  remoteId: 'living-room',
  button: 1,
  gesture: 'single',
  mapped: true,
  pad: 'x'.repeat(1_000),
} as unknown as RelayEvent;

describe('GET /v1/stream bounds', () => {
  it('drops clients that never read: what the relay holds for them stays under the cap', async () => {
    const { stats, port, emit, subscribers } = await streamApp();
    const clients = await Promise.all(Array.from({ length: 4 }, () => stalledClient(port)));
    expect(stats.open()).toBe(4);
    let peakBytes = 0;
    // 20,000 events of about 1 KB: 20 MB per client if the relay kept them all.
    for (let index = 0; index < 20_000; index += 1) {
      emit(BIG_EVENT);
      peakBytes = Math.max(peakBytes, stats.bufferedBytes());
      if (index % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const perClientBound = BUFFER_LIMIT_BYTES + 2 * 1_200;
    expect(peakBytes).toBeLessThanOrEqual(clients.length * perClientBound);
    await waitFor('every stalled client to be dropped', () => stats.open() === 0 && subscribers() === 0);
    expect(stats.dropped()).toBe(4);
  });

  it('caps the number of open streams and answers the next with 503', async () => {
    const { stats, port } = await streamApp({ maxClients: 2 });
    await stalledClient(port);
    await stalledClient(port);
    const refused = await fetch(`http://127.0.0.1:${port}/v1/stream`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'ERR_HTTP_TOO_MANY_STREAMS' });
    expect(stats.open()).toBe(2);
  });

  it('answers HEAD at once and opens no stream', async () => {
    const { stats, port, subscribers } = await streamApp();
    const response = await fetch(`http://127.0.0.1:${port}/v1/stream`, {
      method: 'HEAD',
      signal: AbortSignal.timeout(3_000),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stats.open()).toBe(0);
    expect(subscribers()).toBe(0);
  });
});
