import { Script } from 'node:vm';
import type { PressgateConfig } from '@pressgate/protocol';
import { PAGE_TEST_SECRETS, pageTestConfig, startHttpHarness } from '@pressgate/test-kit';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PAGE_SCRIPT, PRESS_HEADER } from './page-script.js';
import { statusPagePlugin } from './plugin.js';
import { type PressAction, pressRoute } from './press-route.js';

const PRESS_HEADERS = { [PRESS_HEADER]: '1' };

type Press = { remoteId: string; button: number; action: PressAction };

async function pageApp(
  options: { virtualRemote?: boolean; config?: () => PressgateConfig; failPress?: boolean } = {},
): Promise<{ app: FastifyInstance; presses: Press[] }> {
  const presses: Press[] = [];
  const app = Fastify();
  onTestFinished(() => app.close());
  const config = options.config ?? pageTestConfig;
  await app.register(statusPagePlugin, { config });
  if (options.virtualRemote !== false) {
    await app.register(pressRoute, {
      config,
      press: async (remoteId, button, action) => {
        if (options.failPress === true) throw new Error('the virtual remote is not running');
        presses.push({ remoteId, button, action });
      },
    });
  }
  await app.ready();
  return { app, presses };
}

function nonceOf(csp: string | undefined): string {
  const match = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp ?? '');
  if (match?.[1] === undefined) throw new Error(`no script nonce in CSP: ${csp}`);
  return match[1];
}

