import { randomBytes } from 'node:crypto';
import { pageTestConfig } from '@pressgate/test-kit';
import Fastify from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PAGE_SCRIPT } from './page-script.js';
import { statusPagePlugin } from './plugin.js';
import { headingSlug, renderTroubleshooting } from './troubleshooting-page.js';

async function pageApp(troubleshootingFile?: URL) {
  const app = Fastify();
  onTestFinished(() => app.close());
  await app.register(statusPagePlugin, {
    config: pageTestConfig,
    ...(troubleshootingFile === undefined ? {} : { troubleshootingFile }),
  });
  await app.ready();
  return app;
}

describe('GET /troubleshooting', () => {
  it('serves docs/troubleshooting.md with an anchor for every section the status page links to', async () => {
    const app = await pageApp();
    const response = await app.inject({ method: 'GET', url: '/troubleshooting' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(String(response.headers['content-security-policy'])).toContain("default-src 'none'");
    const ids = new Set([...response.body.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]));
    const linked = new Set([...PAGE_SCRIPT.matchAll(/'([a-z-]+)'\],?$/gm)].map((match) => match[1]));
    linked.add('serial-error-codes');
    expect(linked.size).toBeGreaterThanOrEqual(6);
    for (const anchor of linked) expect(ids.has(anchor), `#${anchor} in the guide`).toBe(true);
  });

  it('answers 404 with where to read the guide when the checkout has no docs/', async () => {
    const app = await pageApp(new URL('file:///nonexistent-pressgate/troubleshooting.md'));
    const response = await app.inject({ method: 'GET', url: '/troubleshooting' });
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('pressgate repository');
  });

  it('makes GitHub anchors and escapes the text', () => {
    expect(headingSlug('Garbage lines, or no HELLO')).toBe('garbage-lines-or-no-hello');
    expect(headingSlug('Status says `relink_required`')).toBe('status-says-relink_required');
    expect(headingSlug('Login with Amazon (LWA) errors')).toBe('login-with-amazon-lwa-errors');
    const html = renderTroubleshooting(
      '# T\n\n<script>x</script>\n## A <b>\n',
      randomBytes(18).toString('base64'),
    );
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<h2 id="a-b">A &lt;b&gt;</h2>');
  });
});
