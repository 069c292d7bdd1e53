import {
  addOrUpdateReport,
  changeReport,
  deleteReport,
  ENDPOINT_ID,
  EVENT_ID,
  expectGatewayError,
  INSTANCE,
  link,
  postEvent,
  readyGateway,
} from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';

describe('event gateway: accepting', () => {
  it('answers 202 with an empty body and records the event with its scope token redacted', async () => {
    const { app, state, token, event } = await readyGateway(onTestFinished);
    const sent = event();
    const response = await postEvent(app, token, sent);
    expect(response.statusCode).toBe(202);
    expect(response.body).toBe('');
    const accepted = state.accepted();
    expect(accepted.map((e) => e.name)).toEqual(['AddOrUpdateReport', 'Event']);
    expect(accepted[0]?.endpointIds).toEqual([ENDPOINT_ID]);
    expect(accepted[1]).toEqual({
      at: '2026-11-22T16:20:00.000Z',
      namespace: 'Alexa.SimpleEventSource',
      name: 'Event',
      messageId: sent.event.header.messageId,
      endpointId: ENDPOINT_ID,
      instance: INSTANCE,
      eventId: EVENT_ID,
      timestamp: sent.event.payload.timestamp,
      message: {
        event: {
          ...sent.event,
          endpoint: { ...sent.event.endpoint, scope: { type: 'BearerToken', token: '<redacted>' } },
        },
      },
    });
    expect(JSON.stringify(accepted)).not.toContain(token);
  });

  it('accepts a ChangeReport and learns from DeleteReport that the endpoint is gone', async () => {
    const { app, state, token, event } = await readyGateway(onTestFinished);
    expect((await postEvent(app, token, changeReport(token))).statusCode).toBe(202);
    expect((await postEvent(app, token, deleteReport(token))).statusCode).toBe(202);
    expectGatewayError(
      await postEvent(app, token, event()),
      400,
      'INVALID_REQUEST_EXCEPTION',
      /unknown endpoint "living-room-remote"/,
    );
    expect(state.accepted().map((e) => e.name)).toEqual([
      'AddOrUpdateReport',
      'ChangeReport',
      'DeleteReport',
    ]);
  });

  it('records every request with outcome, status and code', async () => {
    const { app, state, token, event } = await readyGateway(onTestFinished);
    await postEvent(app, token, event());
    await postEvent(app, 'Atza|nope', event());
    expect(
      state.requests().map(({ outcome, status, code, name }) => ({ outcome, status, code, name })),
    ).toEqual([
      { outcome: 'accepted', status: 202, code: undefined, name: 'AddOrUpdateReport' },
      { outcome: 'accepted', status: 202, code: undefined, name: 'Event' },
      { outcome: 'rejected', status: 401, code: 'INVALID_ACCESS_TOKEN_EXCEPTION', name: 'Event' },
    ]);
  });
});

describe('event gateway: authorization', () => {
  it('answers 401 without a bearer header, with an unknown token, and after expireAccessTokens', async () => {
    const { app, state, token, event } = await readyGateway(onTestFinished);
    expectGatewayError(
      await postEvent(app, undefined, event()),
      401,
      'INVALID_ACCESS_TOKEN_EXCEPTION',
      /Authorization: Bearer/,
    );
    expectGatewayError(
      await postEvent(app, 'Atza|guess', event()),
      401,
      'INVALID_ACCESS_TOKEN_EXCEPTION',
      /unknown or expired/,
    );
    expect(state.tokens.expireAccessTokens()).toBe(1);
    expectGatewayError(await postEvent(app, token, event()), 401, 'INVALID_ACCESS_TOKEN_EXCEPTION');
  });

  it('answers 401 when the body scope token differs from the bearer, for events and reports', async () => {
    const { app, state, token, event } = await readyGateway(onTestFinished);
    const other = (await link(app, state)).access_token;
    const mismatched = event();
    mismatched.event.endpoint.scope.token = other;
    expectGatewayError(
      await postEvent(app, token, mismatched),
      401,
      'INVALID_ACCESS_TOKEN_EXCEPTION',
      /event\.endpoint\.scope\.token does not match/,
    );
    expectGatewayError(
      await postEvent(app, token, addOrUpdateReport(other)),
      401,
      'INVALID_ACCESS_TOKEN_EXCEPTION',
      /event\.payload\.scope\.token does not match/,
    );
  });

  it('answers 403 SKILL_DISABLED_EXCEPTION while the skill is disabled', async () => {
    const { app, state, token, event } = await readyGateway(onTestFinished);
    state.setSkillEnabled(false);
    expectGatewayError(await postEvent(app, token, event()), 403, 'SKILL_DISABLED_EXCEPTION');
    state.setSkillEnabled(true);
    expect((await postEvent(app, token, event())).statusCode).toBe(202);
  });
});

