import { SIGNATURE_HEADER, signDirective } from '@pressgate/protocol';
import {
  acceptGrantDirective,
  BUTTON_1_INSTANCE,
  discoverDirective,
  HARNESS_DIRECTIVE_SECRET,
  LIVING_ROOM_ENDPOINT_ID,
  reportStateDirective,
  startHttpHarness,
} from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

const nowS = (): number => Math.floor(Date.now() / 1000);

describe('POST /alexa/directive: AcceptGrant', () => {
  it('exchanges the code with LWA, stores the tokens and answers AcceptGrant.Response', async () => {
    const h = await startHttpHarness();
    const response = await h.postDirective(acceptGrantDirective(h.emulator.issueAuthorizationCode()));
    expect(response.statusCode).toBe(200);
    expect(response.json().event.header).toMatchObject({
      namespace: 'Alexa.Authorization',
      name: 'AcceptGrant.Response',
      payloadVersion: '3',
    });
    expect(h.core.tokens.status().state).toBe('linked');
    expect(h.emulator.tokenRequests()).toEqual([
      expect.objectContaining({ grantType: 'authorization_code', outcome: 'issued' }),
    ]);
    const status = await h.app.inject({ method: 'GET', url: '/v1/status' });
    expect(status.json().link.state).toBe('linked');
    expect(status.json().link.accessTokenExpiresAt).toMatch(/Z$/);
  });

  it('answers ACCEPT_GRANT_FAILED (200) for a used or unknown code, and when LWA is down', async () => {
    const h = await startHttpHarness();
    const code = h.emulator.issueAuthorizationCode();
    expect((await h.postDirective(acceptGrantDirective(code))).json().event.header.name).toBe(
      'AcceptGrant.Response',
    );
    for (const badCode of [code, 'never-issued-code']) {
      const response = await h.postDirective(acceptGrantDirective(badCode));
      expect(response.statusCode).toBe(200);
      expect(response.json().event).toMatchObject({
        header: { namespace: 'Alexa.Authorization', name: 'ErrorResponse' },
        payload: { type: 'ACCEPT_GRANT_FAILED', message: expect.stringContaining('ERR_LWA_INVALID_GRANT') },
      });
    }
    h.emulator.injectLwaFault({ kind: 'unavailable' });
    const down = await h.postDirective(acceptGrantDirective(h.emulator.issueAuthorizationCode()));
    expect(down.json().event.payload).toMatchObject({
      type: 'ACCEPT_GRANT_FAILED',
      message: expect.stringContaining('ERR_LWA_UNAVAILABLE'),
    });
    // The earlier link survives failed grants.
    expect(h.core.tokens.status().state).toBe('linked');
  });

  it('answers a malformed AcceptGrant (no grant code) with ACCEPT_GRANT_FAILED and calls no LWA', async () => {
    const h = await startHttpHarness();
    const body = acceptGrantDirective('x') as { directive: { payload: Record<string, unknown> } };
    body.directive.payload.grant = { type: 'OAuth2.AuthorizationCode' };
    const response = await h.postDirective(body);
    expect(response.json().event.payload).toMatchObject({
      type: 'ACCEPT_GRANT_FAILED',
      message: expect.stringContaining('grant.code'),
    });
    expect(h.emulator.tokenRequests()).toEqual([]);
  });
});

