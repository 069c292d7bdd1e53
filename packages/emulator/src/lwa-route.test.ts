import {
  CLIENT_ID,
  CLIENT_SECRET,
  endpoint,
  exchangeCode,
  link,
  postEvent,
  simpleEvent,
  testApp,
  tokenForm,
} from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';

function postToken(
  app: ReturnType<typeof testApp>['app'],
  fields: Record<string, string>,
  contentType?: string,
) {
  return app.inject({
    method: 'POST',
    url: '/auth/o2/token',
    headers: { 'content-type': contentType ?? 'application/x-www-form-urlencoded' },
    payload: tokenForm(fields),
  });
}

const client = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET };

describe('LWA token endpoint', () => {
  it('exchanges an authorization code for bearer tokens in the LWA response shape', async () => {
    const { app, state } = testApp(onTestFinished, { accessTokenTtlSec: 1234 });
    const response = await exchangeCode(app, state.tokens.issueAuthorizationCode());
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(body.access_token).toMatch(/^Atza\|[A-Za-z0-9_-]{40,}$/);
    expect(body.refresh_token).toMatch(/^Atzr\|[A-Za-z0-9_-]{40,}$/);
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe(1234);
    expect(state.tokens.isLiveAccessToken(body.access_token)).toBe(true);
  });

  it('issues different random tokens every time', async () => {
    const { app, state } = testApp(onTestFinished);
    const first = await link(app, state);
    const second = await link(app, state);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
  });

  it('refuses a code used twice, an unknown code and an expired code with invalid_grant', async () => {
    const { app, state, clock } = testApp(onTestFinished, { authorizationCodeTtlSec: 300 });
    const code = state.tokens.issueAuthorizationCode();
    expect((await exchangeCode(app, code)).statusCode).toBe(200);
    const reused = await exchangeCode(app, code);
    expect(reused.statusCode).toBe(400);
    expect(reused.json()).toEqual({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/already used/),
    });

    const unknown = await exchangeCode(app, 'ANa-not-a-code');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toBe('invalid_grant');

    const late = state.tokens.issueAuthorizationCode();
    clock.ms += 299_999;
    const fresh = state.tokens.issueAuthorizationCode();
    clock.ms += 1;
    const expired = await exchangeCode(app, late);
    expect(expired.statusCode).toBe(400);
    expect(expired.json()).toEqual({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/expired/),
    });
    expect((await exchangeCode(app, fresh)).statusCode).toBe(200);
  });

  it('checks the client credentials on both grants with 401 invalid_client', async () => {
    const { app, state } = testApp(onTestFinished);
    const tokens = await link(app, state);
    const cases: Record<string, string>[] = [
      {
        grant_type: 'authorization_code',
        code: state.tokens.issueAuthorizationCode(),
        client_id: CLIENT_ID,
        client_secret: 'wrong',
      },
      {
        grant_type: 'authorization_code',
        code: state.tokens.issueAuthorizationCode(),
        client_secret: CLIENT_SECRET,
      },
      {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: 'other-client',
        client_secret: CLIENT_SECRET,
      },
    ];
    for (const fields of cases) {
      const response = await postToken(app, fields);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        error: 'invalid_client',
        error_description: expect.stringMatching(/client_secret/),
      });
      expect(response.body).not.toContain(CLIENT_SECRET);
    }
  });

  it('rotates the refresh token on every refresh; the old one stops working at once', async () => {
    const { app, state, clock } = testApp(onTestFinished, { accessTokenTtlSec: 60 });
    const first = await link(app, state);
    const refreshed = await postToken(app, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      ...client,
    });
    expect(refreshed.statusCode).toBe(200);
    const second = refreshed.json();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(state.tokens.isLiveAccessToken(second.access_token)).toBe(true);
    // The access token from before the refresh lives until it expires.
    expect(state.tokens.isLiveAccessToken(first.access_token)).toBe(true);
    clock.ms += 60_000;
    expect(state.tokens.isLiveAccessToken(first.access_token)).toBe(false);

    const old = await postToken(app, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      ...client,
    });
    expect(old.statusCode).toBe(400);
    expect(old.json()).toEqual({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/newest refresh token/),
    });
    const newest = await postToken(app, {
      grant_type: 'refresh_token',
      refresh_token: second.refresh_token,
      ...client,
    });
    expect(newest.statusCode).toBe(200);
  });

  it('refuses revoked refresh tokens with invalid_grant', async () => {
    const { app, state } = testApp(onTestFinished);
    const tokens = await link(app, state);
    expect(state.tokens.revokeRefreshTokens()).toBe(1);
    const response = await postToken(app, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      ...client,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_grant');
  });

  it('accepts only form-encoded bodies, charset allowed', async () => {
    const { app, state } = testApp(onTestFinished);
    const fields = {
      grant_type: 'authorization_code',
      code: state.tokens.issueAuthorizationCode(),
      ...client,
    };
    const json = await app.inject({
      method: 'POST',
      url: '/auth/o2/token',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(fields),
    });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/x-www-form-urlencoded; got application\/json/),
    });
    const withCharset = await postToken(app, fields, 'application/x-www-form-urlencoded; charset=UTF-8');
    expect(withCharset.statusCode).toBe(200);
  });

  it('answers invalid_request and unsupported_grant_type for malformed requests', async () => {
    const { app } = testApp(onTestFinished);
    const missingGrant = await postToken(app, { ...client });
    expect(missingGrant.statusCode).toBe(400);
    expect(missingGrant.json().error).toBe('invalid_request');
    const missingCode = await postToken(app, { grant_type: 'authorization_code', ...client });
    expect(missingCode.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The code parameter is missing.',
    });
    const missingRefresh = await postToken(app, { grant_type: 'refresh_token', ...client });
    expect(missingRefresh.json().error_description).toMatch(/refresh_token parameter is missing/);
    const password = await postToken(app, { grant_type: 'password', ...client });
    expect(password.statusCode).toBe(400);
    expect(password.json().error).toBe('unsupported_grant_type');
    const duplicated = await app.inject({
      method: 'POST',
      url: '/auth/o2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=refresh_token&refresh_token=a&refresh_token=b&client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}`,
    });
    expect(duplicated.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The parameter refresh_token is given more than once.',
    });
  });

  it('records every request with grant type and outcome, never a code, token or secret', async () => {
    const { app, state } = testApp(onTestFinished);
    const code = state.tokens.issueAuthorizationCode();
    const tokens = (await exchangeCode(app, code)).json();
    await exchangeCode(app, code);
    await postToken(app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...client });
    const records = state.tokenRequests();
    expect(
      records.map(({ grantType, outcome, status, error }) => ({ grantType, outcome, status, error })),
    ).toEqual([
      { grantType: 'authorization_code', outcome: 'issued', status: 200, error: undefined },
      { grantType: 'authorization_code', outcome: 'rejected', status: 400, error: 'invalid_grant' },
      { grantType: 'refresh_token', outcome: 'issued', status: 200, error: undefined },
    ]);
    expect(records[0]?.at).toBe('2026-11-22T16:20:00.000Z');
    const text = JSON.stringify(records);
    for (const secret of [code, tokens.access_token, tokens.refresh_token, CLIENT_SECRET]) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers 503 during an injected outage of N requests, then works again', async () => {
    const { app, state } = testApp(onTestFinished);
    state.injectLwaFault({ kind: 'unavailable', requests: 2 });
    const code = state.tokens.issueAuthorizationCode();
    for (let i = 0; i < 2; i += 1) {
      const down = await exchangeCode(app, code);
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.any(String),
      });
    }
    // The outage did not consume the code.
    expect((await exchangeCode(app, code)).statusCode).toBe(200);
    expect(state.tokenRequests().map((r) => r.outcome)).toEqual(['unavailable', 'unavailable', 'issued']);
  });

  it('keeps an outage without a count until it is cleared', async () => {
    const { app, state } = testApp(onTestFinished);
    state.injectLwaFault({ kind: 'unavailable' });
    const code = state.tokens.issueAuthorizationCode();
    for (let i = 0; i < 5; i += 1) expect((await exchangeCode(app, code)).statusCode).toBe(503);
    state.injectLwaFault({ kind: 'clear' });
    expect((await exchangeCode(app, code)).statusCode).toBe(200);
  });

  it('issues access tokens the gateway accepts until they expire', async () => {
    const { app, state, clock } = testApp(onTestFinished, { accessTokenTtlSec: 10 });
    const tokens = await link(app, state);
    expect(state.learnDiscovery([endpoint()]).ok).toBe(true);
    const event = () => simpleEvent(tokens.access_token, { timestamp: new Date(clock.ms).toISOString() });
    expect((await postEvent(app, tokens.access_token, event())).statusCode).toBe(202);
    clock.ms += 10_000;
    expect((await postEvent(app, tokens.access_token, event())).statusCode).toBe(401);
  });
});