describe('event gateway: injected faults', () => {
  it('answers the next N requests with the injected statuses and default codes, then normally', async () => {
    const { app, state, token, event } = await readyGateway(onTestFinished);
    state.injectGatewayFaults([
      { status: 429 },
      { status: 500 },
      { status: 503 },
      { status: 401 },
      { status: 403, code: 'INSUFFICIENT_PERMISSION_EXCEPTION', description: 'no Send Alexa Events' },
      { status: 404, code: 'SKILL_NOT_FOUND_EXCEPTION' },
      { status: 400 },
      { status: 413 },
    ]);
    const expected: [number, string][] = [
      [429, 'THROTTLING_EXCEPTION'],
      [500, 'INTERNAL_SERVICE_EXCEPTION'],
      [503, 'SERVICE_UNAVAILABLE_EXCEPTION'],
      [401, 'INVALID_ACCESS_TOKEN_EXCEPTION'],
      [403, 'INSUFFICIENT_PERMISSION_EXCEPTION'],
      [404, 'SKILL_NOT_FOUND_EXCEPTION'],
      [400, 'INVALID_REQUEST_EXCEPTION'],
      [413, 'REQUEST_ENTITY_TOO_LARGE_EXCEPTION'],
    ];
    for (const [status, code] of expected) {
      expectGatewayError(
        await postEvent(app, token, event()),
        status,
        code,
        status === 403 ? 'no Send Alexa Events' : undefined,
      );
    }
    expect((await postEvent(app, token, event())).statusCode).toBe(202);
    expect(state.accepted().filter((e) => e.name === 'Event')).toHaveLength(1);
    expect(state.requests().filter((r) => r.outcome === 'injected')).toHaveLength(8);
  });

  it('answers an injected 2xx status for a valid event and still validates it', async () => {
    const { app, state, token, event } = await readyGateway(onTestFinished);
    state.injectGatewayFaults([{ status: 204 }, { status: 204 }]);
    const ok = await postEvent(app, token, event());
    expect(ok.statusCode).toBe(204);
    expectGatewayError(await postEvent(app, token, event({ id: 'nope' })), 400, 'INVALID_REQUEST_EXCEPTION');
    expect(state.accepted().filter((e) => e.name === 'Event')).toHaveLength(1);
  });

  it('refuses malformed faults with ERR_EMULATOR_BAD_FAULT and queues none of them', async () => {
    const { state } = await readyGateway(onTestFinished);
    expect(() => state.injectGatewayFaults([{ status: 429 }, { status: 302 }])).toThrow(
      expect.objectContaining({ code: 'ERR_EMULATOR_BAD_FAULT' }),
    );
    expect(() => state.injectGatewayFaults([{ status: 418 }])).toThrow(/needs a code/);
    expect(() => state.injectGatewayFaults([{ status: 204, code: 'X' }])).toThrow(/carries no code/);
    expect(state.faults.pendingGatewayFaults()).toBe(0);
  });
});
