import { isPressgateError } from '@pressgate/protocol';
import { lwaTokens, type Reply, startScriptedServer } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { LwaClient } from './lwa-client.js';

const SECRET = 'client-secret-do-not-log';

async function clientFor(reply: Reply, requestTimeoutMs = 2_000) {
  const server = await startScriptedServer('/auth/o2/token', () => reply);
  const client = new LwaClient({
    tokenUrl: server.url,
    clientId: 'amzn1.client',
    clientSecret: SECRET,
    requestTimeoutMs,
  });
  return { server, client };
}

async function failure(promise: Promise<unknown>): Promise<Error & { code: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isPressgateError(error)) throw new Error(`expected a PressgateError, got ${String(error)}`);
  return error;
}

describe('LwaClient', () => {
  it('exchanges an authorization code with a form-encoded authorization_code grant', async () => {
    const { server, client } = await clientFor(lwaTokens(1));
    const tokens = await client.exchangeCode('auth-code-1');
    expect(tokens).toEqual({
      accessToken: 'Atza|access-1',
      refreshToken: 'Atzr|refresh-1',
      expiresInS: 3600,
    });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'authorization_code',
      code: 'auth-code-1',
      client_id: 'amzn1.client',
      client_secret: SECRET,
    });
  });

  it('refreshes with a refresh_token grant', async () => {
    const { server, client } = await clientFor(lwaTokens(2));
    const tokens = await client.refresh('Atzr|refresh-1');
    expect(tokens.refreshToken).toBe('Atzr|refresh-2');
    const form = new URLSearchParams(server.requests[0]?.body);
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('refresh_token')).toBe('Atzr|refresh-1');
  });

  it.each([
    [
      { status: 400, body: { error: 'invalid_grant', error_description: 'expired' } },
      'ERR_LWA_INVALID_GRANT',
    ],
    [
      { status: 401, body: { error: 'invalid_client', error_description: 'bad secret' } },
      'ERR_LWA_INVALID_CLIENT',
    ],
    [{ status: 503, body: { error: 'server_error' } }, 'ERR_LWA_UNAVAILABLE'],
    [{ status: 500 }, 'ERR_LWA_UNAVAILABLE'],
    [{ status: 400, body: { error: 'invalid_request' } }, 'ERR_LWA_BAD_RESPONSE'],
    [{ status: 200, body: { token_type: 'bearer' } }, 'ERR_LWA_BAD_RESPONSE'],
    [{ status: 200, body: 'not an object' }, 'ERR_LWA_BAD_RESPONSE'],
    ['destroy', 'ERR_LWA_UNAVAILABLE'],
  ] satisfies [Reply, string][])('maps %j to %s without leaking the secret or code', async (reply, code) => {
    const { client } = await clientFor(reply);
    const error = await failure(client.exchangeCode('auth-code-secret'));
    expect(error.code).toBe(code);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('auth-code-secret');
  });

  it('times out as ERR_LWA_UNAVAILABLE when LWA never answers', async () => {
    const { client } = await clientFor('hang', 200);
    const started = performance.now();
    const error = await failure(client.refresh('Atzr|refresh-1'));
    expect(error.code).toBe('ERR_LWA_UNAVAILABLE');
    expect(error.message).toMatch(/timed out/);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('gives up at once when the shutdown signal fires', async () => {
    const { client } = await clientFor('hang', 10_000);
    const shutdown = new AbortController();
    const pending = failure(client.refresh('Atzr|refresh-1', shutdown.signal));
    shutdown.abort();
    expect((await pending).code).toBe('ERR_LWA_UNAVAILABLE');
  });

  it('reports a refused connection as ERR_LWA_UNAVAILABLE', async () => {
    const client = new LwaClient({
      tokenUrl: 'http://127.0.0.1:1/auth/o2/token',
      clientId: 'c',
      clientSecret: SECRET,
    });
    expect((await failure(client.exchangeCode('x'))).code).toBe('ERR_LWA_UNAVAILABLE');
  });
});
