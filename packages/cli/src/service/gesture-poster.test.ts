import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { GesturePoster, gesturesUrl } from './gesture-poster.js';

describe('GesturePoster', () => {
  it('posts to /v1/gestures with the Bearer token and the device time, and never posts an expired gesture', async () => {
    const seen: { url?: string; auth?: string; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        seen.push({
          body,
          ...(request.url ? { url: request.url } : {}),
          ...(request.headers.authorization ? { auth: request.headers.authorization } : {}),
        });
        response.writeHead(202, { 'content-type': 'application/json' }).end('{"messageId":"m-1"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const poster = new GesturePoster({
      relayUrl: `http://127.0.0.1:${port}`,
      apiToken: 'listen-test-token-0123456789',
      maxEventAgeMs: 5_000,
      logger: pino({ level: 'silent' }),
    });
    onTestFinished(() => poster.stop());
    const atMs = Date.now() - 40;
    expect(await poster.post({ remoteId: 'desk', button: 2, gesture: 'double', atMs })).toEqual({
      status: 202,
    });
    expect(seen).toEqual([
      {
        url: '/v1/gestures',
        auth: 'Bearer listen-test-token-0123456789',
        body: JSON.stringify({
          remoteId: 'desk',
          button: 2,
          gesture: 'double',
          at: new Date(atMs).toISOString(),
        }),
      },
    ]);
    const old = await poster.post({
      remoteId: 'desk',
      button: 1,
      gesture: 'single',
      atMs: Date.now() - 6_000,
    });
    expect(old).toEqual({ status: 'expired' });
    expect(seen).toHaveLength(1);
  });
});

describe('gesturesUrl', () => {
  it('appends /v1/gestures to the relay URL, keeping a path prefix', () => {
    expect(gesturesUrl('http://127.0.0.1:8787').href).toBe('http://127.0.0.1:8787/v1/gestures');
    expect(gesturesUrl('https://gw.example/pressgate/').href).toBe(
      'https://gw.example/pressgate/v1/gestures',
    );
    expect(gesturesUrl('https://gw.example/pressgate').href).toBe('https://gw.example/pressgate/v1/gestures');
  });
});
