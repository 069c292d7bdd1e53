import {
  CLIENT_ID,
  CLIENT_SECRET,
  discoverResponse,
  ENDPOINT_ID,
  endpoint,
  exchangeCode,
  expectGatewayError,
  link,
  postEvent,
  simpleEvent,
  testApp,
  tokenForm,
} from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RECORDED_HEADER } from './control-routes.js';
import { MAX_RECORDS } from './state.js';
import type { AcceptedEvent } from './types.js';

type App = ReturnType<typeof testApp>['app'];

function control(app: App, path: string, body?: unknown) {
  return app.inject({
    method: 'POST',
    url: `/_emulator/${path}`,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
  });
}

async function get(app: App, path: string) {
  const response = await app.inject({ method: 'GET', url: `/_emulator/${path}` });
  expect(response.statusCode).toBe(200);
  return response.json();
}

function expectBadControl(response: Awaited<ReturnType<typeof control>>, message: RegExp): void {
  expect(response.statusCode).toBe(400);
  expect(response.json()).toEqual({
    statusCode: 400,
    code: 'ERR_EMULATOR_BAD_CONTROL_REQUEST',
    error: 'Bad Request',
    message: expect.stringMatching(message),
  });
}

describe('control API', () => {
  it('issues authorization codes that LWA accepts once', async () => {
    const { app } = testApp(onTestFinished);
    const response = await control(app, 'authorization-codes');
    expect(response.statusCode).toBe(200);
    const { code } = response.json();
    expect(typeof code).toBe('string');
    expect((await exchangeCode(app, code)).statusCode).toBe(200);
    expect((await exchangeCode(app, code)).statusCode).toBe(400);
  });

  it('learns endpoints from a Discover.Response or an endpoints array, replacing what it knew', async () => {
    const { app, state, clock } = testApp(onTestFinished);
    const { access_token: token } = await link(app, state);
    const at = () => new Date(clock.ms).toISOString();
    const fromEvent = await control(app, 'discovery', discoverResponse());
    expect(fromEvent.json()).toEqual({ endpointIds: [ENDPOINT_ID] });
    expect((await postEvent(app, token, simpleEvent(token, { timestamp: at() }))).statusCode).toBe(202);

    const fromArray = await control(app, 'discovery', [endpoint('kitchen-remote')]);
    expect(fromArray.json()).toEqual({ endpointIds: ['kitchen-remote'] });
    expect(
      (await postEvent(app, token, simpleEvent(token, { endpointId: 'kitchen-remote', timestamp: at() })))
        .statusCode,
    ).toBe(202);
    expectGatewayError(
      await postEvent(app, token, simpleEvent(token, { timestamp: at() })),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /unknown endpoint/,
    );

    const bad = await control(app, 'discovery', [{ ...endpoint(), endpointId: 'no spaces' }]);
    expectBadControl(bad, /\[0\]\.endpointId/);
  });

  it('queues gateway faults from an array or {faults}, and refuses bad ones', async () => {
    const { app, state } = testApp(onTestFinished);
    expect((await control(app, 'faults', [{ status: 429 }, { drop: true }])).json()).toEqual({ pending: 2 });
    expect((await control(app, 'faults', { faults: [{ delayMs: 10 }] })).json()).toEqual({ pending: 3 });
    expectBadControl(await control(app, 'faults', [{ status: 429, retryAfter: 1 }]), /gateway faults/);
    expectBadControl(await control(app, 'faults', { nope: true }), /gateway faults/);
    expect(state.faults.pendingGatewayFaults()).toBe(3);
    const { access_token: token } = await link(app, state);
    expectGatewayError(await postEvent(app, token, simpleEvent(token)), 429, 'THROTTLING_EXCEPTION');
  });

  it('sets and clears an LWA outage', async () => {
    const { app, state } = testApp(onTestFinished);
    expect((await control(app, 'lwa-fault', { kind: 'unavailable', requests: 1 })).json()).toEqual({
      ok: true,
    });
    const code = state.tokens.issueAuthorizationCode();
    expect((await exchangeCode(app, code)).statusCode).toBe(503);
    expect((await exchangeCode(app, code)).statusCode).toBe(200);
    await control(app, 'lwa-fault', { kind: 'unavailable' });
    await control(app, 'lwa-fault', { kind: 'clear' });
    expect((await exchangeCode(app, state.tokens.issueAuthorizationCode())).statusCode).toBe(200);
    expectBadControl(await control(app, 'lwa-fault', { kind: 'flaky' }), /LWA fault/);
  });

  it('takes the endless, cut and hang faults and refuses malformed ones', async () => {
    const { app, state } = testApp(onTestFinished);
    const faults = [
      { endless: true, status: 429 },
      { endless: true },
      { cut: true, at: 'start' },
      { cut: true },
    ];
    expect((await control(app, 'faults', faults)).json()).toEqual({ pending: 4 });
    expectBadControl(await control(app, 'faults', [{ endless: true, status: 202 }]), /endless/);
    expectBadControl(await control(app, 'faults', [{ cut: true, at: 'middle' }]), /cut/);
    for (const kind of ['endless', 'hang', 'cut']) {
      expect((await control(app, 'lwa-fault', { kind, requests: 1 })).json()).toEqual({ ok: true });
    }
    expect(state.faults.nextLwaFault()).toEqual({ kind: 'cut' });
    expectBadControl(await control(app, 'lwa-fault', { kind: 'endless', status: 200 }), /hang/);
  });

  it('revokes refresh tokens, expires access tokens and toggles the skill', async () => {
    const { app, state } = testApp(onTestFinished);
    const tokens = await link(app, state);
    expect((await control(app, 'revoke')).json()).toEqual({ revoked: 1 });
    const refresh = await app.inject({
      method: 'POST',
      url: '/auth/o2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: tokenForm({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
    });
    expect(refresh.json().error).toBe('invalid_grant');

    expect((await control(app, 'skill', { enabled: false })).json()).toEqual({ enabled: false });
    expectGatewayError(
      await postEvent(app, tokens.access_token, simpleEvent(tokens.access_token)),
      403,
      'SKILL_DISABLED_EXCEPTION',
    );
    expect((await control(app, 'skill', { enabled: true })).json()).toEqual({ enabled: true });
    expectBadControl(await control(app, 'skill', { enabled: 'no' }), /"enabled"/);

    expect((await control(app, 'expire-tokens')).json()).toEqual({ expired: 1 });
    expectGatewayError(
      await postEvent(app, tokens.access_token, simpleEvent(tokens.access_token)),
      401,
      'INVALID_ACCESS_TOKEN_EXCEPTION',
    );
  });

  it('reports accepted events, gateway requests and token requests, and resets them', async () => {
    const { app, state, clock } = testApp(onTestFinished);
    const { access_token: token } = await link(app, state);
    await control(app, 'discovery', discoverResponse());
    await postEvent(app, token, simpleEvent(token, { timestamp: new Date(clock.ms).toISOString() }));
    await postEvent(app, 'Atza|nope', simpleEvent(token));
    const accepted = await get(app, 'accepted');
    expect(accepted).toEqual(state.accepted());
    expect(accepted.map((e: { eventId: string }) => e.eventId)).toEqual(['Button.SinglePush.1']);
    expect((await get(app, 'requests')).map((r: { status: number }) => r.status)).toEqual([202, 401]);
    expect((await get(app, 'token-requests')).map((r: { outcome: string }) => r.outcome)).toEqual(['issued']);

    await control(app, 'skill', { enabled: false });
    expect((await control(app, 'reset')).json()).toEqual({ ok: true });
    expect(await get(app, 'accepted')).toEqual([]);
    expect(await get(app, 'requests')).toEqual([]);
    expect(await get(app, 'token-requests')).toEqual([]);
    expect(state.skillEnabled).toBe(true);
    expect(state.tokens.isLiveAccessToken(token)).toBe(false);
    expect(state.endpoints.endpointIds()).toEqual([]);
  });

  it('answers only the records after the first N with ?after=N, and refuses a bad N', async () => {
    const { app, state, clock } = testApp(onTestFinished);
    const { access_token: token } = await link(app, state);
    await control(app, 'discovery', discoverResponse());
    const sent: string[] = [];
    for (let count = 0; count < 3; count += 1) {
      const event = simpleEvent(token, { timestamp: new Date(clock.ms).toISOString() });
      sent.push(event.event.header.messageId);
      expect((await postEvent(app, token, event)).statusCode).toBe(202);
    }
    const ids = (records: { messageId: string }[]) => records.map((record) => record.messageId);
    expect(ids(await get(app, 'accepted?after=1'))).toEqual(sent.slice(1));
    expect(ids(await get(app, 'requests?after=2'))).toEqual(sent.slice(2));
    expect(await get(app, 'accepted?after=3')).toEqual([]);
    expect(await get(app, 'accepted?after=99')).toEqual([]);
    expect(ids(await get(app, 'accepted?after=0'))).toEqual(sent);
    const answer = await app.inject({ method: 'GET', url: '/_emulator/accepted?after=2' });
    expect(answer.headers[RECORDED_HEADER]).toBe('3');

    // A reset empties the lists but keeps counting, so a poller's cursor stays right.
    await control(app, 'reset');
    expect(await get(app, 'accepted?after=3')).toEqual([]);
    const relinked = await link(app, state);
    await control(app, 'discovery', discoverResponse());
    const after = simpleEvent(relinked.access_token, { timestamp: new Date(clock.ms).toISOString() });
    expect((await postEvent(app, relinked.access_token, after)).statusCode).toBe(202);
    expect(ids(await get(app, 'accepted?after=3'))).toEqual([after.event.header.messageId]);
    for (const bad of ['-1', 'x', '1.5']) {
      const response = await app.inject({ method: 'GET', url: `/_emulator/accepted?after=${bad}` });
      expectBadControl(response, /Expected after to be a count of records/);
    }
  });

  it('answers ?after=N right once older records were dropped past the cap', async () => {
    const { app, state } = testApp(onTestFinished);
    for (let n = 1; n <= MAX_RECORDS + 5; n += 1) {
      state.recordAccepted({ messageId: `m-${n}` } as unknown as AcceptedEvent);
    }
    const ids = (records: { messageId: string }[]) => records.map((record) => record.messageId);
    expect(ids(await get(app, `accepted?after=${MAX_RECORDS + 3}`))).toEqual([
      `m-${MAX_RECORDS + 4}`,
      `m-${MAX_RECORDS + 5}`,
    ]);
    const kept = ids(await get(app, 'accepted?after=2'));
    expect(kept).toHaveLength(MAX_RECORDS);
    expect([kept[0], kept.at(-1)]).toEqual(['m-6', `m-${MAX_RECORDS + 5}`]);
  });

  it('refuses a control body that is not JSON', async () => {
    const { app } = testApp(onTestFinished);
    const text = await app.inject({
      method: 'POST',
      url: '/_emulator/skill',
      headers: { 'content-type': 'text/plain' },
      payload: 'enabled',
    });
    expectBadControl(text, /application\/json; got text\/plain/);
    const broken = await app.inject({
      method: 'POST',
      url: '/_emulator/skill',
      headers: { 'content-type': 'application/json' },
      payload: '{',
    });
    expectBadControl(broken, /not valid JSON/);
  });
});
