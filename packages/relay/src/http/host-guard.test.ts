import { startHttpHarness } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

const TOKEN = 'api-token-for-host-guard-tests-0123';
const GESTURE = { remoteId: 'living-room', button: 1, gesture: 'single' };

describe('Host/Origin guard (only this box pages drive the relay)', () => {
  it('takes loopback names, IP addresses and relay.host; refuses a rebinding name', async () => {
    const h = await startHttpHarness({ app: { configuredHost: 'pressgate-box.lan' } });
    for (const host of [
      '127.0.0.1:8787',
      'localhost:8787',
      '[::1]:8787',
      '192.168.1.5:8787',
      'pressgate-box.lan:8787',
      'LOCALHOST',
    ]) {
      const response = await h.app.inject({ method: 'GET', url: '/v1/status', headers: { host } });
      expect(response.statusCode, host).toBe(200);
    }
    for (const host of [
      'evil.example:8787',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      'user@localhost',
      '127.1',
    ]) {
      const response = await h.app.inject({ method: 'GET', url: '/v1/status', headers: { host } });
      expect(response.statusCode, host).toBe(403);
      expect(response.json()).toMatchObject({ code: 'ERR_HTTP_FOREIGN_HOST' });
    }
  });

  it('keeps refusing a foreign name however many accepted Host values it has seen', async () => {
    const h = await startHttpHarness();
    const status = (host: string) =>
      h.app.inject({ method: 'GET', url: '/v1/status', headers: { host } }).then((r) => r.statusCode);
    for (let index = 0; index < 40; index += 1) {
      expect(await status(`10.0.0.${index}:8787`)).toBe(200);
      expect(await status('evil.example:8787')).toBe(403);
    }
    expect(await status('localhost:8787')).toBe(200);
    expect(await status('127.0.0.1.nip.io')).toBe(403);
  });

  it('refuses an Origin that is not the Host itself, and Sec-Fetch-Site: cross-site', async () => {
    const h = await startHttpHarness();
    const host = '127.0.0.1:8787';
    const ok = await h.app.inject({
      method: 'GET',
      url: '/v1/status',
      headers: { host, origin: 'http://127.0.0.1:8787', 'sec-fetch-site': 'same-origin' },
    });
    expect(ok.statusCode).toBe(200);
    for (const headers of [
      { origin: 'http://127.0.0.1:3000' },
      { origin: 'http://evil.example:8787' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      const response = await h.app.inject({
        method: 'POST',
        url: '/v1/gestures',
        headers: { host, 'content-type': 'text/plain', ...headers },
        payload: JSON.stringify(GESTURE),
      });
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json()).toMatchObject({ code: 'ERR_HTTP_CROSS_SITE' });
    }
  });

  it('lets a Bearer-token client in under any Host (pressgate listen on another box)', async () => {
    const h = await startHttpHarness({ apiToken: TOKEN });
    await h.link();
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/gestures',
      remoteAddress: '192.168.1.20',
      headers: {
        host: 'relay.example.net:8787',
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
      },
      payload: JSON.stringify(GESTURE),
    });
    expect(response.statusCode).toBe(202);
    const wrong = await h.app.inject({
      method: 'GET',
      url: '/v1/status',
      headers: { host: 'relay.example.net:8787', authorization: 'Bearer not-the-token' },
    });
    expect(wrong.statusCode).toBe(403);
  });

  it('leaves POST /alexa/directive to its signature, whatever the Host', async () => {
    const h = await startHttpHarness();
    const response = await h.app.inject({
      method: 'POST',
      url: '/alexa/directive',
      headers: { host: 'relay.example.net', 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'ERR_SIGNATURE_MISSING' });
  });
});
