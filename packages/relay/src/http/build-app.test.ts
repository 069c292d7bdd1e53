import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startHttpHarness, waitFor } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

/** Reads a text stream into `text` until `done` says stop or the deadline passes. */
async function readUntil(
  body: ReadableStream<Uint8Array>,
  done: (text: string) => boolean,
  timeoutMs = 10_000,
): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (!done(text)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  if (!done(text)) throw new Error(`the stream ended or timed out before the expected events; got:\n${text}`);
  return text;
}

describe('buildApp: status, health, metrics, 404', () => {
  it('answers /healthz and unknown routes in the error shape', async () => {
    const h = await startHttpHarness();
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
    const missing = await h.app.inject({ method: 'GET', url: '/v2/nothing?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      statusCode: 404,
      code: 'ERR_HTTP_NOT_FOUND',
      error: 'Not Found',
      message: expect.stringContaining('GET /v2/nothing;'),
    });
  });

  it('reports link, remotes, outbox and deliveries in /v1/status without any token', async () => {
    const h = await startHttpHarness();
    const before = (await h.app.inject({ method: 'GET', url: '/v1/status' })).json();
    expect(before).toMatchObject({
      link: { state: 'unlinked' },
      remotes: [{ id: 'living-room', connected: false }],
      outbox: { pending: 0, delivered: 0 },
      deliveries: [],
    });
    await h.link();
    const { messageId } = (
      await h.postGesture({ remoteId: 'living-room', button: 1, gesture: 'single' })
    ).json();
    const status = await waitFor(
      'a delivered record in /v1/status',
      async () => {
        const body = (await h.app.inject({ method: 'GET', url: '/v1/status' })).json();
        return body.outbox.delivered === 1 ? body : undefined;
      },
      () => h.emulator.requests(),
    );
    expect(status.link.state).toBe('linked');
    expect(status.deliveries).toEqual([
      expect.objectContaining({
        messageId,
        outcome: 'delivered',
        eventId: 'Button.SinglePush.1',
        status: 202,
      }),
    ]);
    const tokens = JSON.parse(await readFile(join(h.config.relay.dataDir, 'tokens.json'), 'utf8'));
    const text = JSON.stringify(status);
    expect(tokens.accessToken).toEqual(expect.any(String));
    expect(text).not.toContain(tokens.accessToken);
    expect(text).not.toContain(tokens.refreshToken);
  });

  it('serves Prometheus text with gesture, delivery, outbox and link metrics', async () => {
    const h = await startHttpHarness();
    await h.link();
    await h.postGesture({ remoteId: 'living-room', button: 1, gesture: 'single' });
    await h.postGesture({ remoteId: 'living-room', button: 2, gesture: 'double' });
    // The counters follow the core's delivery events, which come just after the outbox counts.
    const response = await waitFor(
      'the delivery in /metrics',
      async () => {
        const scrape = await h.app.inject({ method: 'GET', url: '/metrics' });
        return scrape.body.includes('pressgate_deliveries_total{outcome="delivered"} 1') ? scrape : undefined;
      },
      () => h.core.outboxCounts(),
    );
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = response.body.split('\n');
    expect(lines).toContain('pressgate_gestures_total{mapped="true"} 1');
    expect(lines).toContain('pressgate_gestures_total{mapped="false"} 1');
    expect(lines).toContain('pressgate_deliveries_total{outcome="delivered"} 1');
    expect(lines).toContain('pressgate_deliveries_total{outcome="dead_letter"} 0');
    expect(lines).toContain('pressgate_outbox_pending 0');
    expect(lines).toContain('pressgate_link_state{state="linked"} 1');
    expect(lines).toContain('pressgate_link_state{state="unlinked"} 0');
    expect(lines).toContain('pressgate_remote_connected{remote="living-room"} 0');
    expect(lines).toContain('# TYPE pressgate_deliveries_total counter');
  });
});

describe('GET /v1/stream', () => {
  it('streams gesture and delivery events with heartbeats, and unsubscribes when the client goes', async () => {
    const h = await startHttpHarness({ app: { heartbeatMs: 50 } });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.app.server.address() as AddressInfo;
    await h.link();
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/v1/stream`, { signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const body = response.body;
    if (body === null) throw new Error('no body');
    await readUntil(body, (text) => text.includes(': pressgate relay events'));
    const posted = await h.postGesture({ remoteId: 'living-room', button: 1, gesture: 'double' });
    const { messageId } = posted.json();
    const text = await readUntil(
      body,
      (seen) => seen.includes('event: delivery') && seen.includes(': heartbeat'),
    );
    const events = text
      .split('\n\n')
      .filter((block) => block.includes('event: '))
      .map((block) => ({
        name: /^event: (.*)$/m.exec(block)?.[1],
        data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null'),
      }));
    expect(events[0]).toEqual({
      name: 'gesture',
      data: expect.objectContaining({
        type: 'gesture',
        remoteId: 'living-room',
        mapped: true,
        eventId: 'Button.DoublePush.1',
      }),
    });
    expect(events).toContainEqual({
      name: 'delivery',
      data: { type: 'delivery', record: expect.objectContaining({ messageId, outcome: 'delivered' }) },
    });
    abort.abort();
    await waitFor(
      'the stream to close',
      () => (h.logs.entries().some((entry) => entry.msg === 'event stream closed') ? true : undefined),
      () => h.logs.lines.slice(-5),
    );
  });

  it('ends open streams when the app closes', async () => {
    const h = await startHttpHarness();
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.app.server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/v1/stream`);
    const body = response.body;
    if (body === null) throw new Error('no body');
    await readUntil(body, (text) => text.includes(': pressgate relay events'));
    const reader = body.getReader();
    await h.app.close();
    // The server ended the stream: the client sees the end instead of hanging.
    let ended = false;
    for (let chunk = await reader.read(); !ended; chunk = await reader.read()) ended = chunk.done;
    expect(ended).toBe(true);
  });
});