describe('GET /', () => {
  it('serves one HTML document whose inline style and script carry a fresh CSP nonce', async () => {
    const { app } = await pageApp();
    const first = await app.inject({ method: 'GET', url: '/' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(first.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const nonce = nonceOf(csp);
    expect(csp).toContain(`style-src 'nonce-${nonce}'`);
    expect(first.body).toContain(`<script nonce="${nonce}">`);
    expect(first.body).toContain(`<style nonce="${nonce}">`);
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(first.headers['cache-control']).toBe('no-store');
    // Inline handlers would need 'unsafe-inline'; everything is bound from the nonce'd script.
    expect(first.body).not.toMatch(/\son[a-z]+=/i);
    // Nothing loads from elsewhere: no script or style files, the icon is a data: URL.
    expect(first.body).not.toMatch(/<(script|img)[^>]+src=/i);
    expect(first.body.match(/href="[^"]*"/g)).toEqual([
      expect.stringMatching(/^href="data:image\/svg\+xml,/),
      'href="troubleshooting"',
    ]);

    const second = await app.inject({ method: 'GET', url: '/' });
    expect(nonceOf(String(second.headers['content-security-policy']))).not.toBe(nonce);
  });

  it('says whether the virtual remote is there, and never writes config data into the markup', async () => {
    const withRemote = await pageApp();
    const on = await withRemote.app.inject({ method: 'GET', url: '/' });
    expect(on.body).toContain('data-virtual-remote="true"');
    const without = await pageApp({ virtualRemote: false });
    const off = await without.app.inject({ method: 'GET', url: '/' });
    expect(off.body).toContain('data-virtual-remote="false"');
    for (const body of [on.body, off.body]) {
      for (const secret of Object.values(PAGE_TEST_SECRETS)) expect(body).not.toContain(secret);
      expect(body).not.toContain('living-room');
    }
  });

  it('ships a script that parses and cannot end its own script element early', () => {
    expect(() => new Script(PAGE_SCRIPT)).not.toThrow();
    expect(PAGE_SCRIPT.toLowerCase()).not.toContain('</script');
    expect(PAGE_SCRIPT).not.toContain('innerHTML');
  });
});

describe('GET /v1/mapping', () => {
  it('answers the current config (read per request) without secrets', async () => {
    let config = pageTestConfig();
    const { app } = await pageApp({ config: () => config });
    const response = await app.inject({ method: 'GET', url: '/v1/mapping' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const body = response.json();
    expect(body.remotes.map((remote: { id: string }) => remote.id)).toEqual(['living-room', 'kitchen']);
    expect(body.remotes[0].buttons[0]).toEqual({
      button: 1,
      names: ['Alexa.Button.TopButton'],
      label: 'Top button',
      gestures: { single: 'Button.SinglePush.1', double: 'Button.DoublePush.1', long: null },
    });
    for (const secret of Object.values(PAGE_TEST_SECRETS)) expect(response.body).not.toContain(secret);

    config = { ...config, remotes: config.remotes.slice(1) };
    const reloaded = await app.inject({ method: 'GET', url: '/v1/mapping' });
    expect(reloaded.json().remotes.map((remote: { id: string }) => remote.id)).toEqual(['kitchen']);
  });
});

describe('POST /v1/remotes/:remoteId/buttons/:button/:action', () => {
  it('presses the virtual remote, in order, and answers 204', async () => {
    const { app, presses } = await pageApp();
    for (const action of ['down', 'up'] as const) {
      const response = await app.inject({
        method: 'POST',
        headers: PRESS_HEADERS,
        url: `/v1/remotes/kitchen/buttons/2/${action}`,
      });
      expect(response.statusCode).toBe(204);
    }
    expect(presses).toEqual([
      { remoteId: 'kitchen', button: 2, action: 'down' },
      { remoteId: 'kitchen', button: 2, action: 'up' },
    ]);
  });

  it.each([
    ['button 0', '/v1/remotes/kitchen/buttons/0/down'],
    ['button 17', '/v1/remotes/kitchen/buttons/17/down'],
    ['a button that is not a number', '/v1/remotes/kitchen/buttons/x/down'],
    ['a fractional button', '/v1/remotes/kitchen/buttons/1.5/down'],
    ['an unknown action', '/v1/remotes/kitchen/buttons/2/hold'],
    ['a remote id with other characters', '/v1/remotes/kit%20chen/buttons/2/down'],
  ])('refuses %s with 400 and does not press', async (_what, url) => {
    const { app, presses } = await pageApp();
    const response = await app.inject({ method: 'POST', headers: PRESS_HEADERS, url });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'ERR_HTTP_BAD_REQUEST' });
    expect(response.json().message).toContain(
      'expected POST /v1/remotes/<remoteId>/buttons/<1-16>/<down|up>',
    );
    expect(presses).toEqual([]);
  });

  it('answers 404 for a remote not in the config', async () => {
    const { app, presses } = await pageApp();
    const response = await app.inject({
      method: 'POST',
      headers: PRESS_HEADERS,
      url: '/v1/remotes/garage/buttons/1/down',
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'ERR_HTTP_NOT_FOUND' });
    expect(response.json().message).toContain('living-room, kitchen');
    expect(presses).toEqual([]);
  });

  it('is not there without a virtual remote', async () => {
    const { app } = await pageApp({ virtualRemote: false });
    const response = await app.inject({
      method: 'POST',
      headers: PRESS_HEADERS,
      url: '/v1/remotes/kitchen/buttons/2/down',
    });
    expect(response.statusCode).toBe(404);
  });

  it('takes presses from loopback only (127.0.0.0/8, ::1, ::ffff:127.x)', async () => {
    const { app, presses } = await pageApp();
    for (const remoteAddress of ['192.168.1.20', '10.0.0.1', '::ffff:192.168.1.20', 'fe80::1']) {
      const response = await app.inject({
        method: 'POST',
        headers: PRESS_HEADERS,
        url: '/v1/remotes/kitchen/buttons/2/down',
        remoteAddress,
      });
      expect(response.statusCode, remoteAddress).toBe(403);
      expect(response.json()).toMatchObject({ code: 'ERR_HTTP_NOT_LOOPBACK' });
    }
    expect(presses).toEqual([]);
    for (const remoteAddress of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      const response = await app.inject({
        method: 'POST',
        headers: PRESS_HEADERS,
        url: '/v1/remotes/kitchen/buttons/2/up',
        remoteAddress,
      });
      expect(response.statusCode, remoteAddress).toBe(204);
    }
    expect(presses).toHaveLength(4);
  });

  it.each([
    ['a foreign Origin', { ...PRESS_HEADERS, origin: 'https://evil.example' }],
    ['an Origin on another port of this host', { ...PRESS_HEADERS, origin: 'http://localhost:9999' }],
    ['the opaque Origin null', { ...PRESS_HEADERS, origin: 'null' }],
    ['no press header (what a cross-site form sends)', { origin: 'http://localhost:80' }],
    ['a press header with another value', { [PRESS_HEADER]: 'yes' }],
  ])('refuses %s with 403 as cross-site and does not press', async (_what, headers) => {
    const { app, presses } = await pageApp();
    const response = await app.inject({ method: 'POST', url: '/v1/remotes/kitchen/buttons/2/down', headers });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ statusCode: 403, code: 'ERR_HTTP_CROSS_SITE' });
    expect(response.json().message).toMatch(/expected/);
    expect(presses).toEqual([]);
  });

  it('takes a press with the header and an Origin naming this host, and never answers a CORS preflight', async () => {
    const { app, presses } = await pageApp();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/remotes/kitchen/buttons/2/down',
      headers: { ...PRESS_HEADERS, host: 'localhost:8787', origin: 'http://localhost:8787' },
    });
    expect(response.statusCode).toBe(204);
    expect(presses).toEqual([{ remoteId: 'kitchen', button: 2, action: 'down' }]);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/remotes/kitchen/buttons/2/down',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': PRESS_HEADER,
      },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('ships a page script that sends the press header', () => {
    expect(PAGE_SCRIPT).toContain(`headers: { '${PRESS_HEADER}': '1' }`);
  });

  it('lets a failing press through to the error handler', async () => {
    const { app } = await pageApp({ failPress: true });
    const response = await app.inject({
      method: 'POST',
      headers: PRESS_HEADERS,
      url: '/v1/remotes/kitchen/buttons/2/down',
    });
    expect(response.statusCode).toBe(500);
  });
});

describe('inside the relay app', () => {
  it('serves the page next to /v1/status and takes a bodiless press under buildApp', async () => {
    const harness = await startHttpHarness();
    const presses: Press[] = [];
    await harness.app.register(statusPagePlugin, { config: () => harness.config });
    await harness.app.register(pressRoute, {
      config: () => harness.config,
      press: async (remoteId, button, action) => void presses.push({ remoteId, button, action }),
    });
    const page = await harness.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const status = await harness.app.inject({ method: 'GET', url: '/v1/status' });
    expect(status.json().link).toMatchObject({ state: 'unlinked' });
    const press = await harness.app.inject({
      method: 'POST',
      headers: PRESS_HEADERS,
      url: '/v1/remotes/living-room/buttons/1/down',
    });
    expect(press.statusCode).toBe(204);
    expect(presses).toEqual([{ remoteId: 'living-room', button: 1, action: 'down' }]);
    const refused = await harness.app.inject({
      method: 'POST',
      headers: PRESS_HEADERS,
      url: '/v1/remotes/living-room/buttons/1/down',
      remoteAddress: '192.168.1.20',
    });
    expect(refused.json()).toMatchObject({
      statusCode: 403,
      code: 'ERR_HTTP_NOT_LOOPBACK',
      error: 'Forbidden',
    });
  });
});