describe('POST /alexa/directive: Discover, ReportState, others', () => {
  it('answers Discover with the configured endpoint, which the strict emulator accepts', async () => {
    const h = await startHttpHarness();
    const response = await h.postDirective(discoverDirective());
    const body = response.json();
    expect(body.event.header).toMatchObject({ namespace: 'Alexa.Discovery', name: 'Discover.Response' });
    expect(body.event.payload.endpoints).toHaveLength(1);
    const [endpoint] = body.event.payload.endpoints;
    expect(endpoint).toMatchObject({ endpointId: LIVING_ROOM_ENDPOINT_ID, displayCategories: ['REMOTE'] });
    expect(endpoint.capabilities).toContainEqual(
      expect.objectContaining({ interface: 'Alexa.SimpleEventSource', instance: BUTTON_1_INSTANCE }),
    );
    expect(h.emulator.learnDiscovery(body)).toEqual({ ok: true, endpointIds: [LIVING_ROOM_ENDPOINT_ID] });
  });

  it('answers ReportState with the correlationToken and live connectivity, NO_SUCH_ENDPOINT otherwise', async () => {
    const h = await startHttpHarness();
    const first = (await h.postDirective(reportStateDirective(LIVING_ROOM_ENDPOINT_ID, 'corr-1'))).json();
    expect(first.event.header).toMatchObject({ name: 'StateReport', correlationToken: 'corr-1' });
    expect(first.event.endpoint).toEqual({ endpointId: LIVING_ROOM_ENDPOINT_ID });
    expect(first.context.properties[0]).toMatchObject({
      namespace: 'Alexa.EndpointHealth',
      name: 'connectivity',
      value: { value: 'UNREACHABLE' },
    });
    await h.core.setRemoteStatus('living-room', { connected: true, deviceId: 'rmt-00a1' });
    const second = (await h.postDirective(reportStateDirective(LIVING_ROOM_ENDPOINT_ID, 'corr-2'))).json();
    expect(second.context.properties[0].value).toEqual({ value: 'OK' });
    expect(second.event.header.correlationToken).toBe('corr-2');

    const missing = (await h.postDirective(reportStateDirective('no-such-remote', 'corr-3'))).json();
    expect(missing.event).toMatchObject({
      header: { namespace: 'Alexa', name: 'ErrorResponse', correlationToken: 'corr-3' },
      endpoint: { endpointId: 'no-such-remote' },
      payload: { type: 'NO_SUCH_ENDPOINT' },
    });
  });

  it('answers an unsupported directive with INVALID_DIRECTIVE, echoing its correlationToken', async () => {
    const h = await startHttpHarness();
    const response = await h.postDirective({
      directive: {
        header: {
          namespace: 'Alexa.PowerController',
          name: 'TurnOn',
          payloadVersion: '3',
          messageId: crypto.randomUUID(),
          correlationToken: 'corr-power',
        },
        endpoint: { endpointId: LIVING_ROOM_ENDPOINT_ID },
        payload: {},
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().event).toMatchObject({
      header: { namespace: 'Alexa', name: 'ErrorResponse', correlationToken: 'corr-power' },
      payload: {
        type: 'INVALID_DIRECTIVE',
        message: expect.stringContaining('Alexa.PowerController.TurnOn'),
      },
    });
  });
});

describe('POST /alexa/directive: signatures come first', () => {
  it('refuses missing, malformed, wrong, stale and tampered signatures with 401 and processes nothing', async () => {
    const h = await startHttpHarness();
    const body = JSON.stringify(acceptGrantDirective(h.emulator.issueAuthorizationCode()));
    const cases: { name: string; signature: string | null; code: string; payload?: string }[] = [
      { name: 'missing', signature: null, code: 'ERR_SIGNATURE_MISSING' },
      { name: 'malformed', signature: 't=abc,v1=zz', code: 'ERR_SIGNATURE_MALFORMED' },
      {
        name: 'other secret',
        signature: signDirective('another-secret-of-enough-length', body, nowS()),
        code: 'ERR_SIGNATURE_MISMATCH',
      },
      {
        name: 'stale',
        signature: signDirective(HARNESS_DIRECTIVE_SECRET, body, nowS() - 301),
        code: 'ERR_SIGNATURE_STALE',
      },
      {
        name: 'tampered body',
        signature: signDirective(HARNESS_DIRECTIVE_SECRET, body, nowS()),
        code: 'ERR_SIGNATURE_MISMATCH',
        payload: body.replace('AcceptGrant', 'AcceptGrant '),
      },
    ];
    for (const testCase of cases) {
      const response = await h.postDirective(testCase.payload ?? body, { signature: testCase.signature });
      expect(response.statusCode, testCase.name).toBe(401);
      expect(response.json(), testCase.name).toMatchObject({
        statusCode: 401,
        code: testCase.code,
        error: 'Unauthorized',
      });
    }
    expect(h.emulator.tokenRequests()).toEqual([]);
    expect(h.core.tokens.status().state).toBe('unlinked');
    const warnings = h.logs.entries().filter((entry) => entry.msg === 'directive refused: bad signature');
    expect(warnings).toHaveLength(cases.length);
    for (const line of h.logs.lines) expect(line).not.toMatch(/v1=|[0-9a-f]{64}/);
  });

  it('refuses a replayed request: the second copy gets 401 and LWA sees one exchange', async () => {
    const h = await startHttpHarness();
    const body = JSON.stringify(acceptGrantDirective(h.emulator.issueAuthorizationCode()));
    const signature = signDirective(HARNESS_DIRECTIVE_SECRET, body, nowS());
    const first = await h.postDirective(body, { signature });
    expect(first.json().event.header.name).toBe('AcceptGrant.Response');
    const replay = await h.postDirective(body, { signature });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('ERR_SIGNATURE_REPLAY');
    expect(h.emulator.tokenRequests()).toHaveLength(1);
  });
});

describe('POST /alexa/directive: bad bodies', () => {
  it('answers malformed JSON 400, an oversize body 413, a wrong content type 415, and keeps serving', async () => {
    const h = await startHttpHarness({ app: { bodyLimitBytes: 4096 } });
    const broken = await h.postDirective('{"directive": {');
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ statusCode: 400, code: 'ERR_HTTP_BAD_JSON', error: 'Bad Request' });
    expect(broken.json().message).toMatch(/not valid JSON/);

    const big = JSON.stringify({ ...discoverDirective(), padding: 'x'.repeat(5000) });
    const tooLarge = await h.postDirective(big);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({
      code: 'ERR_HTTP_BODY_TOO_LARGE',
      message: expect.stringContaining('4096'),
    });

    const text = JSON.stringify(discoverDirective());
    const wrongType = await h.app.inject({
      method: 'POST',
      url: '/alexa/directive',
      headers: {
        'content-type': 'text/plain',
        [SIGNATURE_HEADER]: signDirective(HARNESS_DIRECTIVE_SECRET, text, nowS()),
      },
      payload: text,
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json()).toMatchObject({ code: 'ERR_HTTP_UNSUPPORTED_MEDIA_TYPE' });

    const good = await h.postDirective(discoverDirective());
    expect(good.statusCode).toBe(200);
    expect(good.json().event.header.name).toBe('Discover.Response');
    for (const line of h.logs.lines) expect(line).not.toContain('xxxxxxxxxx');
  });
});
